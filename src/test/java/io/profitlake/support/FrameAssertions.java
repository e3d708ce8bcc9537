package io.profitlake.support;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import com.holdenkarau.spark.testing.SparkSessionProvider$;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The one place that uses spark-testing-base (built for Spark 3.3, the only version served), so
 * that it can be swapped for an in-project helper if it breaks on a later Spark.
 */
public final class FrameAssertions {
  private static final JavaDataFrameSuiteBase BASE = new JavaDataFrameSuiteBase();

  /** Columns that name the run or its time: two runs that compute the same rows differ only there. */
  private static final List<String> RUN_COLUMNS = List.of("run_id", "detected_at");

  private FrameAssertions() {}

  /** A table's rows without the columns that name the run or its time. */
  public static Dataset<Row> withoutRunColumns(Dataset<Row> rows) {
    Dataset<Row> result = rows;
    for (String column : RUN_COLUMNS) {
      if (List.of(result.columns()).contains(column)) {
        result = result.drop(column);
      }
    }
    return result;
  }

  /** The same rows, each as many times, in any order (exceptAll keeps duplicates). */
  public static boolean sameRows(Dataset<Row> expected, Dataset<Row> actual) {
    return expected.exceptAll(actual).isEmpty() && actual.exceptAll(expected).isEmpty();
  }

  /** Asserts {@link #sameRows}, saying which side has rows the other lacks. */
  public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual, String what) {
    org.junit.jupiter.api.Assertions.assertEquals(0, expected.exceptAll(actual).count(), what + ": rows missing");
    org.junit.jupiter.api.Assertions.assertEquals(0, actual.exceptAll(expected).count(), what + ": rows not expected");
  }

  /** Same schema and the same rows in the same order: sort both the same way first. */
  public static void assertFramesEqual(Dataset<Row> expected, Dataset<Row> actual) {
    // The library builds its failure report with the session it was given; hand it the test's own
    // (its runBefore() would start a second, plain session without Delta and the catalog).
    SparkSessionProvider$.MODULE$._sparkSession_$eq(actual.sparkSession());
    BASE.assertDataFrameEquals(expected, actual);
  }
}
