package io.profitlake.lakehouse;

import io.profitlake.config.Settings;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession the job runs in: Delta, the catalog (an external Hive metastore when one is
 * configured; otherwise Spark's in-memory catalog, in which the job registers the lakehouse's tables by
 * path when it starts) and the business time zone.
 */
public final class LakehouseSession {
  private LakehouseSession() {}

  /**
   * @param master the master to use when nothing else set one (spark-submit's --master wins)
   */
  public static SparkSession create(Settings settings, String master, String appName) {
    return create(settings, master, appName, Map.of());
  }

  /** The same, with settings of the command itself (they win over the configuration's spark.conf). */
  public static SparkSession create(Settings settings, String master, String appName, Map<String, String> extra) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (System.getProperty("spark.master") == null) {
      builder.master(master != null ? master : settings.spark().master());
    }
    configure(builder, settings);
    extra.forEach(builder::config);
    return builder.getOrCreate();
  }

  public static SparkSession.Builder configure(SparkSession.Builder builder, Settings settings) {
    Settings.Lakehouse lakehouse = settings.lakehouse();
    String warehouse = lakehouse.warehouseLocation();
    builder
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        // No metastore configured: the session's own catalog, filled from the lakehouse folder by Lakehouse.
        // A Hive client over an embedded Derby took 6 to 7 s of every run to start (10 s more to create its
        // schema in a new lakehouse), for nothing the folder does not already say.
        .config("spark.sql.catalogImplementation", lakehouse.usesMetastore() ? "hive" : "in-memory")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.sql.session.timeZone", settings.timeZone().getId())
        .config("spark.sql.shuffle.partitions", settings.spark().initialShufflePartitions())
        // Delta's snapshot reconstruction defaults to 50 partitions: far too many on small tables.
        .config("spark.databricks.delta.snapshotPartitions", settings.spark().initialShufflePartitions())
        .config("spark.sql.sources.partitionOverwriteMode", "static");
    if (lakehouse.usesMetastore()) {
      builder.config("spark.hadoop.hive.metastore.uris", lakehouse.metastoreUri());
    }
    for (Map.Entry<String, String> entry : settings.spark().conf().entrySet()) {
      builder.config(entry.getKey(), entry.getValue());
    }
    return builder;
  }
}
