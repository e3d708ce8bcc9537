package io.profitlake.prospect;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitlake.config.CostModel.Thresholds;
import io.profitlake.currency.Money;
import io.profitlake.profitability.Periods;
import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Prospect scoring before first contact (methods.md): the expected first-year net profit of a
 * prospect from look-alike customers, the cell mean shrunk toward its parent cell and that toward
 * the global mean, so that a thin cell does not speak louder than its evidence.
 */
public final class ProspectScoring {
  public static final String CELL = "CELL";
  public static final String PARENT = "PARENT";
  public static final String GLOBAL = "GLOBAL";
  public static final String PURSUE = "PURSUE";
  public static final String NURTURE = "NURTURE";
  public static final String DEPRIORITIZE = "DEPRIORITIZE";
  public static final String INSUFFICIENT_HISTORY = "INSUFFICIENT_HISTORY";

  /** The look-alike cell (prospect's lead_source = customer's acquisition_channel) and its parent. */
  static final List<String> CELL_KEYS = List.of("industry", "size_band", "region", "lead_source");
  static final List<String> PARENT_KEYS = List.of("industry", "size_band");
  /** First year: the acquisition month and the 11 after it. */
  static final int FIRST_YEAR_PERIODS = 12;
  /** Exact integer arithmetic in cents: wide enough for sum x count x count at any realistic scale. */
  private static final DataType WHOLE = DataTypes.createDecimalType(38, 0);

  private ProspectScoring() {}

  /**
   * @param customers accepted customers (customer_id, industry, size_band, region, acquisition_channel,
   *     acquisition_date)
   * @param netProfit customer_id, period, net_profit of every period of the history
   * @param prospects accepted prospects
   */
  public static Dataset<Row> score(Dataset<Row> customers, Dataset<Row> netProfit, Dataset<Row> prospects,
      Thresholds thresholds) {
    Dataset<Row> eligible = firstYearProfit(customers, netProfit);
    // Both aggregate the same frame: their keys get their own names so that the joins below are unambiguous.
    Dataset<Row> cells = eligible.groupBy(keys(CELL_KEYS, "_cell_"))
        .agg(count(lit(1)).as("_n"), sum(col("first_year_profit")).as("_cell_sum"));
    Dataset<Row> parents = eligible.groupBy(keys(PARENT_KEYS, "_parent_"))
        .agg(count(lit(1)).as("_n_p"), sum(col("first_year_profit")).as("_parent_sum"));
    Dataset<Row> global = eligible
        .agg(count(lit(1)).as("_big_n"), sum(col("first_year_profit")).as("_global_sum"));

    Dataset<Row> scored = prospects
        .join(cells, matching(CELL_KEYS, "_cell_"), "left")
        .join(parents, matching(PARENT_KEYS, "_parent_"), "left")
        .crossJoin(global)
        .select(col("prospect_id"), col("industry"), col("size_band"), col("region"), col("lead_source"),
            col("_n").as("lookalike_count"), col("_cell_sum"), col("_n_p").as("parent_count"), col("_parent_sum"),
            col("_big_n").as("eligible_customers"), col("_global_sum"));
    return estimate(scored, thresholds.shrinkageK(), thresholds.pursueThreshold());
  }

  /**
   * Eligible customers and their first-year profit: acquired no earlier than the first period of the
   * history and at least 11 periods before its last, so their whole first year is observed.
   */
  static Dataset<Row> firstYearProfit(Dataset<Row> customers, Dataset<Row> netProfit) {
    Dataset<Row> profit = netProfit.select(col("customer_id").as("_customer_id"), Periods.index("period").as("_index"),
        col("net_profit"));
    Dataset<Row> bounds = profit.agg(min(col("_index")).as("_first"), max(col("_index")).as("_last"));
    Dataset<Row> eligible = customers
        .select(col("customer_id"), col("industry"), col("size_band"), col("region"),
            col("acquisition_channel").as("lead_source"),
            org.apache.spark.sql.functions.expr("year(acquisition_date) * 12 + month(acquisition_date) - 1")
                .as("_acquired"))
        .crossJoin(bounds)
        .where(col("_acquired").geq(col("_first"))
            .and(col("_acquired").plus(FIRST_YEAR_PERIODS - 1).leq(col("_last"))));
    Column inFirstYear = col("customer_id").equalTo(col("_customer_id"))
        .and(col("_index").between(col("_acquired"), col("_acquired").plus(FIRST_YEAR_PERIODS - 1)));
    return eligible.join(profit, inFirstYear, "left")
        .groupBy(col("customer_id"), col("industry"), col("size_band"), col("region"), col("lead_source"))
        .agg(Money.of(coalesce(sum(col("net_profit")), lit(BigDecimal.ZERO))).as("first_year_profit"));
  }

  /**
   * In cents, with C, P, G the cell, parent and global sums and n, n_p, N their counts:
   * global mean G / N; parent_est = (P N + k G) / (N (n_p + k));
   * est = (C N (n_p + k) + k (P N + k G)) / (N (n_p + k) (n + k)), which is
   * (n x cell_mean + k x parent_est) / (n + k) with every division done once, at the end.
   */
  static Dataset<Row> estimate(Dataset<Row> scored, int k, BigDecimal pursueThreshold) {
    Column n = whole(coalesce(col("lookalike_count"), lit(0L)));
    Column nParent = whole(coalesce(col("parent_count"), lit(0L)));
    Column bigN = whole(col("eligible_customers"));
    Column kk = lit(k).cast(WHOLE);
    Column cellCents = cents(col("_cell_sum"));
    Column parentCents = cents(col("_parent_sum"));
    Column globalCents = cents(col("_global_sum"));
    Column parentNumerator = parentCents.multiply(bigN).plus(kk.multiply(globalCents)).cast(WHOLE);
    Column parentDenominator = bigN.multiply(nParent.plus(kk)).cast(WHOLE);
    Column cellNumerator = cellCents.multiply(bigN).multiply(nParent.plus(kk)).plus(kk.multiply(parentNumerator))
        .cast(WHOLE);
    Column cellDenominator = parentDenominator.multiply(n.plus(kk)).cast(WHOLE);

    Column level = when(col("eligible_customers").equalTo(0), lit(null).cast(DataTypes.StringType))
        .when(n.gt(0), lit(CELL))
        .when(nParent.gt(0), lit(PARENT))
        .otherwise(lit(GLOBAL));
    Column estimate = when(col("cell_level").equalTo(lit(CELL)), quotient(cellNumerator, cellDenominator))
        .when(col("cell_level").equalTo(lit(PARENT)), quotient(parentNumerator, parentDenominator))
        .when(col("cell_level").equalTo(lit(GLOBAL)), quotient(globalCents, bigN));
    Column expected = col("expected_first_year_profit");
    Column recommendation = when(expected.isNull(), lit(INSUFFICIENT_HISTORY))
        .when(expected.gt(lit(pursueThreshold)), lit(PURSUE))
        .when(expected.gt(lit(0)), lit(NURTURE))
        .otherwise(lit(DEPRIORITIZE));
    return scored
        .withColumn("cell_level", level)
        .withColumn("expected_first_year_profit", estimate)
        .withColumn("cell_mean_profit", when(n.gt(0), quotient(cellCents, n)))
        .withColumn("parent_mean_profit", when(nParent.gt(0), quotient(parentCents, nParent)))
        .withColumn("global_mean_profit", when(bigN.gt(0), quotient(globalCents, bigN)))
        .withColumn("lookalike_count", coalesce(col("lookalike_count"), lit(0L)))
        .withColumn("parent_count", coalesce(col("parent_count"), lit(0L)))
        .withColumn("recommendation", recommendation)
        .drop("_cell_sum", "_parent_sum", "_global_sum");
  }

  /**
   * numerator / denominator (both whole cents and counts, denominator > 0) rounded HALF_EVEN to
   * the cent, exactly: floor division with pmod, then the remainder decides. A decimal division
   * would round to 6 places first, and a value just under a half cent could round twice.
   */
  static Column quotient(Column numerator, Column denominator) {
    Column remainder = pmod(numerator, denominator);
    Column floor = numerator.minus(remainder).divide(denominator).cast(WHOLE);
    Column twice = remainder.multiply(lit(2));
    Column up = when(twice.gt(denominator), lit(1))
        .when(twice.equalTo(denominator).and(pmod(floor, lit(2)).equalTo(lit(1))), lit(1))
        .otherwise(lit(0));
    return Money.of(floor.plus(up).divide(lit(100)));
  }

  private static Column cents(Column money) {
    return coalesce(money, lit(BigDecimal.ZERO)).multiply(lit(100)).cast(WHOLE);
  }

  private static Column whole(Column count) {
    return count.cast(WHOLE);
  }

  private static Column[] keys(List<String> names, String prefix) {
    return names.stream().map(name -> col(name).as(prefix + name)).toArray(Column[]::new);
  }

  /** A missing attribute is its own category: a prospect without a region matches customers without one. */
  private static Column matching(List<String> names, String prefix) {
    Column condition = lit(true);
    for (String name : names) {
      condition = condition.and(col(name).eqNullSafe(col(prefix + name)));
    }
    return condition;
  }
}
