package io.profitlake.lakehouse;

import io.profitlake.config.Settings;
import java.io.File;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession the job runs in: Delta, the Hive catalog (embedded Derby under the
 * lakehouse folder locally, an external metastore on clusters) and the business time zone.
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
    String root = lakehouse.root();
    String warehouse = lakehouse.warehouseLocation();
    builder
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.catalogImplementation", "hive")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.sql.session.timeZone", settings.timeZone().getId())
        .config("spark.sql.shuffle.partitions", settings.spark().initialShufflePartitions())
        // Delta's snapshot reconstruction defaults to 50 partitions: far too many on small tables.
        .config("spark.databricks.delta.snapshotPartitions", settings.spark().initialShufflePartitions())
        .config("spark.sql.sources.partitionOverwriteMode", "static");
    if (lakehouse.embeddedMetastore()) {
      String metastore = root + "/metastore";
      // Derby writes derby.log and its system files under derby.system.home: keep them in the lakehouse.
      new File(metastore).mkdirs();
      System.setProperty("derby.system.home", metastore);
      builder.config("spark.hadoop.javax.jdo.option.ConnectionURL",
          "jdbc:derby:;databaseName=" + metastore + "/metastore_db;create=true");
      builder.config("spark.hadoop.datanucleus.schema.autoCreateAll", "true");
      builder.config("spark.hadoop.hive.metastore.schema.verification", "false");
    } else {
      builder.config("spark.hadoop.hive.metastore.uris", lakehouse.metastoreUri());
    }
    for (Map.Entry<String, String> entry : settings.spark().conf().entrySet()) {
      builder.config(entry.getKey(), entry.getValue());
    }
    return builder;
  }
}
