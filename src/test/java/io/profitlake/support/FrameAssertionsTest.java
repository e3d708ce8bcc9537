package io.profitlake.support;

import static io.profitlake.support.FrameAssertions.assertSameRows;
import static io.profitlake.support.FrameAssertions.sameRows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The comparison every whole-run test relies on: the same rows, each as many times, in any order. */
class FrameAssertionsTest extends SparkTestBase {
  private static final StructType SCHEMA = new StructType()
      .add("customer.id", DataTypes.StringType)
      .add("amount", DataTypes.createDecimalType(18, 2));

  private Dataset<Row> rows(Object[]... values) {
    return spark.createDataFrame(Arrays.stream(values).map(RowFactory::create).toList(), SCHEMA);
  }

  private static Object[] row(String id, String amount) {
    return new Object[] {id, amount == null ? null : new BigDecimal(amount)};
  }

  @Test
  void orderDoesNotMatterNullsAreEqualAndEveryCopyCounts() {
    Dataset<Row> expected = rows(row("a", "1.00"), row("a", "1.00"), row(null, null), row("b", "2.50"));
    assertTrue(sameRows(expected, rows(row("b", "2.50"), row(null, null), row("a", "1.00"), row("a", "1.00"))));
    assertFalse(sameRows(expected, rows(row("b", "2.50"), row(null, null), row("a", "1.00"))), "a copy fewer");
    assertFalse(sameRows(expected, rows(row("b", "2.50"), row(null, null), row("a", "1.00"), row("a", "1.00"),
        row("a", "1.00"))), "a copy more");
    assertFalse(sameRows(expected, rows(row("b", "2.51"), row(null, null), row("a", "1.00"), row("a", "1.00"))),
        "a cent off");
    assertFalse(sameRows(rows(), expected), "empty against rows");
    assertTrue(sameRows(rows(), rows()));
  }

  @Test
  void theFailureSaysWhichSideHasRowsTheOtherLacks() {
    Dataset<Row> expected = rows(row("a", "1.00"), row("b", "2.00"));
    AssertionFailedError missing = assertThrows(AssertionFailedError.class,
        () -> assertSameRows(expected, rows(row("a", "1.00")), "t"));
    assertTrue(missing.getMessage().startsWith("t: rows missing"), missing.getMessage());
    AssertionFailedError extra = assertThrows(AssertionFailedError.class,
        () -> assertSameRows(expected, rows(row("a", "1.00"), row("b", "2.00"), row("c", "3.00")), "t"));
    assertTrue(extra.getMessage().startsWith("t: rows not expected"), extra.getMessage());
  }
}
