package io.profitlake.support;

import io.profitlake.config.Settings;
import io.profitlake.lakehouse.LakehouseSession;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * A test class of whole runs against a lakehouse: the job's own session, with the Hive catalog over
 * embedded Derby under a temporary lakehouse, local[2], UI off, two shuffle partitions. Embedded Derby
 * allows one metastore per process, so the class is tagged {@code catalog} and Surefire gives it a JVM
 * of its own.
 */
@Tag("catalog")
public abstract class CatalogTestBase extends SessionTestBase {
  @BeforeAll
  static void startCatalogSession() {
    Settings settings = TestSettings.parse(TestSettings.sourcesIn(workDir.resolve("in"), lakehouseDir));
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("profitlake-test")
        .config("spark.ui.enabled", "false");
    spark = LakehouseSession.configure(builder, settings).getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }
}
