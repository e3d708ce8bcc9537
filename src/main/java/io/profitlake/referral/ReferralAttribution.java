package io.profitlake.referral;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitlake.currency.Money;
import io.profitlake.config.CostModel.ReferralModel;
import java.math.BigDecimal;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Referral attribution (methods.md): within the window after its referral, each period of a referred
 * customer's non-zero net profit credits its referrers level by level with a fixed share. The credit
 * is shown beside net profit, never added into it.
 */
public final class ReferralAttribution {
  public static final String MODEL = "fixed-share-chain";
  public static final String REFERRAL_VALUE = "referral_value";
  private static final org.apache.spark.sql.types.DataType MONEY = Money.TYPE;

  private ReferralAttribution() {}

  /**
   * @param referrals accepted referrals (referred_customer_id, referral_date)
   * @param ancestors customer_id, ancestor_id, level (ReferralForest.ancestors)
   * @param netProfit customer_id, period, net_profit (a row wherever it may be non-zero)
   * @return beneficiary_customer_id, referred_customer_id, period, level, base_amount, share,
   *     attributed_amount, model
   */
  public static Dataset<Row> attribute(Dataset<Row> referrals, Dataset<Row> ancestors, Dataset<Row> netProfit,
      ReferralModel model) {
    Dataset<Row> windows = referrals.select(col("referred_customer_id").as("customer_id"),
        expr("year(referral_date) * 12 + month(referral_date) - 1").as("_from"));
    Column periodIndex = io.profitlake.profitability.Periods.index("period");
    Dataset<Row> credited = netProfit.where(col("net_profit").notEqual(lit(0)))
        .join(windows, "customer_id")
        .where(periodIndex.geq(col("_from")).and(periodIndex.leq(col("_from").plus(model.windowMonths() - 1))));
    Column[] shares = model.shares().stream().map(share -> lit(share)).toArray(Column[]::new);
    Column base = model.attributeLosses()
        ? col("net_profit")
        : when(col("net_profit").lt(0), lit(BigDecimal.ZERO)).otherwise(col("net_profit"));
    return credited
        .join(ancestors.where(col("level").leq(model.maxDepth())), "customer_id")
        .select(
            col("ancestor_id").as("beneficiary_customer_id"),
            col("customer_id").as("referred_customer_id"),
            col("period"),
            col("level"),
            base.cast(MONEY).as("base_amount"),
            element_at(array(shares), col("level")).cast(DataTypes.createDecimalType(9, 6)).as("share"))
        .withColumn("attributed_amount", bround(col("base_amount").multiply(col("share")), 2).cast(MONEY))
        .withColumn("model", lit(MODEL));
  }

  /** customer_id, period, referral_value: what each beneficiary received in a period. */
  public static Dataset<Row> referralValue(Dataset<Row> attribution) {
    return attribution.groupBy(col("beneficiary_customer_id").as("customer_id"), col("period"))
        .agg(sum(col("attributed_amount")).cast(MONEY).as(REFERRAL_VALUE));
  }

  /**
   * customer_id, referred_customers_direct, referred_customers_total: how many customers each
   * customer brought, directly and down its whole tree.
   */
  public static Dataset<Row> referredCounts(Dataset<Row> ancestors) {
    return ancestors.groupBy(col("ancestor_id").as("customer_id"))
        .agg(count(when(col("level").equalTo(1), lit(1))).as("referred_customers_direct"),
            count(lit(1)).as("referred_customers_total"));
  }

  /** customer_id, period, referred_net_profit: the net profit in the period of everyone down the tree. */
  public static Dataset<Row> referredNetProfit(Dataset<Row> ancestors, Dataset<Row> profitability) {
    return profitability.select(col("customer_id"), col("period"), col("net_profit"))
        .join(ancestors, "customer_id")
        .groupBy(col("ancestor_id").as("customer_id"), col("period"))
        .agg(sum(col("net_profit")).cast(MONEY).as("referred_net_profit"));
  }
}
