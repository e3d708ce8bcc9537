package io.profitlake.costing;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.profitlake.config.CostModel;
import io.profitlake.config.Driver;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Time equations: minutes per unit = base + sum(coefficient x attribute), rounded HALF_EVEN to 4
 * decimals per unit, summed per customer, period and activity.
 */
public final class ActivityUsage {
  public static final String ACTIVITY = "activity";
  public static final String POOL = "pool_id";
  public static final String DRIVER = "driver";
  public static final String QUANTITY = "driver_quantity";
  public static final String MINUTES = "minutes";
  static final org.apache.spark.sql.types.DataType MINUTES_TYPE = DataTypes.createDecimalType(24, 4);

  private ActivityUsage() {}

  /** Minutes of one unit of an activity's driver. */
  static Column unitMinutes(CostModel.Activity activity) {
    Column minutes = lit(activity.baseMinutes());
    // Sorted, so that the expression (and the plan) is the same on every run.
    for (Map.Entry<String, BigDecimal> term : new TreeMap<>(activity.coefficients()).entrySet()) {
      minutes = minutes.plus(lit(term.getValue()).multiply(col(term.getKey())));
    }
    return bround(minutes, 4).cast(MINUTES_TYPE);
  }

  /**
   * @return customer_id, period, activity, pool_id, driver, driver_quantity, minutes: one row per customer,
   *     period and activity with at least one unit
   */
  public static Dataset<Row> perCustomer(Map<Driver, Dataset<Row>> units, CostModel model) {
    Dataset<Row> all = null;
    for (CostModel.Activity activity : new TreeMap<>(model.activities()).values()) {
      Dataset<Row> usage = units.get(activity.driver())
          .withColumn("_unit_minutes", unitMinutes(activity))
          .groupBy(col(DriverUnits.CUSTOMER), col(DriverUnits.PERIOD))
          .agg(count(lit(1)).as(QUANTITY), sum(col("_unit_minutes")).cast(MINUTES_TYPE).as(MINUTES))
          .select(col(DriverUnits.CUSTOMER), col(DriverUnits.PERIOD), lit(activity.id()).as(ACTIVITY),
              lit(activity.pool()).as(POOL), lit(activity.driver().configName()).as(DRIVER), col(QUANTITY), col(MINUTES));
      all = all == null ? usage : all.unionByName(usage);
    }
    return all;
  }
}
