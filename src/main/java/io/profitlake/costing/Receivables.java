package io.profitlake.costing;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;

import io.profitlake.currency.Money;
import io.profitlake.profitability.Periods;
import java.math.BigDecimal;
import java.sql.Date;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** Bad debt and the cost of carrying late receivables (methods.md). Invoices are in base currency. */
public final class Receivables {
  public static final String BAD_DEBT = "bad_debt";
  public static final String FINANCING_COST = "financing_cost";

  private Receivables() {}

  /** customer_id, period, bad_debt: written-off amounts in the period of their write-off date. */
  public static Dataset<Row> badDebt(Dataset<Row> invoices, Periods periods) {
    return invoices.where(coalesce(col("written_off_amount"), lit(0)).gt(0))
        .withColumn("period", date_format(col("written_off_date"), "yyyy-MM"))
        .where(col("period").isin(periods.names().toArray()))
        .groupBy(col("customer_id"), col("period"))
        .agg(sum(col("written_off_amount")).cast(Money.TYPE).as(BAD_DEBT));
  }

  /**
   * customer_id, period, financing_cost: amount x annual_rate / 365 for every day in (due_date, settle
   * date], each day booked to its period, rounded HALF_EVEN to cents per invoice and period. The settle
   * date is the paid date, else the write-off date, else the last day of the last processed period.
   */
  public static Dataset<Row> financing(Dataset<Row> invoices, BigDecimal annualRate, Periods periods) {
    Column settle = coalesce(col("paid_date"), col("written_off_date"), lit(Date.valueOf(periods.last().atEndOfMonth())));
    Column firstLateDay = date_add(col("due_date"), 1);
    Dataset<Row> late = invoices.withColumn("_settle", settle).where(col("_settle").gt(col("due_date")))
        .withColumn("_month", explode(sequence(trunc(firstLateDay, "month"), trunc(col("_settle"), "month"),
            expr("interval 1 month"))));
    Column from = greatest(firstLateDay, col("_month"));
    Column to = least(col("_settle"), last_day(col("_month")));
    Column days = datediff(to, from).plus(lit(1));
    // amount x rate x days is exact; DECIMAL(30,8) / 365 then keeps 12 decimals before the rounding.
    Column cost = bround(col("amount").multiply(lit(annualRate)).multiply(days)
        .cast(DataTypes.createDecimalType(30, 8)).divide(lit(365)), 2);
    return late
        .withColumn("period", date_format(col("_month"), "yyyy-MM"))
        .where(col("period").isin(periods.names().toArray()))
        .withColumn("_cost", cost)
        .groupBy(col("customer_id"), col("period"))
        .agg(sum(col("_cost")).cast(Money.TYPE).as(FINANCING_COST));
  }
}
