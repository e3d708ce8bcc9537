package io.profitlake.insights;

import static io.profitlake.insights.Insights.NET_PROFIT;
import static io.profitlake.insights.Insights.RANK;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitlake.currency.Money;
import java.math.BigDecimal;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The whale curve of a period (methods.md): customers in rank order, the cumulative share of total
 * net profit of the first ceil(n x j / 1000) of them for j = 1..1000, and its summary. Running sums
 * are window functions per period, so nothing is sorted on the driver.
 */
public final class WhaleCurve {
  public static final int POINTS = 1000;
  /** Shares: fractions (1 = 100%) rounded HALF_EVEN to 6 decimals; a prefix can exceed the total many times. */
  public static final DataType SHARE = DataTypes.createDecimalType(30, 6);

  private WhaleCurve() {}

  /**
   * @param ranked customer_id, period, net_profit and rank (1 = best) of every customer of the period
   * @return period, point, customer_share, customers_included, cumulative_profit, cumulative_profit_share
   *     (null when the period's total net profit is not positive)
   */
  public static Dataset<Row> points(Dataset<Row> ranked) {
    Dataset<Row> totals = ranked.groupBy(col("period"))
        .agg(count(lit(1)).as("_customers"), sum(col(NET_PROFIT)).as("_total"));
    Dataset<Row> grid = totals
        .crossJoin(ranked.sparkSession().range(1, POINTS + 1).withColumnRenamed("id", "point"))
        // ceil(n x j / 1000) in integers: no rounding of a fraction can move a point.
        .withColumn("customers_included", expr("(_customers * point + " + (POINTS - 1) + ") div " + POINTS));
    return grid.join(cumulative(ranked), col("customers_included").equalTo(col(RANK)).and(
            grid.col("period").equalTo(col("_period"))))
        .select(
            col("period"),
            col("point").cast(DataTypes.IntegerType).as("point"),
            col("point").divide(lit(POINTS)).cast(SHARE).as("customer_share"),
            col("customers_included").cast(DataTypes.LongType).as("customers_included"),
            col("cumulative_profit"),
            share(col("cumulative_profit"), col("_total")).as("cumulative_profit_share"));
  }

  /**
   * period, customers, total_net_profit, peak_customers, peak_customer_share, peak_cumulative_profit,
   * peak_profit_share, unprofitable_customers, unprofitable_customer_share, profit_destroyed,
   * shares_defined. The peak is the highest cumulative profit over all n prefixes (not only the
   * 1,000 points), at the first prefix that reaches it.
   */
  public static Dataset<Row> summary(Dataset<Row> ranked) {
    Column negative = col(NET_PROFIT).lt(lit(0));
    // The largest (cumulative profit, -rank): the highest prefix, and among equal ones the shortest.
    Column peak = max(struct(col("cumulative_profit").as("profit"), col(RANK).unary_$minus().as("negated_rank")));
    return cumulative(ranked).groupBy(col("_period").as("period"))
        .agg(count(lit(1)).as("customers"),
            sum(col(NET_PROFIT)).as("total_net_profit"),
            peak.as("_peak"),
            count(when(negative, lit(1))).as("unprofitable_customers"),
            sum(when(negative, col(NET_PROFIT).unary_$minus()).otherwise(lit(BigDecimal.ZERO))).as("profit_destroyed"))
        .select(
            col("period"),
            col("customers"),
            Money.of(col("total_net_profit")).as("total_net_profit"),
            col("_peak.negated_rank").unary_$minus().cast(DataTypes.LongType).as("peak_customers"),
            fraction(col("_peak.negated_rank").unary_$minus(), col("customers")).as("peak_customer_share"),
            Money.of(col("_peak.profit")).as("peak_cumulative_profit"),
            share(col("_peak.profit"), col("total_net_profit")).as("peak_profit_share"),
            col("unprofitable_customers"),
            fraction(col("unprofitable_customers"), col("customers")).as("unprofitable_customer_share"),
            Money.of(col("profit_destroyed")).as("profit_destroyed"),
            col("total_net_profit").gt(lit(0)).as("shares_defined"));
  }

  /** _period, rank, net_profit and cumulative_profit: the running sum of net profit in rank order. */
  private static Dataset<Row> cumulative(Dataset<Row> ranked) {
    return ranked.select(col("period").as("_period"), col(RANK), col(NET_PROFIT))
        .withColumn("cumulative_profit", Money.of(sum(col(NET_PROFIT)).over(Window.partitionBy(col("_period"))
            .orderBy(col(RANK)).rowsBetween(Window.unboundedPreceding(), Window.currentRow()))));
  }

  /** Share of total profit, null when the total is not positive (the curve is then undefined). */
  private static Column share(Column profit, Column total) {
    return when(total.gt(lit(0)), bround(profit.divide(total), 6)).cast(SHARE);
  }

  private static Column fraction(Column part, Column whole) {
    return bround(part.cast(DataTypes.createDecimalType(20, 0)).divide(whole.cast(DataTypes.createDecimalType(20, 0))), 6)
        .cast(SHARE);
  }
}
