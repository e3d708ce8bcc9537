package io.profitlake.costing;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitlake.currency.Money;
import io.profitlake.config.CostModel;
import io.profitlake.config.CostModel.AllocationMode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Time-driven activity-based costing of methods.md: shared pools spread over resource pools by
 * their fractions (stage 1), then each resource pool's allocated total split over customers by the
 * minutes of its activities (stage 2), both with the largest-remainder rule.
 */
public final class PoolAllocation {
  static final DataType MONEY = Money.TYPE;
  static final DataType RATE = DataTypes.createDecimalType(24, 10);
  public static final String RESOURCE = "RESOURCE";
  public static final String SHARED = "SHARED";

  private PoolAllocation() {}

  /** The allocation lineage and the books of every pool; {@code cached} are released after the writes. */
  public record Result(Dataset<Row> customerLines, Dataset<Row> reconciliation, List<Dataset<Row>> cached) {}

  /**
   * @param poolCosts period, pool_id, amount (base currency) for every pool in the processed periods
   * @param usage customer_id, period, activity, pool_id, driver, driver_quantity, minutes
   */
  public static Result allocate(SparkSession spark, Dataset<Row> poolCosts, Dataset<Row> usage, CostModel model) {
    Dataset<Row> flows = stepDown(spark, poolCosts, model);
    Dataset<Row> minutes = usage.groupBy(col("period"), col("pool_id"))
        .agg(sum(col(ActivityUsage.MINUTES)).as("used_minutes"));
    Dataset<Row> pools = poolDefinitions(spark, model);
    Dataset<Row> resource = poolCosts.join(pools.where(col("pool_type").equalTo(RESOURCE)), "pool_id")
        .join(flows.groupBy("period", "pool_id").agg(sum("inflow").as("inflows")), new String[] {"period", "pool_id"}, "left")
        .join(minutes, new String[] {"period", "pool_id"}, "left")
        .withColumn("inflows", coalesce(col("inflows"), lit(BigDecimal.ZERO)).cast(MONEY))
        .withColumn("used_minutes", coalesce(col("used_minutes"), lit(BigDecimal.ZERO)).cast(ActivityUsage.MINUTES_TYPE))
        .withColumn("cost", col("amount").plus(col("inflows")).cast(MONEY));
    Column u = col("used_minutes");
    Column k = col("capacity_minutes");
    Column c = col("cost");
    Column timeDriven = col("mode").equalTo(AllocationMode.TIME_DRIVEN.configName());
    // A = round_half_even(U x C / max(K, U), 2); the whole pool when U >= K or in full absorption.
    Column allocated = when(u.equalTo(0), lit(BigDecimal.ZERO))
        // (C x U) fits DECIMAL(30,6) for any real pool; dividing by K then keeps 10 decimals before the rounding.
        .when(timeDriven.and(u.lt(k)), bround(c.multiply(u).cast(DataTypes.createDecimalType(30, 6))
            .divide(k.cast(DataTypes.createDecimalType(18, 4))), 2))
        .otherwise(c).cast(MONEY);
    Column rate = when(u.equalTo(0), lit(null))
        .when(timeDriven, c.divide(greatest(k, u)))
        .otherwise(c.divide(u)).cast(RATE);
    resource = resource
        .withColumn("allocated_total", allocated)
        .withColumn("rate", rate)
        .withColumn("over_capacity", u.gt(k))
        .persist();

    Dataset<Row> parts = usage.where(col(ActivityUsage.MINUTES).gt(0))
        .join(resource.select(col("period"), col("pool_id"), col("allocated_total"), col("used_minutes"), col("rate")),
            new String[] {"period", "pool_id"})
        // s = round_half_even(A x m / U, 6); m / U <= 1 is carried at 20 decimals.
        .withColumn("_share", bround(col("allocated_total").multiply(
            col(ActivityUsage.MINUTES).divide(col("used_minutes")).cast(DataTypes.createDecimalType(21, 20))), 6));
    // Read three times (the lineage table, the books, the customer P&L): computed once.
    Dataset<Row> lines = LargestRemainder.split(parts, List.of("period", "pool_id"), "allocated_total", "_share",
        List.of("customer_id", ActivityUsage.ACTIVITY), "allocated_amount").persist();
    Dataset<Row> customerLines = lines.select(col("customer_id"), col("period"), col(ActivityUsage.ACTIVITY), col("pool_id"),
        lit(2).as("stage"), col(ActivityUsage.DRIVER), col(ActivityUsage.QUANTITY), col(ActivityUsage.MINUTES), col("rate"),
        col("allocated_amount"));

    Dataset<Row> allocatedPerPool = lines.groupBy("period", "pool_id")
        .agg(sum("allocated_amount").as("allocated"));
    Dataset<Row> resourceBooks = resource
        .join(allocatedPerPool, new String[] {"period", "pool_id"}, "left")
        .select(col("pool_id"), col("period"), col("pool_type"), col("mode"), col("capacity_minutes"), col("used_minutes"),
            col("amount"), col("inflows"), lit(BigDecimal.ZERO).cast(MONEY).as("outflows"),
            coalesce(col("allocated"), lit(BigDecimal.ZERO)).cast(MONEY).as("allocated"),
            col("cost").minus(col("allocated_total")).cast(MONEY).as("unused_capacity"),
            col("over_capacity"), col("rate"));
    Dataset<Row> sharedBooks = poolCosts.join(pools.where(col("pool_type").equalTo(SHARED)), "pool_id")
        .join(flows.groupBy("period", "shared_pool_id").agg(sum("inflow").as("outflows"))
            .withColumnRenamed("shared_pool_id", "pool_id"), new String[] {"period", "pool_id"}, "left")
        .select(col("pool_id"), col("period"), col("pool_type"), col("mode"), col("capacity_minutes"),
            lit(null).cast(ActivityUsage.MINUTES_TYPE).as("used_minutes"), col("amount"),
            lit(BigDecimal.ZERO).cast(MONEY).as("inflows"),
            coalesce(col("outflows"), lit(BigDecimal.ZERO)).cast(MONEY).as("outflows"),
            lit(BigDecimal.ZERO).cast(MONEY).as("allocated"), lit(BigDecimal.ZERO).cast(MONEY).as("unused_capacity"),
            lit(false).as("over_capacity"), lit(null).cast(RATE).as("rate"));
    Dataset<Row> books = resourceBooks.unionByName(sharedBooks)
        .withColumn("difference", col("amount").plus(col("inflows")).minus(col("outflows")).minus(col("allocated"))
            .minus(col("unused_capacity")).cast(MONEY));
    return new Result(customerLines, books, List.of(lines, resource));
  }

  /** Stage 1: period, shared_pool_id, pool_id, inflow, split by the fractions with the largest remainder. */
  static Dataset<Row> stepDown(SparkSession spark, Dataset<Row> poolCosts, CostModel model) {
    List<Row> fractions = new ArrayList<>();
    for (CostModel.SharedPool shared : model.sharedPools().values()) {
      shared.fractions().forEach((pool, fraction) -> fractions.add(RowFactory.create(shared.id(), pool, fraction)));
    }
    StructType schema = new StructType().add("shared_pool_id", DataTypes.StringType).add("pool_id", DataTypes.StringType)
        .add("fraction", DataTypes.createDecimalType(12, 10));
    Dataset<Row> fractionRows = spark.createDataFrame(fractions, schema);
    Dataset<Row> parts = poolCosts.withColumnRenamed("pool_id", "shared_pool_id")
        .join(fractionRows, "shared_pool_id")
        .withColumn("_share", col("amount").multiply(col("fraction")));
    return LargestRemainder.split(parts, List.of("period", "shared_pool_id"), "amount", "_share", List.of("pool_id"), "inflow")
        .select(col("period"), col("shared_pool_id"), col("pool_id"), col("inflow"));
  }

  /** pool_id, pool_type, mode, capacity_minutes of every pool of the cost model. */
  static Dataset<Row> poolDefinitions(SparkSession spark, CostModel model) {
    List<Row> rows = new ArrayList<>();
    for (CostModel.ResourcePool pool : model.pools().values()) {
      rows.add(RowFactory.create(pool.id(), RESOURCE, pool.mode().configName(), pool.capacityMinutes()));
    }
    for (CostModel.SharedPool pool : model.sharedPools().values()) {
      rows.add(RowFactory.create(pool.id(), SHARED, null, null));
    }
    StructType schema = new StructType().add("pool_id", DataTypes.StringType).add("pool_type", DataTypes.StringType)
        .add("mode", DataTypes.StringType).add("capacity_minutes", DataTypes.createDecimalType(24, 4));
    return spark.createDataFrame(rows, schema);
  }
}
