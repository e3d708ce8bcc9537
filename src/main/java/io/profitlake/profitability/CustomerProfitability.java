package io.profitlake.profitability;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.when;

import io.profitlake.currency.Money;
import io.profitlake.revenue.RevenueSide;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Assembles the customer P&L rows of methods.md (Net profit): a customer has a row in every
 * processed period from its first period with a non-zero component through 11 periods after its
 * last one, capped at the last processed period; components of quiet periods are 0.
 */
public final class CustomerProfitability {
  /** How long a quiet customer keeps its rows, so that its trailing-12-month figures stay visible. */
  static final int QUIET_TAIL_PERIODS = 11;

  private CustomerProfitability() {}

  /**
   * @param components customer_id, period and money components of the processed periods, sparse (a
   *     row where any is set)
   * @param componentColumns the money columns of {@code components}
   * @param elsewhere the same columns for periods outside the processed ones, as the lakehouse holds
   *     them: they only widen the span of periods a customer has rows in
   */
  public static Dataset<Row> rows(Dataset<Row> components, List<String> componentColumns, Periods periods,
      Dataset<Row> elsewhere) {
    Column anyNonZero = lit(false);
    for (String column : componentColumns) {
      anyNonZero = anyNonZero.or(col(column).notEqual(lit(0)));
    }
    Column periodIndex = Periods.index("period");
    List<String> keyed = new java.util.ArrayList<>(List.of("customer_id", "period"));
    keyed.addAll(componentColumns);
    Column[] shape = keyed.stream().map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> active = components.select(shape).unionByName(elsewhere.select(shape)).where(anyNonZero)
        .withColumn("_index", periodIndex)
        .groupBy(col("customer_id"))
        .agg(min(col("_index")).as("_from"), max(col("_index")).as("_to"));
    int lastIndex = Periods.index(periods.last());
    int firstIndex = Periods.index(periods.first());
    Dataset<Row> grid = active
        // A span wholly before or after the processed periods gives no row (sequence would count down).
        .where(col("_to").plus(QUIET_TAIL_PERIODS).geq(lit(firstIndex)).and(col("_from").leq(lit(lastIndex))))
        .select(col("customer_id"), explode(sequence(
            greatest(col("_from"), lit(firstIndex)),
            least(col("_to").plus(QUIET_TAIL_PERIODS), lit(lastIndex)))).as("_index"))
        .withColumn("period", Periods.name(col("_index")))
        .drop("_index");
    Dataset<Row> joined = grid.join(components, new String[] {"customer_id", "period"}, "left");
    for (String column : componentColumns) {
      joined = joined.withColumn(column,
          when(col(column).isNull(), lit(0).cast(MONEY)).otherwise(col(column)));
    }
    return joined.withColumn("gross_margin_pct", percent(col(RevenueSide.GROSS_MARGIN), col(RevenueSide.NET_REVENUE)));
  }

  /**
   * Puts sparse component frames (each customer_id, period and some money columns) side by side:
   * one row per customer and period present in any, every listed column summed (absent = 0).
   */
  public static Dataset<Row> combine(List<Dataset<Row>> parts, List<String> columns) {
    Dataset<Row> all = null;
    for (Dataset<Row> part : parts) {
      List<Column> shaped = new java.util.ArrayList<>(List.of(col("customer_id"), col("period")));
      List<String> present = List.of(part.columns());
      for (String column : columns) {
        shaped.add(present.contains(column) ? col(column).cast(MONEY).as(column) : lit(null).cast(MONEY).as(column));
      }
      Dataset<Row> one = part.select(shaped.toArray(Column[]::new));
      all = all == null ? one : all.unionByName(one);
    }
    Column[] sums = columns.stream()
        .map(c -> coalesce(org.apache.spark.sql.functions.sum(col(c)), lit(0)).cast(MONEY).as(c))
        .toArray(Column[]::new);
    return all.groupBy(col("customer_id"), col("period")).agg(sums[0], java.util.Arrays.copyOfRange(sums, 1, sums.length));
  }

  /** net_profit and net_margin_pct (methods.md, Net profit) on rows that carry every component. */
  public static Dataset<Row> withNetProfit(Dataset<Row> rows) {
    Column netProfit = col(RevenueSide.GROSS_MARGIN).minus(col(RevenueSide.COMMISSIONS)).minus(col("cost_to_serve"))
        .minus(col("acquisition_cost")).minus(col("bad_debt")).minus(col("financing_cost"));
    return rows.withColumn("net_profit", netProfit.cast(MONEY))
        .withColumn("net_margin_pct", percent(col("net_profit"), col(RevenueSide.NET_REVENUE)));
  }

  private static final org.apache.spark.sql.types.DataType MONEY = Money.TYPE;

  /** round_half_even(100 x numerator / denominator, 2); null when the denominator is 0. */
  public static Column percent(Column numerator, Column denominator) {
    return when(denominator.equalTo(lit(0)), lit(null))
        .otherwise(bround(numerator.multiply(lit(100)).divide(denominator), 2))
        .cast(DataTypes.createDecimalType(9, 2));
  }
}
