package io.profitlake.insights;

import static io.profitlake.insights.Insights.HISTORY;
import static io.profitlake.insights.Insights.INDEX;
import static io.profitlake.insights.Insights.t12m;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitlake.currency.Money;
import io.profitlake.profitability.Periods;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Trailing-12-month figures (methods.md): the sum of the 12 calendar periods ending with the period;
 * periods without a row count 0, and early in the history the sum is of what exists.
 */
final class Trailing {
  private Trailing() {}

  /**
   * Adds {@code t12m_<component>} to every row of the processed periods. The window is a range of
   * period indexes, not of rows, so that a period without a row counts 0 rather than shifting the
   * window. Rows read back from the lakehouse keep the figures they were written with.
   */
  static Dataset<Row> sums(Dataset<Row> timeline, List<String> components) {
    WindowSpec lastTwelve = Window.partitionBy(col("customer_id")).orderBy(col(INDEX))
        .rangeBetween(-(Insights.TRAILING_PERIODS - 1), 0);
    Map<String, Column> sums = new LinkedHashMap<>();
    for (String component : components) {
      sums.put(t12m(component), Money.of(
          when(col(HISTORY), col(t12m(component)))
              .otherwise(sum(coalesce(col(component), lit(BigDecimal.ZERO))).over(lastTwelve))));
    }
    // In one projection (every t12m column exists, so each is replaced in place): Spark then computes all the sums in
    // one Window operator, one pass over each customer's rows. A withColumn per sum put a projection (the when)
    // between their Window operators, which keeps Spark from merging them: one operator per component.
    return timeline.withColumn(INDEX, Periods.index("period")).withColumns(sums);
  }
}
