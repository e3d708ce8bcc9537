package io.profitlake.support;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/**
 * What every Spark test class has: a session, and a temporary folder of its own with a lakehouse
 * path inside. The session is the JVM's shared one ({@link SharedSpark}): {@link SparkTestBase} for
 * pure transforms, {@link CatalogTestBase} for whole runs against the class's own lakehouse.
 */
public abstract class SessionTestBase {
  protected static SparkSession spark;
  protected static Path workDir;
  protected static Path lakehouseDir;

  /** Runs before the subclass's own {@code @BeforeAll}, so the session can be made inside the folder. */
  @BeforeAll
  static void makeWorkDir() throws Exception {
    workDir = Files.createTempDirectory("profitlake-test");
    lakehouseDir = workDir.resolve("lakehouse");
  }
}
