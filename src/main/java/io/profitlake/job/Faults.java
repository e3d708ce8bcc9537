package io.profitlake.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.profitlake.currency.Money;
import java.math.BigDecimal;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults the reliability tests inject, each switched on by a JVM system property only (never by the
 * config file, so no configuration can turn one on by mistake), and loud in the log when on.
 *
 * <ul>
 *   <li>{@value #FAIL_FIRST_ATTEMPTS} = true: the first attempt of every task that reads partition 0 of
 *       the transaction lines fails; a master that retries tasks (local[2,3], a cluster) recovers.
 *   <li>{@value #POOL_AMOUNT_DRIFT} = a pool id: that pool's amount grows by 0.01 between reading the
 *       source and allocating, as if the source changed underneath the run.
 * </ul>
 */
final class Faults {
  static final String FAIL_FIRST_ATTEMPTS = "profitlake-fault.fail-first-task-attempts";
  static final String POOL_AMOUNT_DRIFT = "profitlake-fault.pool-amount-drift";
  private static final Logger LOG = LoggerFactory.getLogger(Faults.class);

  private Faults() {}

  static Dataset<Row> failFirstAttempts(Dataset<Row> rows) {
    if (!Boolean.getBoolean(FAIL_FIRST_ATTEMPTS)) {
      return rows;
    }
    LOG.warn("FAULT INJECTION ({}): the first attempt of tasks on partition 0 of the transaction lines fails",
        FAIL_FIRST_ATTEMPTS);
    UserDefinedFunction failOnce = udf((UDF1<String, Boolean>) key -> {
      TaskContext task = TaskContext.get();
      if (task != null && task.attemptNumber() == 0 && task.partitionId() == 0) {
        throw new IllegalStateException("injected task failure (" + FAIL_FIRST_ATTEMPTS + ")");
      }
      return true;
    }, DataTypes.BooleanType).asNondeterministic();
    return rows.where(failOnce.apply(col("customer_id")));
  }

  static Dataset<Row> driftPoolAmount(Dataset<Row> poolCosts) {
    String pool = System.getProperty(POOL_AMOUNT_DRIFT, "");
    if (pool.isEmpty()) {
      return poolCosts;
    }
    LOG.warn("FAULT INJECTION ({}): pool {} is allocated from its amount + 0.01", POOL_AMOUNT_DRIFT, pool);
    return poolCosts.withColumn("amount", Money.of(when(col("pool_id").equalTo(lit(pool)),
        col("amount").plus(lit(new BigDecimal("0.01")))).otherwise(col("amount"))));
  }
}
