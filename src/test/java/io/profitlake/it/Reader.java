package io.profitlake.it;

import io.profitlake.job.CodeGenerationSwitch;
import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark session with which the integration tests read the tables their runs wrote, by path
 * (Delta, no catalog): made by the first test that asks, shared by every integration test class (they run
 * in one JVM), stopped when that JVM ends (Spark's shutdown hook). The tables are small, so it evaluates
 * queries interpreted, as the job does on small inputs: a cold JVM pays Janino's compilation for every new
 * query otherwise, and the checks are many different small queries.
 */
final class Reader {
  private static SparkSession session;

  private Reader() {}

  static synchronized SparkSession spark() {
    if (session == null) {
      SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("profitlake-it-reader")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
          .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.databricks.delta.snapshotPartitions", "1")
          .config("spark.sql.session.timeZone", "UTC");
      CodeGenerationSwitch.INTERPRETED.forEach(builder::config);
      session = builder.getOrCreate();
    }
    return session;
  }
}
