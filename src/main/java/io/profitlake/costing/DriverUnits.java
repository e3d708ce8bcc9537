package io.profitlake.costing;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import io.profitlake.config.Driver;
import io.profitlake.profitability.Periods;
import java.sql.Date;
import java.util.EnumMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The built-in driver catalogue (methods.md): one row per unit of each driver, with the customer,
 * the period the unit falls in (processed periods only) and the attributes a time equation may use,
 * all as exact decimals.
 */
public final class DriverUnits {
  static final String CUSTOMER = "customer_id";
  static final String PERIOD = "period";
  private static final org.apache.spark.sql.types.DataType ATTRIBUTE = DataTypes.createDecimalType(28, 10);

  private DriverUnits() {}

  /** The inputs the drivers read: accepted rows of the sources. */
  public record Inputs(Dataset<Row> tickets, Dataset<Row> calls, Dataset<Row> salesActivities,
      Dataset<Row> transactions, Dataset<Row> invoices) {}

  public static Map<Driver, Dataset<Row>> units(Inputs inputs, Periods periods) {
    Object[] processed = periods.names().toArray();
    Map<Driver, Dataset<Row>> units = new EnumMap<>(Driver.class);
    units.put(Driver.TICKET, inputs.tickets().select(
        col(CUSTOMER),
        date_format(col("opened_ts"), "yyyy-MM").as(PERIOD),
        attribute(coalesce(col("handle_minutes"), lit(0))).as("handle_minutes"),
        flag(col("escalated")).as("escalated"),
        attribute(coalesce(col("reopen_count"), lit(0))).as("reopen_count"),
        flag(col("priority").equalTo("URGENT")).as("priority_urgent"),
        flag(col("category").equalTo("COMPLAINT")).as("is_complaint")));
    units.put(Driver.CALL, inputs.calls().select(
        col(CUSTOMER),
        date_format(col("call_ts"), "yyyy-MM").as(PERIOD),
        attribute(coalesce(col("talk_seconds"), lit(0))).divide(lit(60)).cast(ATTRIBUTE).as("talk_minutes"),
        attribute(coalesce(col("wait_seconds"), lit(0))).divide(lit(60)).cast(ATTRIBUTE).as("wait_minutes")));
    units.put(Driver.SALES_ACTIVITY, inputs.salesActivities().select(
        col(CUSTOMER),
        date_format(col("activity_ts"), "yyyy-MM").as(PERIOD),
        attribute(coalesce(col("duration_minutes"), lit(0))).as("duration_minutes"),
        flag(col("activity_type").equalTo("VISIT")).as("is_visit")));
    // An order is a distinct (customer, order) among SALE lines, in the period of its earliest line.
    units.put(Driver.ORDER, inputs.transactions().where(col("transaction_type").equalTo("SALE"))
        .groupBy(col(CUSTOMER), col("order_id"))
        .agg(min(col("transaction_ts")).as("_first"), count(lit(1)).as("_lines"))
        .select(col(CUSTOMER), date_format(col("_first"), "yyyy-MM").as(PERIOD), attribute(col("_lines")).as("lines")));
    units.put(Driver.RETURN_LINE, inputs.transactions().where(col("transaction_type").equalTo("RETURN")).select(
        col(CUSTOMER),
        date_format(col("transaction_ts"), "yyyy-MM").as(PERIOD),
        attribute(coalesce(col("quantity"), lit(0))).as("quantity")));
    Column settled = coalesce(col("paid_date"), col("written_off_date"), lit(Date.valueOf(periods.last().atEndOfMonth())));
    units.put(Driver.INVOICE, inputs.invoices().select(
        col(CUSTOMER),
        date_format(col("issue_date"), "yyyy-MM").as(PERIOD),
        flag(settled.gt(col("due_date"))).as("is_late")));
    units.replaceAll((driver, frame) -> frame.where(col(PERIOD).isin(processed)));
    return units;
  }

  private static Column attribute(Column value) {
    return value.cast(ATTRIBUTE);
  }

  private static Column flag(Column condition) {
    return when(coalesce(condition, lit(false)), lit(1)).otherwise(lit(0)).cast(ATTRIBUTE);
  }
}
