package io.profitlake.insights;

import static io.profitlake.insights.Insights.ACTION;
import static io.profitlake.insights.Insights.NET_PROFIT;
import static io.profitlake.insights.Insights.STATUS;
import static io.profitlake.insights.Insights.T12M_DECILE;
import static io.profitlake.insights.Insights.UNPROFITABLE_IN_A_ROW;
import static io.profitlake.insights.Insights.t12m;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.profitlake.config.CostModel.Thresholds;
import io.profitlake.costing.Receivables;
import io.profitlake.referral.ReferralAttribution;
import io.profitlake.revenue.RevenueSide;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The recommended action (methods.md): on t12m figures, the first rule that matches, in this order. */
public final class Actions {
  public static final String COLLECT = "COLLECT";
  public static final String PROTECT = "PROTECT";
  public static final String GROW = "GROW";
  public static final String KEEP_FOR_REFERRALS = "KEEP_FOR_REFERRALS";
  public static final String REVIEW_RELATIONSHIP = "REVIEW_RELATIONSHIP";
  public static final String REPRICE = "REPRICE";
  public static final String REDUCE_COST_TO_SERVE = "REDUCE_COST_TO_SERVE";

  /** PROTECT covers the top deciles up to this one. */
  static final int PROTECT_DECILES = 2;

  private Actions() {}

  static Dataset<Row> withAction(Dataset<Row> rows, Thresholds thresholds) {
    return rows.withColumn(ACTION, rule(thresholds));
  }

  static Column rule(Thresholds thresholds) {
    Column grossMargin = col(t12m(RevenueSide.GROSS_MARGIN));
    Column receivablesCost = col(t12m(Receivables.BAD_DEBT)).plus(col(t12m(Receivables.FINANCING_COST)));
    Column profitable = col(STATUS).equalTo(lit(Status.PROFITABLE));
    return when(grossMargin.gt(lit(0))
            .and(receivablesCost.gt(grossMargin.multiply(lit(thresholds.collectShare())))), lit(COLLECT))
        .when(profitable.and(col(T12M_DECILE).leq(lit(PROTECT_DECILES))), lit(PROTECT))
        .when(profitable, lit(GROW))
        .when(col(t12m(NET_PROFIT)).plus(col(t12m(ReferralAttribution.REFERRAL_VALUE))).gt(lit(0)),
            lit(KEEP_FOR_REFERRALS))
        .when(col(UNPROFITABLE_IN_A_ROW).geq(lit(thresholds.reviewAfterPeriods())), lit(REVIEW_RELATIONSHIP))
        .when(grossMargin.leq(lit(0)), lit(REPRICE))
        .otherwise(lit(REDUCE_COST_TO_SERVE));
  }
}
