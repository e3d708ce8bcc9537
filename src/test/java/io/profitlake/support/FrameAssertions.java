package io.profitlake.support;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import com.holdenkarau.spark.testing.SparkSessionProvider$;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

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

  /** The same rows, each as many times, in any order. */
  public static boolean sameRows(Dataset<Row> expected, Dataset<Row> actual) {
    long[] differing = differingRows(expected, actual);
    return differing[0] == 0 && differing[1] == 0;
  }

  /** Asserts {@link #sameRows}, saying which side has rows the other lacks. */
  public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual, String what) {
    long[] differing = differingRows(expected, actual);
    org.junit.jupiter.api.Assertions.assertEquals(0, differing[0], what + ": rows missing");
    org.junit.jupiter.api.Assertions.assertEquals(0, differing[1], what + ": rows not expected");
  }

  /**
   * How many distinct rows expected holds more times than actual, and how many actual holds more times than
   * expected: the two sides of {@code exceptAll} (columns matched by position, nulls equal), counted in one
   * query, an aggregation of both frames together, instead of two.
   */
  private static long[] differingRows(Dataset<Row> expected, Dataset<Row> actual) {
    String side = "_side_of_comparison";
    Column[] columns = java.util.Arrays.stream(expected.columns())
        .map(name -> functions.col("`" + name.replace("`", "``") + "`")).toArray(Column[]::new);
    Dataset<Row> excess = expected.withColumn(side, functions.lit(1L))
        .union(actual.withColumn(side, functions.lit(-1L)))
        .groupBy(columns)
        .agg(functions.sum(side).as(side));
    Row counts = excess.agg(
        functions.sum(functions.when(functions.col(side).gt(0), 1L).otherwise(0L)),
        functions.sum(functions.when(functions.col(side).lt(0), 1L).otherwise(0L))).first();
    return new long[] {counts.isNullAt(0) ? 0 : counts.getLong(0), counts.isNullAt(1) ? 0 : counts.getLong(1)};
  }

  /** Same schema and the same rows in the same order: sort both the same way first. */
  public static void assertFramesEqual(Dataset<Row> expected, Dataset<Row> actual) {
    // The library builds its failure report with the session it was given; hand it the test's own
    // (its runBefore() would start a second, plain session without Delta and the catalog).
    SparkSessionProvider$.MODULE$._sparkSession_$eq(actual.sparkSession());
    BASE.assertDataFrameEquals(expected, actual);
  }
}
