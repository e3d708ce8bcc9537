package io.profitlake.support;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import com.holdenkarau.spark.testing.SparkSessionProvider$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The one place that uses spark-testing-base (built for Spark 3.3, the only version served), so
 * that it can be swapped for an in-project helper if it breaks on a later Spark.
 */
public final class FrameAssertions {
  private static final JavaDataFrameSuiteBase BASE = new JavaDataFrameSuiteBase();

  private FrameAssertions() {}

  /** Same schema and the same rows in the same order: sort both the same way first. */
  public static void assertFramesEqual(Dataset<Row> expected, Dataset<Row> actual) {
    // The library builds its failure report with the session it was given; hand it the test's own
    // (its runBefore() would start a second, plain session without Delta and the catalog).
    SparkSessionProvider$.MODULE$._sparkSession_$eq(actual.sparkSession());
    BASE.assertDataFrameEquals(expected, actual);
  }
}
