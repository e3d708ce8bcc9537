package io.profitlake.job;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitlake.currency.Money;
import io.profitlake.failure.ExitCode;
import io.profitlake.failure.JobFailure;
import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The reconciliation gate (methods.md, Reconciliation), checked before the run writes anything: for
 * every pool and period the books balance to the cent, the amount the books start from is the amount
 * the cost_pools source gave, and the allocation lines add up to what the books say was allocated.
 * A breach fails the run with exit 5 and leaves every output table at its previous version.
 */
final class ReconciliationGate {
  /** At most this many breaches are named in the message; the rest are counted. */
  static final int NAMED = 10;

  private ReconciliationGate() {}

  /**
   * @param books the cost_pool_reconciliation rows (pool_id, period, amount, allocated, difference)
   * @param sourceCosts the accepted cost_pools rows of the processed periods, in base currency
   *     (period, pool_id, amount), as read from the source
   * @param lines the allocation lineage (pool_id, period, allocated_amount)
   */
  static void check(Dataset<Row> books, Dataset<Row> sourceCosts, Dataset<Row> lines) {
    Dataset<Row> source = sourceCosts.groupBy("pool_id", "period").agg(sum("amount").as("source_amount"));
    Dataset<Row> allocatedByLines = lines.groupBy("pool_id", "period").agg(sum("allocated_amount").as("line_total"));
    Column zero = lit(BigDecimal.ZERO).cast(Money.TYPE);
    Column booked = coalesce(col("amount"), zero);
    Column read = coalesce(col("source_amount"), zero);
    Column allocated = coalesce(col("allocated"), zero);
    Column traced = coalesce(col("line_total"), zero);
    Column difference = coalesce(col("difference"), zero);
    Column breach = when(col("amount").isNull(),
            concat(lit("is in the source ("), read.cast("string"), lit(") but not in the books")))
        .when(booked.notEqual(read),
            concat(lit("was allocated from "), booked.cast("string"), lit(" but the source says "), read.cast("string")))
        .when(difference.notEqual(lit(0)), concat(lit("is off by "), difference.cast("string"),
            lit(" (amount + inflows must equal outflows + allocated + unused capacity)")))
        .when(allocated.notEqual(traced), concat(lit("books "), allocated.cast("string"),
            lit(" allocated but its cost_to_serve lines add up to "), traced.cast("string")));
    Dataset<Row> breaches = books.select("pool_id", "period", "amount", "allocated", "difference")
        .join(source, new String[] {"pool_id", "period"}, "full_outer")
        .join(allocatedByLines, new String[] {"pool_id", "period"}, "full_outer")
        .withColumn("breach", breach)
        .where(col("breach").isNotNull())
        .select("pool_id", "period", "breach")
        .persist();
    try {
      // Only breaches come back to the driver, at most NAMED of them.
      long count = breaches.count();
      if (count == 0) {
        return;
      }
      List<String> named = breaches.orderBy("period", "pool_id").limit(NAMED).collectAsList().stream()
          .map(r -> "pool " + r.getString(0) + " in " + r.getString(1) + " " + r.getString(2))
          .toList();
      throw new JobFailure(ExitCode.RECONCILIATION, "cost pools do not reconcile: " + String.join("; ", named)
          + (count > NAMED ? " (and " + (count - NAMED) + " more)" : "")
          + ". Nothing was written; the tables keep their previous versions");
    } finally {
      breaches.unpersist();
    }
  }
}
