package io.profitlake.insights;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.profitlake.config.CostModel.Thresholds;
import io.profitlake.support.SparkTestBase;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Ranking, t12m, status, segments, actions and migrations of methods.md, on hand-worked rows. */
class InsightsTest extends SparkTestBase {
  /** Defaults of reference.conf, except REVIEW_RELATIONSHIP after 2 periods (so a short history shows it). */
  private static final Thresholds THRESHOLDS =
      new Thresholds(BigDecimal.ZERO, new BigDecimal("0.10"), 2, new BigDecimal("1000.00"), 20);

  private static BigDecimal d(String value) {
    return new BigDecimal(value);
  }

  private static Insights.Result enrich(PnlRows rows) {
    return Insights.enrich(rows.frame(spark), PnlRows.noHistory(spark), PnlRows.ACTIVITIES, THRESHOLDS);
  }

  /** customer/period -> the column's value. */
  private static Map<String, Object> column(Dataset<Row> rows, String column) {
    Map<String, Object> values = new TreeMap<>();
    for (Row row : rows.select(col("customer_id"), col("period"), col(column)).collectAsList()) {
      values.put(row.getString(0) + "/" + row.getString(1), row.get(2));
    }
    return values;
  }

  @Test
  void ranksBreakTiesByCustomerIdAndTwelveCustomersFillTheFirstTwoDecilesFirst() {
    // Net profit: C02, C05, C08 tie at 100 and rank in id order; C06 and C11 tie at 0.
    // Sorted: C02 1, C05 2, C08 3, C04(70) 4, C01(50) 5, C10(30) 6, C07(10) 7, C12(5) 8, C06 9, C11 10,
    // C09(-5) 11, C03(-20) 12. ntile(10) of 12: 12 = 10 x 1 + 2, so deciles 1 and 2 take two each:
    // ranks 1-2 -> 1, 3-4 -> 2, then one per decile.
    String[][] profits = {{"C01", "50"}, {"C02", "100"}, {"C03", "-20"}, {"C04", "70"}, {"C05", "100"}, {"C06", "0"},
        {"C07", "10"}, {"C08", "100"}, {"C09", "-5"}, {"C10", "30"}, {"C11", "0"}, {"C12", "5"}};
    PnlRows rows = new PnlRows();
    for (String[] profit : profits) {
      rows.row(profit[0], "2024-01", "net_revenue=" + profit[1]);
    }
    Dataset<Row> ranked = enrich(rows).profitability();
    Map<String, Object> expectedRank = new TreeMap<>();
    Map<String, Object> expectedDecile = new TreeMap<>();
    String[] order = {"C02", "C05", "C08", "C04", "C01", "C10", "C07", "C12", "C06", "C11", "C09", "C03"};
    int[] deciles = {1, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    for (int i = 0; i < order.length; i++) {
      expectedRank.put(order[i] + "/2024-01", i + 1);
      expectedDecile.put(order[i] + "/2024-01", deciles[i]);
    }
    assertEquals(expectedRank, column(ranked, "rank"));
    assertEquals(expectedDecile, column(ranked, "decile"));
    // One period: the trailing figures are the period's, so the t12m ranking is the same.
    assertEquals(expectedRank, column(ranked, "t12m_rank"));
    assertEquals(expectedDecile, column(ranked, "t12m_decile"));
  }

  @Test
  void trailingTwelveMonthsSumWhatExistsEarlyAndDropThePeriodThatLeavesTheWindow() {
    PnlRows rows = new PnlRows();
    // A: 10, 20, 30 in the first three months, then quiet through 2025-01 (13 periods).
    String[] periods = {"2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "2024-08",
        "2024-09", "2024-10", "2024-11", "2024-12", "2025-01"};
    String[] profit = {"10", "20", "30", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"};
    for (int i = 0; i < periods.length; i++) {
      rows.row("A", periods[i], "net_revenue=" + profit[i]);
    }
    // B has no row in 2024-02: the window is of calendar periods, so 2024-03 sums 2024-01 and 2024-03.
    rows.row("B", "2024-01", "net_revenue=5").row("B", "2024-03", "net_revenue=7");
    Map<String, Object> t12m = column(enrich(rows).profitability(), "t12m_net_profit");
    assertEquals(d("10.00"), t12m.get("A/2024-01"));
    assertEquals(d("30.00"), t12m.get("A/2024-02"));
    assertEquals(d("60.00"), t12m.get("A/2024-03"));
    assertEquals(d("60.00"), t12m.get("A/2024-12"), "12 periods: 2024-01..2024-12");
    assertEquals(d("50.00"), t12m.get("A/2025-01"), "2024-01 has left the window 2024-02..2025-01");
    assertEquals(d("12.00"), t12m.get("B/2024-03"));
  }

  @Test
  void actionsFireInTheDocumentedOrder() {
    // Two periods; the figures below are t12m at 2024-02 (the sum of both), REVIEW after 2 periods.
    PnlRows rows = new PnlRows();
    for (String period : List.of("2024-01", "2024-02")) {
      // K: gross margin 800, bad debt 100 > 0.10 x 800 = 80 -> COLLECT, although profitable and in decile 2.
      rows.row("K", period, "net_revenue=1000", "cogs=600", "bad_debt=50");
      // P: net profit 800, rank 1 of 7 -> decile 1 -> PROTECT.
      rows.row("P", period, "net_revenue=500", "cogs=100");
      // G: net profit 100, rank 3 -> decile 3 -> GROW.
      rows.row("G", period, "net_revenue=100", "cogs=50");
      // R: net profit -60 but referral value 80: -60 + 80 > 0 -> KEEP_FOR_REFERRALS (its gross margin is
      // positive, so without the referrals it would be REDUCE_COST_TO_SERVE).
      rows.row("R", period, "net_revenue=100", "cogs=50", "cts_support=80", "referral_value=40");
      // V: gross margin -100 and negative in both periods: run of 2 >= 2 -> REVIEW_RELATIONSHIP before REPRICE.
      rows.row("V", period, "net_revenue=100", "cogs=150");
    }
    // X: January +50, February -100: t12m gross margin -50 <= 0, run of 1 -> REPRICE.
    rows.row("X", "2024-01", "net_revenue=100", "cogs=50").row("X", "2024-02", "net_revenue=100", "cogs=200");
    // D: January +50, February -150 (support): t12m -100, gross margin 100 > 0, run of 1 -> REDUCE_COST_TO_SERVE.
    rows.row("D", "2024-01", "net_revenue=100", "cogs=50")
        .row("D", "2024-02", "net_revenue=100", "cogs=50", "cts_support=200");
    Dataset<Row> february = enrich(rows).profitability().where(col("period").equalTo("2024-02"));
    assertEquals(Map.of("K/2024-02", "COLLECT", "P/2024-02", "PROTECT", "G/2024-02", "GROW",
            "R/2024-02", "KEEP_FOR_REFERRALS", "V/2024-02", "REVIEW_RELATIONSHIP", "X/2024-02", "REPRICE",
            "D/2024-02", "REDUCE_COST_TO_SERVE"),
        column(february, "recommended_action"));
    // t12m net profit: P 800, K 700, G 100, X -50, R -60, D -100, V -100 (D before V by id).
    assertEquals(Map.of("P/2024-02", 1, "K/2024-02", 2, "G/2024-02", 3, "X/2024-02", 4, "R/2024-02", 5,
        "D/2024-02", 6, "V/2024-02", 7), column(february, "t12m_rank"));
    assertEquals(Map.of("K/2024-02", "PROFITABLE", "P/2024-02", "PROFITABLE", "G/2024-02", "PROFITABLE",
            "R/2024-02", "UNPROFITABLE", "V/2024-02", "UNPROFITABLE", "X/2024-02", "UNPROFITABLE",
            "D/2024-02", "UNPROFITABLE"),
        column(february, "status"));
    // R's relationship value is positive, so it is not in an unprofitable run; V is in its second period.
    assertEquals(Map.of("K/2024-02", 0, "P/2024-02", 0, "G/2024-02", 0, "R/2024-02", 0, "V/2024-02", 2,
        "X/2024-02", 1, "D/2024-02", 1), column(february, "periods_unprofitable_in_a_row"));
  }

  @Test
  void segmentsCompareBothRatiosWithTheExactMedianOfThePeriod() {
    PnlRows rows = new PnlRows()
        .row("A", "2024-01", "net_revenue=100", "cogs=40", "cts_support=10")   // margin 0.6, cost 0.1
        .row("B", "2024-01", "net_revenue=100", "cogs=60", "cts_support=30")   // 0.4, 0.3
        .row("C", "2024-01", "net_revenue=200", "cogs=100", "cts_calls=50")    // 0.5, 0.25
        .row("D", "2024-01", "net_revenue=300", "cogs=200", "cts_support=30")  // 0.333333, 0.1
        .row("E", "2024-01", "cts_support=10");                                // no revenue
    // Medians over A-D (even count, the mean of the middle two): margin (0.4 + 0.5) / 2 = 0.45, cost to serve
    // (0.1 + 0.25) / 2 = 0.175. Strictly above is high.
    Dataset<Row> segmented = enrich(rows).profitability();
    assertEquals(Map.of("A/2024-01", "PASSIVE", "B/2024-01", "AGGRESSIVE", "C/2024-01", "CARRIAGE_TRADE",
        "D/2024-01", "BARGAIN_BASEMENT", "E/2024-01", "NO_REVENUE"), column(segmented, "segment"));
    assertEquals(d("0.333333"), column(segmented, "t12m_gross_margin_ratio").get("D/2024-01"));
    assertNull(column(segmented, "t12m_cost_to_serve_ratio").get("E/2024-01"));
  }

  @Test
  void profitableTurningUnprofitableNamesTheComponentThatMovedMost() {
    PnlRows rows = new PnlRows()
        // M: January net profit 400 (PROFITABLE). February: the call centre costs 1,200; t12m net profit
        // 400 + (1000 - 500 - 1200) = -300 (UNPROFITABLE). Signed t12m changes: net_revenue +1000,
        // cogs -500, cts_support 0, cts_calls -1200 -> the most negative is cts_calls.
        .row("M", "2024-01", "net_revenue=1000", "cogs=500", "cts_support=100")
        .row("M", "2024-02", "net_revenue=1000", "cogs=500", "cts_calls=1200")
        // T: January -50 (UNPROFITABLE); February returns exceed sales' cost: t12m net_revenue +100 and
        // cogs 150 -> 50 (signed +100): a tie at +100 goes to net_revenue, first in the list. t12m 150.
        .row("T", "2024-01", "net_revenue=100", "cogs=150")
        .row("T", "2024-02", "net_revenue=100", "cogs=-100")
        // S stays PROFITABLE: no row.
        .row("S", "2024-01", "net_revenue=10").row("S", "2024-02", "net_revenue=10");
    List<Row> migrations = enrich(rows).migration().orderBy("customer_id").collectAsList();
    assertEquals(2, migrations.size());
    Row m = migrations.get(0);
    assertEquals(List.of("M", "2024-02", "2024-01", "PROFITABLE", "UNPROFITABLE", "WORSENED", "cts_calls"),
        List.of(m.getAs("customer_id"), m.getAs("period"), m.getAs("previous_period"), m.getAs("from_status"),
            m.getAs("to_status"), m.getAs("direction"), m.getAs("main_driver")));
    assertEquals(d("-1200.00"), m.getAs("main_driver_change"));
    assertEquals(d("400.00"), m.getAs("previous_t12m_net_profit"));
    assertEquals(d("-300.00"), m.getAs("t12m_net_profit"));
    Row t = migrations.get(1);
    assertEquals(List.of("T", "UNPROFITABLE", "PROFITABLE", "IMPROVED", "net_revenue"),
        List.of(t.getAs("customer_id"), t.getAs("from_status"), t.getAs("to_status"), t.getAs("direction"),
            t.getAs("main_driver")));
    assertEquals(d("100.00"), t.getAs("main_driver_change"));
  }

  @Test
  void aPeriodRerunContinuesFromTheRowsTheLakehouseHolds() {
    // H's row of 2023-12, as an earlier run wrote it: net profit -10, t12m -10, 3 periods unprofitable.
    StructType stored = PnlRows.schema().add("t12m_net_profit", DataTypes.createDecimalType(18, 2))
        .add("t12m_total_relationship_value", DataTypes.createDecimalType(18, 2))
        .add("status", DataTypes.StringType).add("periods_unprofitable_in_a_row", DataTypes.IntegerType);
    Object[] values = new Object[stored.size()];
    Row template = new PnlRows().row("H", "2023-12", "cogs=10").frame(spark).first();
    for (int i = 0; i < template.size(); i++) {
      values[i] = template.get(i);
    }
    values[template.size()] = d("-10.00");
    values[template.size() + 1] = d("-10.00");
    values[template.size() + 2] = "UNPROFITABLE";
    values[template.size() + 3] = 3;
    Dataset<Row> history = spark.createDataFrame(List.of(RowFactory.create(values)), stored);
    PnlRows rows = new PnlRows()
        .row("H", "2024-01", "cogs=5")               // t12m -15: the run goes on, 4
        .row("H", "2024-02", "net_revenue=100")      // t12m 85: PROFITABLE, run 0
        .row("H", "2024-03", "cogs=200");            // t12m -115: run 1
    Insights.Result result = Insights.enrich(rows.frame(spark), history, PnlRows.ACTIVITIES, THRESHOLDS);
    Dataset<Row> profitability = result.profitability();
    assertEquals(Map.of("H/2024-01", d("-15.00"), "H/2024-02", d("85.00"), "H/2024-03", d("-115.00")),
        column(profitability, "t12m_net_profit"));
    assertEquals(Map.of("H/2024-01", 4, "H/2024-02", 0, "H/2024-03", 1),
        column(profitability, "periods_unprofitable_in_a_row"));
    // The history row itself is not returned; the status change of 2024-02 and 2024-03 are migrations.
    assertEquals(Map.of("H/2024-02", "IMPROVED", "H/2024-03", "WORSENED"), column(result.migration(), "direction"));
  }

  @Test
  void everyTrailingSumIsComputedInOneWindowOperator() {
    // A customer with a stored history row (2023-12 keeps its t12m as written) and two processed periods.
    Dataset<Row> timeline = spark.sql("SELECT * FROM VALUES "
        + "('A', '2023-12', true, 1.00BD, 2.00BD, 3.00BD, 40.00BD, 50.00BD, 60.00BD), "
        + "('A', '2024-01', false, 10.00BD, 20.00BD, 30.00BD, NULL, NULL, NULL), "
        + "('A', '2024-02', false, 100.00BD, 200.00BD, NULL, NULL, NULL, NULL) "
        + "AS t(customer_id, period, _history, net_revenue, cogs, net_profit, t12m_net_revenue, t12m_cogs, "
        + "t12m_net_profit)");
    Dataset<Row> sums = Trailing.sums(timeline, List.of("net_revenue", "cogs", "net_profit"));
    assertEquals(Map.of("A/2023-12", d("40.00"), "A/2024-01", d("11.00"), "A/2024-02", d("111.00")),
        column(sums, "t12m_net_revenue"));
    assertEquals(Map.of("A/2023-12", d("50.00"), "A/2024-01", d("22.00"), "A/2024-02", d("222.00")),
        column(sums, "t12m_cogs"));
    assertEquals(Map.of("A/2023-12", d("60.00"), "A/2024-01", d("33.00"), "A/2024-02", d("33.00")),
        column(sums, "t12m_net_profit"), "a missing component counts 0");
    // Each t12m column replaced in place; only the period index is added.
    List<String> columns = new ArrayList<>(List.of(timeline.columns()));
    columns.add("_index");
    assertEquals(columns, List.of(sums.columns()));
    String plan = sums.queryExecution().executedPlan().toString();
    assertEquals(1, plan.split("Window \\[", -1).length - 1, plan);
  }

  @Test
  void customerValueKeepsLapsedCustomersWithTheirLastActivePeriod() {
    // As of 2024-03. A sold once in 2024-01 and has no row in 2024-03 (its span ended): LAPSED. B sold in
    // 2024-01 and was credited referral value in 2024-02; its 2024-03 row is all zeros. C sold in 2024-03.
    PnlRows rows = new PnlRows()
        .row("A", "2024-01", "net_revenue=100").row("A", "2024-02")
        .row("B", "2024-01", "net_revenue=10").row("B", "2024-02", "referral_value=5").row("B", "2024-03")
        .row("C", "2024-03", "net_revenue=50", "cogs=20", "cts_support=4");
    Dataset<Row> profitability = enrich(rows).profitability();
    List<String> span = List.of("net_revenue", "cogs", "gross_margin", "commissions", "cts_support", "cts_calls",
        "cost_to_serve", "acquisition_cost", "bad_debt", "financing_cost", "referral_value");
    Dataset<Row> value = CustomerValue.asOf(profitability, "2024-03", span,
        Insights.trailingComponents(PnlRows.ACTIVITIES));
    Map<String, Row> byCustomer = new TreeMap<>();
    value.collectAsList().forEach(row -> byCustomer.put(row.getAs("customer_id"), row));
    assertEquals(List.of("A", "B", "C"), List.copyOf(byCustomer.keySet()), "every customer with a row up to 2024-03");

    Row a = byCustomer.get("A");
    assertEquals("LAPSED", a.getAs("status"));
    for (String lapsedNull : List.of("t12m_rank", "t12m_decile", "segment", "recommended_action")) {
      assertNull(a.getAs(lapsedNull), lapsedNull);
    }
    assertEquals(0, (int) a.getAs("periods_unprofitable_in_a_row"));
    for (String t12m : List.of("t12m_net_revenue", "t12m_net_profit", "t12m_cogs", "t12m_cts_support",
        "t12m_referral_value", "t12m_total_relationship_value")) {
      assertEquals(d("0.00"), a.getAs(t12m), t12m);
    }
    assertEquals("2024-01", a.getAs("last_active_period"));
    assertEquals("2024-01", a.getAs("first_period"));
    assertEquals(2L, (long) a.getAs("periods_with_rows"));
    assertEquals(d("100.00"), a.getAs("lifetime_net_profit"));
    assertEquals("2024-03", a.getAs("as_of_period"));

    // B: t12m over 2024-01..03 = 10 of net profit and 5 of referral value; C: 50 - 20 - 4 = 26. Ranked C, B.
    Row b = byCustomer.get("B");
    assertEquals("PROFITABLE", b.getAs("status"));
    assertEquals("2024-02", b.getAs("last_active_period"), "a period with only referral value counts as active");
    assertEquals(d("10.00"), b.getAs("t12m_net_profit"));
    assertEquals(d("5.00"), b.getAs("t12m_referral_value"));
    assertEquals(d("15.00"), b.getAs("t12m_total_relationship_value"));
    assertEquals(d("5.00"), b.getAs("lifetime_referral_value"));
    assertEquals(2, (int) b.getAs("t12m_rank"));
    Row c = byCustomer.get("C");
    assertEquals(1, (int) c.getAs("t12m_rank"));
    assertEquals("2024-03", c.getAs("last_active_period"));
    assertEquals(d("20.00"), c.getAs("t12m_cogs"));
    assertEquals(d("4.00"), c.getAs("t12m_cts_support"));
    assertEquals(d("30.00"), c.getAs("t12m_gross_margin"));
    assertEquals(d("26.00"), c.getAs("t12m_net_profit"));
  }
}
