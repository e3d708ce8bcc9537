package io.profitlake.scenario;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.profitlake.config.Scenario;
import io.profitlake.profitability.Periods;
import io.profitlake.revenue.RevenueSide;
import io.profitlake.support.SparkTestBase;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Who a scenario lets go and what its price changes do to the lines, on hand-built rows (methods.md, Scenarios). */
class ScenarioLeversTest extends SparkTestBase {
  /** Window 2025-01..2025-12 of processed periods 2024-01..2025-12: the standing is read as of 2024-12. */
  private static final ScenarioWindow WINDOW = ScenarioWindow.of(new Periods(YearMonth.of(2024, 1), YearMonth.of(2025, 12)));

  private static BigDecimal d(String value) {
    return new BigDecimal(value);
  }

  private static Dataset<Row> profitability() {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("period", DataTypes.StringType)
        .add("status", DataTypes.StringType).add("segment", DataTypes.StringType)
        .add("recommended_action", DataTypes.StringType).add("t12m_decile", DataTypes.IntegerType);
    return spark.createDataFrame(List.of(
        RowFactory.create("A", "2024-11", "PROFITABLE", "PASSIVE", "GROW", 1),
        RowFactory.create("A", "2024-12", "UNPROFITABLE", "AGGRESSIVE", "REDUCE_COST_TO_SERVE", 10),
        RowFactory.create("B", "2024-12", "UNPROFITABLE", "PASSIVE", "REVIEW_RELATIONSHIP", 9),
        RowFactory.create("C", "2024-12", "PROFITABLE", "AGGRESSIVE", "GROW", 1),
        // D's last row is two periods before: LAPSED as of 2024-12, no segment.
        RowFactory.create("D", "2024-10", "UNPROFITABLE", "AGGRESSIVE", "REPRICE", 10),
        // E's first row is in the window: not a customer as of 2024-12.
        RowFactory.create("E", "2025-01", "UNPROFITABLE", "AGGRESSIVE", "REPRICE", 10)), schema);
  }

  private static Optional<Dataset<Row>> standing() {
    return Optional.of(Standing.asOf(profitability(), WINDOW.before().orElseThrow()));
  }

  private static Scenario.Exit exit(List<String> statuses, List<String> segments, List<String> customers) {
    return new Scenario.Exit(statuses, segments, List.of(), List.of(), customers);
  }

  private static TreeSet<String> exited(Scenario.Exit exit, Optional<Dataset<Row>> standing) {
    return new TreeSet<>(Standing.exited(spark, exit, standing).as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void theWindowIsTheLastTwelvePeriodsAndTheStandingThePeriodBefore() {
    assertEquals(new Periods(YearMonth.of(2025, 1), YearMonth.of(2025, 12)), WINDOW.periods());
    assertEquals(Optional.of(YearMonth.of(2024, 12)), WINDOW.before());
    ScenarioWindow short_ = ScenarioWindow.of(new Periods(YearMonth.of(2025, 3), YearMonth.of(2025, 12)));
    assertEquals(new Periods(YearMonth.of(2025, 3), YearMonth.of(2025, 12)), short_.periods());
    assertEquals(Optional.empty(), short_.before());
    // Exactly 12 processed periods: the window is all of them, and there is no period before it.
    assertEquals(Optional.empty(), ScenarioWindow.of(new Periods(YearMonth.of(2025, 1), YearMonth.of(2025, 12))).before());
  }

  @Test
  void theStandingIsTheRowOfThePeriodBeforeOrLapsed() {
    Map<String, List<Object>> rows = new TreeMap<>();
    for (Row row : standing().orElseThrow().collectAsList()) {
      rows.put(row.getAs("customer_id"), java.util.Arrays.asList(row.getAs("status"), row.getAs("segment"),
          row.getAs("recommended_action"), row.getAs("t12m_decile")));
    }
    assertEquals(Map.of(
        "A", List.of("UNPROFITABLE", "AGGRESSIVE", "REDUCE_COST_TO_SERVE", 10),
        "B", List.of("UNPROFITABLE", "PASSIVE", "REVIEW_RELATIONSHIP", 9),
        "C", List.of("PROFITABLE", "AGGRESSIVE", "GROW", 1),
        "D", java.util.Arrays.asList("LAPSED", null, null, null)), rows);
  }

  @Test
  void everyCriterionGivenMustHoldAndAListMatchesAnyOfItsValues() {
    // UNPROFITABLE and AGGRESSIVE: A (B is PASSIVE, C PROFITABLE, D LAPSED, E not yet a customer).
    assertEquals(new TreeSet<>(List.of("A")), exited(exit(List.of("UNPROFITABLE"), List.of("AGGRESSIVE"), List.of()),
        standing()));
    // D is LAPSED, but its null segment never matches AGGRESSIVE.
    assertEquals(new TreeSet<>(List.of("A")), exited(exit(List.of("UNPROFITABLE", "LAPSED"), List.of("AGGRESSIVE"),
        List.of()), standing()));
    assertEquals(new TreeSet<>(List.of("D")), exited(exit(List.of("LAPSED"), List.of(), List.of()), standing()));
    // Status and a list: B (C is PROFITABLE).
    assertEquals(new TreeSet<>(List.of("B")), exited(exit(List.of("UNPROFITABLE"), List.of(), List.of("B", "C")),
        standing()));
    // A list alone matches by id, whether or not the customer has a row.
    assertEquals(new TreeSet<>(List.of("E", "Q")), exited(exit(List.of(), List.of(), List.of("E", "Q")), standing()));
    // Without a period before the window only the list can match.
    assertEquals(new TreeSet<>(List.of("C")), exited(exit(List.of("UNPROFITABLE"), List.of(), List.of("C")),
        Optional.empty()));
    assertEquals(new TreeSet<>(), exited(exit(List.of("UNPROFITABLE"), List.of(), List.of()), Optional.empty()));
  }

  private static Dataset<Row> transactions() {
    StructType schema = new StructType().add("transaction_id", DataTypes.StringType)
        .add("customer_id", DataTypes.StringType).add("transaction_ts", DataTypes.TimestampType)
        .add("net_amount", DataTypes.createDecimalType(18, 2)).add("cost_amount", DataTypes.createDecimalType(18, 2))
        .add("currency", DataTypes.StringType).add("sales_rep_id", DataTypes.StringType)
        .add("transaction_type", DataTypes.StringType);
    Timestamp march = Timestamp.valueOf("2025-03-10 10:00:00");
    return spark.createDataFrame(List.of(
        RowFactory.create("T1", "B", march, d("100.00"), d("60.00"), "USD", "R1", "SALE"),
        RowFactory.create("T2", "B", march, d("20.00"), d("12.00"), "USD", "R1", "RETURN"),
        // 10.10 x 1.05 = 10.605: HALF_EVEN keeps 10.60 (half up would give 10.61).
        RowFactory.create("T3", "B", march, d("10.10"), d("5.00"), "USD", null, "SALE"),
        // In the line's currency, before conversion.
        RowFactory.create("T4", "B", march, d("50.00"), d("30.00"), "EUR", null, "SALE"),
        // Before the window: unchanged.
        RowFactory.create("T5", "B", Timestamp.valueOf("2024-12-20 10:00:00"), d("100.00"), d("60.00"), "USD", "R1", "SALE"),
        // C is AGGRESSIVE: unchanged.
        RowFactory.create("T6", "C", march, d("100.00"), d("60.00"), "USD", "R1", "SALE")), schema);
  }

  private static Scenario scenario(List<Scenario.PriceChange> changes, Optional<Scenario.Exit> exit) {
    return new Scenario("s", "d", exit, changes, Map.of(), Map.of());
  }

  @Test
  void aPriceChangeMovesTheSegmentsSaleAndReturnLinesInTheWindowAndTheCommissionsFollow() {
    Scenario passivePlusFive = scenario(List.of(new Scenario.PriceChange("PASSIVE", d("0.05"))), Optional.empty());
    Dataset<Row> nobody = spark.emptyDataset(org.apache.spark.sql.Encoders.STRING()).toDF("customer_id");
    Dataset<Row> lines = Levers.apply(source -> transactions(), passivePlusFive, nobody, standing(), WINDOW)
        .accepted("transactions");
    Map<String, BigDecimal> amounts = new TreeMap<>();
    for (Row row : lines.collectAsList()) {
      amounts.put(row.getAs("transaction_id"), row.getAs("net_amount"));
    }
    assertEquals(Map.of("T1", d("105.00"), "T2", d("21.00"), "T3", d("10.60"), "T4", d("52.50"), "T5", d("100.00"),
        "T6", d("100.00")), amounts);
    assertEquals(List.of(transactions().columns()), List.of(lines.columns()));

    // Commissions follow the new amounts (rate 0.05): B in 2025-03 (USD lines only, as if converted):
    // 105.00 x 0.05 = 5.25 on the sale, -(21.00 x 0.05 = 1.05) on the return: 4.20 (was 5.00 - 1.00 = 4.00).
    // Net revenue 105.00 - 21.00 + 10.60 = 94.60; returns 21.00.
    Dataset<Row> reps = spark.createDataFrame(List.of(RowFactory.create("R1", d("0.0500"))),
        new StructType().add("rep_id", DataTypes.StringType).add("commission_rate", DataTypes.createDecimalType(5, 4)));
    Row march = RevenueSide.perCustomerPeriod(lines.where(col("currency").equalTo("USD"))
            .withColumn("period", org.apache.spark.sql.functions.date_format(col("transaction_ts"), "yyyy-MM")), reps)
        .where(col("customer_id").equalTo("B").and(col("period").equalTo("2025-03"))).first();
    assertEquals(d("4.20"), march.getAs("commissions"));
    assertEquals(d("94.60"), march.getAs("net_revenue"));
    assertEquals(d("21.00"), march.getAs("returns"));
  }

  @Test
  void anExitDropsTheExitedCustomersRowsOfTheWindowOnly() {
    Scenario exitB = scenario(List.of(), Optional.of(exit(List.of(), List.of(), List.of("B"))));
    Dataset<Row> exited = Standing.exited(spark, exitB.exit().orElseThrow(), standing());
    TreeSet<String> kept = new TreeSet<>(Levers.apply(source -> transactions(), exitB, exited, standing(), WINDOW)
        .accepted("transactions").select("transaction_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    // B's window lines go; its line of 2024-12 and C's line stay.
    assertEquals(new TreeSet<>(List.of("T5", "T6")), kept);
  }

  @Test
  void aCostFactorScalesThePoolsOwnCostInTheWindow() {
    Scenario cut = new Scenario("s", "d", Optional.empty(), List.of(),
        Map.of("support", new Scenario.PoolLever(Optional.empty(), Optional.of(d("0.8285714286")))), Map.of());
    StructType schema = new StructType().add("period", DataTypes.StringType).add("pool_id", DataTypes.StringType)
        .add("amount", DataTypes.createDecimalType(18, 2)).add("currency", DataTypes.StringType);
    Dataset<Row> costs = spark.createDataFrame(List.of(
        RowFactory.create("2025-01", "support", d("560000.00"), "USD"),
        RowFactory.create("2024-12", "support", d("560000.00"), "USD"),
        RowFactory.create("2025-01", "call_centre", d("1000.00"), "USD")), schema);
    Map<String, BigDecimal> amounts = new TreeMap<>();
    for (Row row : Levers.apply(source -> costs, cut, null, Optional.empty(), WINDOW).accepted("cost_pools")
        .collectAsList()) {
      amounts.put(row.getAs("period") + "/" + row.getAs("pool_id"), row.getAs("amount"));
    }
    // 560,000.00 x 0.8285714286 = 464,000.000016: 464,000.00 in the window; other periods and pools as they were.
    assertEquals(Map.of("2025-01/support", d("464000.00"), "2024-12/support", d("560000.00"),
        "2025-01/call_centre", d("1000.00")), amounts);
  }
}
