package io.profitlake.insights;

import static io.profitlake.insights.Insights.COST_TO_SERVE_RATIO;
import static io.profitlake.insights.Insights.GROSS_MARGIN_RATIO;
import static io.profitlake.insights.Insights.SEGMENT;
import static io.profitlake.insights.Insights.t12m;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.profitlake.costing.CostToServe;
import io.profitlake.revenue.RevenueSide;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Shapiro's quadrants (methods.md): among the customers of a period with t12m net revenue > 0, the
 * gross margin ratio and the cost-to-serve ratio, each compared with its exact median in the
 * period; strictly above the median is high.
 */
public final class Segments {
  public static final String PASSIVE = "PASSIVE";
  public static final String CARRIAGE_TRADE = "CARRIAGE_TRADE";
  public static final String BARGAIN_BASEMENT = "BARGAIN_BASEMENT";
  public static final String AGGRESSIVE = "AGGRESSIVE";
  public static final String NO_REVENUE = "NO_REVENUE";
  /** Ratios: fractions rounded HALF_EVEN to 6 decimals; wide, as a tiny revenue makes a large ratio. */
  public static final DataType RATIO = DataTypes.createDecimalType(30, 6);

  private Segments() {}

  static Dataset<Row> withSegments(Dataset<Row> rows) {
    Column revenue = col(t12m(RevenueSide.NET_REVENUE));
    Dataset<Row> withRatios = rows
        .withColumn(GROSS_MARGIN_RATIO, ratio(col(t12m(RevenueSide.GROSS_MARGIN)), revenue))
        .withColumn(COST_TO_SERVE_RATIO, ratio(col(t12m(CostToServe.COST_TO_SERVE)), revenue));
    Dataset<Row> medians = median(withRatios, GROSS_MARGIN_RATIO, "_margin_median")
        .join(median(withRatios, COST_TO_SERVE_RATIO, "_cost_median"), "period");
    Column highMargin = col(GROSS_MARGIN_RATIO).gt(col("_margin_median"));
    Column highCost = col(COST_TO_SERVE_RATIO).gt(col("_cost_median"));
    Column segment = when(revenue.leq(lit(0)), lit(NO_REVENUE))
        .when(highMargin.and(highCost), lit(CARRIAGE_TRADE))
        .when(highMargin, lit(PASSIVE))
        .when(highCost, lit(AGGRESSIVE))
        .otherwise(lit(BARGAIN_BASEMENT));
    return withRatios.join(medians, new String[] {"period"}, "left")
        .withColumn(SEGMENT, segment)
        .drop("_margin_median", "_cost_median");
  }

  /** round_half_even(numerator / revenue, 6); null when revenue <= 0 (those customers have no segment ratio). */
  static Column ratio(Column numerator, Column revenue) {
    return when(revenue.gt(lit(0)), bround(numerator.divide(revenue), 6)).cast(RATIO);
  }

  /**
   * The exact median of a ratio per period: the middle value, or the average of the two middle
   * values for an even count. Found by position in sorted order (a window per period), so it stays
   * decimal and distributed (Spark's percentile functions work in double). The report draws the same
   * medians as the segments' dividing lines.
   */
  public static Dataset<Row> median(Dataset<Row> rows, String ratio, String as) {
    return rows.where(col(ratio).isNotNull()).select(col("period"), col(ratio))
        .withColumn("_position", row_number().over(Window.partitionBy(col("period")).orderBy(col(ratio))))
        .withColumn("_count", count(lit(1)).over(Window.partitionBy(col("period"))))
        .where(col("_position").equalTo(expr("(_count + 1) div 2"))
            .or(col("_position").equalTo(expr("_count div 2 + 1"))))
        .groupBy(col("period"))
        .agg(avg(col(ratio)).as(as));
  }
}
