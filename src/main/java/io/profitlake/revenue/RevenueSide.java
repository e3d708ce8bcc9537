package io.profitlake.revenue;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitlake.currency.Money;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/** The revenue side of the customer P&L (methods.md, Revenue side), per customer and period. */
public final class RevenueSide {
  public static final String NET_REVENUE = "net_revenue";
  public static final String RETURNS = "returns";
  public static final String COGS = "cogs";
  public static final String GROSS_MARGIN = "gross_margin";
  public static final String COMMISSIONS = "commissions";

  private static final String RETURN = "RETURN";

  private RevenueSide() {}

  /**
   * @param lines transaction lines in base currency with a period column, in the processed periods
   * @param salesReps accepted sales_reps (rep_id, commission_rate)
   * @return customer_id, period, net_revenue, returns, cogs, gross_margin, commissions (DECIMAL(18,2));
   *     one row per customer and period with at least one line
   */
  public static Dataset<Row> perCustomerPeriod(Dataset<Row> lines, Dataset<Row> salesReps) {
    // A handful of reps: broadcast rather than shuffle the ledger.
    Dataset<Row> rates = functions.broadcast(
        salesReps.select(col("rep_id").as("_rep_id"), col("commission_rate").as("_commission_rate")));
    Column isReturn = col("transaction_type").equalTo(lit(RETURN));
    Column sign = when(isReturn, lit(-1)).otherwise(lit(1));
    Column lineCommission =
        coalesce(bround(col("net_amount").multiply(col("_commission_rate")), 2), lit(0)).multiply(sign);
    Dataset<Row> priced = lines
        .join(rates, col("sales_rep_id").equalTo(col("_rep_id")), "left")
        .withColumn("_commission", lineCommission);
    Dataset<Row> totals = priced.groupBy(col("customer_id"), col("period")).agg(
        sum(col("net_amount").multiply(sign)).as(NET_REVENUE),
        sum(when(isReturn, col("net_amount")).otherwise(lit(0))).as(RETURNS),
        sum(col("cost_amount").multiply(sign)).as(COGS),
        sum(col("_commission")).as(COMMISSIONS));
    return totals.select(
        col("customer_id"),
        col("period"),
        money(col(NET_REVENUE)).as(NET_REVENUE),
        money(col(RETURNS)).as(RETURNS),
        money(col(COGS)).as(COGS),
        money(col(NET_REVENUE).minus(col(COGS))).as(GROSS_MARGIN),
        money(col(COMMISSIONS)).as(COMMISSIONS));
  }

  /** Exact cents: every input is already in cents, so the cast only narrows the type. */
  static Column money(Column amount) {
    return Money.of(amount);
  }

}
