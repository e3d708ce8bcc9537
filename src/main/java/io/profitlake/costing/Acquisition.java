package io.profitlake.costing;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import io.profitlake.currency.Money;
import io.profitlake.profitability.Periods;
import java.math.BigDecimal;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Acquisition cost (methods.md): the customer's acquisition cost plus the reward of the referral
 * that brought it in, straight-line over N months from the acquisition month, the extra cents in
 * the earlier months; a churn before the end books every remaining instalment in the churn month.
 */
public final class Acquisition {
  public static final String ACQUISITION_COST = "acquisition_cost";

  private Acquisition() {}

  /**
   * @param customers accepted customers (customer_id, acquisition_date, acquisition_cost, churn_date)
   * @param referrals accepted referrals (referred_customer_id, reward_amount): at most one per referred customer
   * @return customer_id, period, acquisition_cost for the processed periods
   */
  public static Dataset<Row> perCustomerPeriod(Dataset<Row> customers, Dataset<Row> referrals, int months,
      Periods periods) {
    Dataset<Row> rewards = referrals.select(col("referred_customer_id").as("customer_id"),
        coalesce(col("reward_amount"), lit(BigDecimal.ZERO)).as("_reward"));
    Column start = trunc(col("acquisition_date"), "month");
    Dataset<Row> totals = customers.join(rewards, new String[] {"customer_id"}, "left")
        .select(col("customer_id"), start.as("_start"), trunc(col("churn_date"), "month").as("_churn"),
            coalesce(col("acquisition_cost"), lit(BigDecimal.ZERO)).plus(coalesce(col("_reward"), lit(BigDecimal.ZERO)))
                .multiply(lit(100)).cast(DataTypes.LongType).as("_cents"))
        .where(col("_cents").gt(0));
    // Instalment k of N: floor(cents / N), plus one cent for the first (cents mod N) months.
    Column base = floor(col("_cents").divide(lit(months))).cast(DataTypes.LongType);
    Column extra = col("_cents").minus(base.multiply(lit(months)));
    Column month = add_months(col("_start"), col("_k"));
    // After a churn, every remaining instalment lands in the churn month.
    Column booked = when(col("_churn").isNotNull().and(month.gt(col("_churn"))), col("_churn")).otherwise(month);
    return totals
        .withColumn("_k", explode(sequence(lit(0), lit(months - 1))))
        .withColumn("_instalment", base.plus(when(col("_k").lt(extra), lit(1)).otherwise(lit(0))))
        .withColumn("period", date_format(booked, "yyyy-MM"))
        .where(col("period").isin(periods.names().toArray()).and(col("_instalment").gt(0)))
        .groupBy(col("customer_id"), col("period"))
        .agg(sum(col("_instalment")).as("_cents"))
        .select(col("customer_id"), col("period"),
            col("_cents").cast(DataTypes.createDecimalType(20, 0)).divide(lit(100))
                .cast(Money.TYPE).as(ACQUISITION_COST));
  }

}
