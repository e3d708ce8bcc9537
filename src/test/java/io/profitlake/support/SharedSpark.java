package io.profitlake.support;

import io.profitlake.config.Settings;
import io.profitlake.lakehouse.LakehouseSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The one local Spark session of a test JVM, made when the first test class asks for it and stopped
 * when the JVM exits (Spark's shutdown hook). Surefire reuses the JVM for every test class, so they pay
 * for one JVM, one session and one JIT warm-up between them.
 *
 * <p>It is the job's local session (Delta, Spark's in-memory catalog, the business time zone, two
 * shuffle partitions, UI off) on local[2,3]: two cores and up to three attempts per task, as a cluster
 * retries a failed task (the reliability test fails first attempts on purpose; a task that fails for
 * good fails its test after the third). Each class gets it back with the runtime settings it was made
 * with, so a test that changes one (the shuffle sizing test does) cannot change the next class's
 * results. The classes that run the job against a lakehouse of their own ({@link CatalogTestBase})
 * leave no database behind.
 */
public final class SharedSpark {
  private static SparkSession session;
  private static Map<String, String> initialConf;

  private SharedSpark() {}

  public static synchronized SparkSession session() throws Exception {
    if (session == null) {
      Path lakehouse = Files.createTempDirectory("profitlake-shared").resolve("lakehouse");
      Settings settings = TestSettings.parse(TestSettings.sourcesIn(lakehouse.resolveSibling("in"), lakehouse));
      SparkSession.Builder builder = SparkSession.builder().master("local[2,3]").appName("profitlake-test")
          .config("spark.ui.enabled", "false");
      session = LakehouseSession.configure(builder, settings)
          .config("spark.sql.catalogImplementation", "in-memory")
          .getOrCreate();
      initialConf = runtimeConf();
    } else {
      restoreRuntimeConf();
    }
    return session;
  }

  /**
   * Drops every database but {@code default} from the session's catalog, with what it holds: the job's
   * database of a test's lakehouse (its folder is the test's temporary lakehouse, which goes with it), so
   * that the next class's run makes its own in its own lakehouse.
   */
  public static synchronized void forgetDatabases() {
    if (session == null) {
      return;
    }
    for (String database : CollectionConverters.asJava(session.sessionState().catalog().listDatabases())) {
      if (!database.equals("default")) {
        session.sql("DROP DATABASE IF EXISTS " + database + " CASCADE");
      }
    }
  }

  private static Map<String, String> runtimeConf() {
    return Map.copyOf(CollectionConverters.asJava(session.conf().getAll()));
  }

  private static void restoreRuntimeConf() {
    runtimeConf().forEach((key, value) -> {
      if (!initialConf.containsKey(key)) {
        session.conf().unset(key);
      }
    });
    initialConf.forEach((key, value) -> {
      if (!value.equals(session.conf().get(key, null))) {
        session.conf().set(key, value);
      }
    });
  }
}
