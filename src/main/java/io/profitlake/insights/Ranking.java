package io.profitlake.insights;

import static io.profitlake.insights.Insights.DECILE;
import static io.profitlake.insights.Insights.NET_PROFIT;
import static io.profitlake.insights.Insights.RANK;
import static io.profitlake.insights.Insights.T12M_DECILE;
import static io.profitlake.insights.Insights.T12M_RANK;
import static io.profitlake.insights.Insights.t12m;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.ntile;
import static org.apache.spark.sql.functions.row_number;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Rank and decile per period (methods.md): by net profit descending, ties by customer_id ascending
 * (1 = best); decile = ntile(10) in that order, so the first deciles take the extra customers.
 */
final class Ranking {
  private Ranking() {}

  static Dataset<Row> withRanks(Dataset<Row> rows) {
    WindowSpec byProfit = Window.partitionBy(col("period"))
        .orderBy(col(NET_PROFIT).desc(), col("customer_id").asc());
    WindowSpec byTrailingProfit = Window.partitionBy(col("period"))
        .orderBy(col(t12m(NET_PROFIT)).desc(), col("customer_id").asc());
    return rows
        .withColumn(RANK, row_number().over(byProfit))
        .withColumn(DECILE, ntile(10).over(byProfit))
        .withColumn(T12M_RANK, row_number().over(byTrailingProfit))
        .withColumn(T12M_DECILE, ntile(10).over(byTrailingProfit));
  }
}
