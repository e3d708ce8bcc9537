package io.profitlake.insights;

import static io.profitlake.insights.Insights.ACTION;
import static io.profitlake.insights.Insights.NET_PROFIT;
import static io.profitlake.insights.Insights.SEGMENT;
import static io.profitlake.insights.Insights.STATUS;
import static io.profitlake.insights.Insights.T12M_DECILE;
import static io.profitlake.insights.Insights.T12M_RANK;
import static io.profitlake.insights.Insights.TOTAL_RELATIONSHIP_VALUE;
import static io.profitlake.insights.Insights.UNPROFITABLE_IN_A_ROW;
import static io.profitlake.insights.Insights.t12m;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitlake.currency.Money;
import io.profitlake.referral.ReferralAttribution;
import io.profitlake.revenue.RevenueSide;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One row per customer as of a period (methods.md, customer_value): every customer with a row in any period
 * up to then, its lifetime figures over those rows beside its trailing-12-month figures, status, segment and
 * action in that period. A customer without a row in it (quiet for 12 periods or more) is LAPSED: t12m
 * figures 0.00, no rank, decile, segment or action, no unprofitable run.
 */
public final class CustomerValue {
  private CustomerValue() {}

  /** The columns taken from the customer's row in the as-of period (null, then defaulted, when it has none). */
  private static final List<String> STANDING = List.of(T12M_RANK, T12M_DECILE, STATUS, SEGMENT, ACTION,
      UNPROFITABLE_IN_A_ROW);

  /**
   * @param profitability customer_profitability rows of every period up to and including {@code asOf} (the
   *     caller filters: later periods must not count)
   * @param asOf the last processed period
   * @param spanComponents the components whose non-zero value opens a customer's row span (the P&L
   *     components and referral_value): the last period with one is its last_active_period
   * @param trailingComponents the components with a t12m column
   */
  public static Dataset<Row> asOf(Dataset<Row> profitability, String asOf, List<String> spanComponents,
      List<String> trailingComponents) {
    Column inAsOf = col("period").equalTo(lit(asOf));
    Column active = lit(false);
    for (String component : spanComponents) {
      active = active.or(col(component).notEqual(lit(0)));
    }
    // One aggregation per customer: a customer has at most one row per period, so max(when(in as-of, x)) is the
    // value of its row in the as-of period, or null without one.
    List<Column> aggregates = new ArrayList<>(List.of(
        min(col("period")).as("first_period"),
        max(when(active, col("period"))).as("last_active_period"),
        count(lit(1)).as("periods_with_rows"),
        Money.of(sum(col(RevenueSide.NET_REVENUE))).as("lifetime_net_revenue"),
        Money.of(sum(col(NET_PROFIT))).as("lifetime_net_profit"),
        Money.of(sum(col(ReferralAttribution.REFERRAL_VALUE))).as("lifetime_referral_value"),
        Money.of(sum(col(TOTAL_RELATIONSHIP_VALUE))).as("lifetime_total_relationship_value")));
    for (String component : trailingComponents) {
      aggregates.add(max(when(inAsOf, col(t12m(component)))).as(t12m(component)));
    }
    for (String column : STANDING) {
      aggregates.add(max(when(inAsOf, col(column))).as(column));
    }
    Dataset<Row> valued = profitability.groupBy(col("customer_id"))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
        .withColumn("as_of_period", lit(asOf))
        .withColumn(STATUS, coalesce(col(STATUS), lit(Status.LAPSED)))
        .withColumn(UNPROFITABLE_IN_A_ROW, coalesce(col(UNPROFITABLE_IN_A_ROW), lit(0)));
    for (String component : trailingComponents) {
      valued = valued.withColumn(t12m(component), coalesce(col(t12m(component)), lit(BigDecimal.ZERO)).cast(Money.TYPE));
    }
    return valued;
  }
}
