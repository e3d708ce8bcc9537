package io.profitlake.insights;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.profitlake.config.CostModel.Thresholds;
import io.profitlake.support.SparkTestBase;
import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The whale curve and its summary on five customers worked out by hand. */
class WhaleCurveTest extends SparkTestBase {
  private static final Thresholds THRESHOLDS =
      new Thresholds(BigDecimal.ZERO, new BigDecimal("0.10"), 6, new BigDecimal("1000.00"), 20);

  private static BigDecimal d(String value) {
    return new BigDecimal(value);
  }

  private static Dataset<Row> ranked(PnlRows rows) {
    return Insights.enrich(rows.frame(spark), PnlRows.noHistory(spark), PnlRows.ACTIVITIES, THRESHOLDS).profitability();
  }

  @Test
  void fiveCustomersPeakAtTwiceTheProfitWithThreeOfThem() {
    // Net profit in rank order: 50, 30, 20, -10, -40; total 50. Cumulative 50, 80, 100, 90, 50, so the
    // shares are 1.0, 1.6, 2.0, 1.8, 1.0: the peak is 200% at the first 3 of 5 customers (60%).
    PnlRows rows = new PnlRows().row("A", "2024-01", "net_revenue=20").row("B", "2024-01", "net_revenue=50")
        .row("C", "2024-01", "cogs=40").row("D", "2024-01", "net_revenue=30").row("E", "2024-01", "cogs=10");
    Dataset<Row> ranked = ranked(rows);
    List<Row> points = WhaleCurve.points(ranked).orderBy("point").collectAsList();
    assertEquals(1000, points.size());
    // j = 1..200: ceil(5j/1000) = 1 customer; j = 201: 2; j = 600: 3; j = 601: 4; j = 1000: all 5.
    assertPoint(points.get(0), 1, "0.001000", 1, "50.00", "1.000000");
    assertPoint(points.get(199), 200, "0.200000", 1, "50.00", "1.000000");
    assertPoint(points.get(200), 201, "0.201000", 2, "80.00", "1.600000");
    assertPoint(points.get(599), 600, "0.600000", 3, "100.00", "2.000000");
    assertPoint(points.get(600), 601, "0.601000", 4, "90.00", "1.800000");
    assertPoint(points.get(999), 1000, "1.000000", 5, "50.00", "1.000000");

    Row summary = WhaleCurve.summary(ranked).first();
    assertEquals(5L, (long) summary.getAs("customers"));
    assertEquals(d("50.00"), summary.getAs("total_net_profit"));
    assertEquals(3L, (long) summary.getAs("peak_customers"));
    assertEquals(d("0.600000"), summary.getAs("peak_customer_share"));
    assertEquals(d("100.00"), summary.getAs("peak_cumulative_profit"));
    assertEquals(d("2.000000"), summary.getAs("peak_profit_share"));
    assertEquals(2L, (long) summary.getAs("unprofitable_customers"));
    assertEquals(d("0.400000"), summary.getAs("unprofitable_customer_share"));
    assertEquals(d("50.00"), summary.getAs("profit_destroyed"));
    assertTrue((boolean) summary.getAs("shares_defined"));
  }

  @Test
  void thePeakIsTheFirstPrefixToReachItAndALossMakingPeriodHasNoShares() {
    // 2024-01: 20, 0, -5 -> cumulative 20, 20, 15: the peak 20 is first reached by 1 customer of 3.
    // 2024-02: 10, -30 -> total -20: shares undefined, the summary says so.
    PnlRows rows = new PnlRows().row("A", "2024-01", "net_revenue=20").row("B", "2024-01")
        .row("C", "2024-01", "cogs=5").row("A", "2024-02", "net_revenue=10").row("B", "2024-02", "cogs=30");
    Dataset<Row> ranked = ranked(rows);
    Row january = WhaleCurve.summary(ranked).where(col("period").equalTo("2024-01")).first();
    assertEquals(1L, (long) january.getAs("peak_customers"));
    assertEquals(d("0.333333"), january.getAs("peak_customer_share"));
    assertEquals(d("1.333333"), january.getAs("peak_profit_share"), "20 / 15");
    Row february = WhaleCurve.summary(ranked).where(col("period").equalTo("2024-02")).first();
    assertFalse((boolean) february.getAs("shares_defined"));
    assertNull(february.getAs("peak_profit_share"));
    assertEquals(d("30.00"), february.getAs("profit_destroyed"));
    List<Row> februaryPoints = WhaleCurve.points(ranked).where(col("period").equalTo("2024-02")).collectAsList();
    assertEquals(1000, februaryPoints.size());
    assertTrue(februaryPoints.stream().allMatch(p -> p.getAs("cumulative_profit_share") == null));
  }

  private static void assertPoint(Row point, int j, String customerShare, long included, String profit, String share) {
    assertEquals(j, (int) point.getAs("point"));
    assertEquals(d(customerShare), point.getAs("customer_share"));
    assertEquals(included, (long) point.getAs("customers_included"));
    assertEquals(d(profit), point.getAs("cumulative_profit"));
    assertEquals(d(share), point.getAs("cumulative_profit_share"));
  }
}
