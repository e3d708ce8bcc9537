package io.profitlake.support;

import io.profitlake.config.Settings;
import io.profitlake.lakehouse.LakehouseSession;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * A test class of whole runs against a lakehouse: the job's own session over a temporary lakehouse
 * (the session catalog, in which the job registers the tables by path), local[2], UI off, two shuffle
 * partitions. The session's warehouse is a static setting, fixed by the JVM's first session, so the
 * class is tagged {@code catalog} and Surefire gives it a JVM of its own.
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
