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
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.profitlake.currency.Money;
import io.profitlake.referral.ReferralAttribution;
import io.profitlake.revenue.RevenueSide;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One row per customer as of a period: its lifetime figures over every period the lakehouse holds
 * up to then, beside its trailing-12-month figures, status, segment and action in that period.
 */
public final class CustomerValue {
  private CustomerValue() {}

  /**
   * @param profitability customer_profitability rows of every period up to and including {@code asOf}
   * @param asOf the last processed period: the customers with a row in it are the ones valued
   */
  public static Dataset<Row> asOf(Dataset<Row> profitability, String asOf) {
    Dataset<Row> lifetime = profitability.groupBy(col("customer_id"))
        .agg(min(col("period")).as("first_period"),
            count(lit(1)).as("periods_with_rows"),
            Money.of(sum(col(RevenueSide.NET_REVENUE))).as("lifetime_net_revenue"),
            Money.of(sum(col(NET_PROFIT))).as("lifetime_net_profit"),
            Money.of(sum(col(ReferralAttribution.REFERRAL_VALUE))).as("lifetime_referral_value"),
            Money.of(sum(col(TOTAL_RELATIONSHIP_VALUE))).as("lifetime_total_relationship_value"));
    return profitability.where(col("period").equalTo(lit(asOf)))
        .select(col("customer_id"), col("period").as("as_of_period"),
            col(t12m(RevenueSide.NET_REVENUE)), col(t12m(NET_PROFIT)), col(t12m(ReferralAttribution.REFERRAL_VALUE)),
            col(t12m(TOTAL_RELATIONSHIP_VALUE)), col(T12M_RANK), col(T12M_DECILE), col(STATUS), col(SEGMENT), col(ACTION),
            col(UNPROFITABLE_IN_A_ROW))
        .join(lifetime, "customer_id");
  }
}
