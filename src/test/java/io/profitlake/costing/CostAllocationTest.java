package io.profitlake.costing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.profitlake.config.CostModel;
import io.profitlake.failure.ExitCode;
import io.profitlake.failure.JobFailure;
import io.profitlake.profitability.Periods;
import io.profitlake.support.SparkTestBase;
import io.profitlake.support.TestSettings;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Time-driven ABC on hand-worked oracles (methods.md, Cost to serve), values worked out in the comments. */
class CostAllocationTest extends SparkTestBase {
  private static final Periods JANUARY = new Periods(YearMonth.of(2024, 1), YearMonth.of(2024, 1));

  private static BigDecimal d(String value) {
    return new BigDecimal(value);
  }

  private static CostModel model(String hocon) {
    // One line per object: HOCON separates fields by a newline or a comma.
    return TestSettings.parseAlone("profitlake.cost-model {\n" + hocon.replace("} ", "}\n") + "\n}").costModel();
  }

  private static Dataset<Row> costs(Object[]... rows) {
    StructType schema = new StructType().add("period", DataTypes.StringType).add("pool_id", DataTypes.StringType)
        .add("amount", DataTypes.createDecimalType(18, 2));
    return spark.createDataFrame(java.util.Arrays.stream(rows).map(RowFactory::create).toList(), schema);
  }

  /** Kaplan & Anderson's units, built as real source rows: 9,800 orders, 280 inquiries, 500 credit checks. */
  private static DriverUnits.Inputs kaplanInputs() {
    Timestamp ts = Timestamp.valueOf("2024-01-15 10:00:00");
    Dataset<Row> orders = spark.range(9800).select(concat(lit("O"), col("id").cast("string")).as("order_id"),
        lit("C1").as("customer_id"), lit(ts).as("transaction_ts"), lit("SALE").as("transaction_type"),
        lit(null).cast(DataTypes.createDecimalType(18, 4)).as("quantity"));
    Dataset<Row> tickets = spark.range(280).select(lit("C2").as("customer_id"), lit(ts).as("opened_ts"),
        lit(null).cast(DataTypes.createDecimalType(10, 2)).as("handle_minutes"), lit(false).as("escalated"),
        lit(0).as("reopen_count"), lit("LOW").as("priority"), lit("QUESTION").as("category"));
    Dataset<Row> invoices = spark.range(500).select(lit("C3").as("customer_id"),
        lit(Date.valueOf("2024-01-15")).as("issue_date"), lit(Date.valueOf("2024-02-15")).as("due_date"),
        lit(Date.valueOf("2024-02-01")).as("paid_date"), lit(null).cast(DataTypes.DateType).as("written_off_date"));
    Dataset<Row> calls = spark.range(0).select(lit("C1").as("customer_id"), lit(ts).as("call_ts"),
        lit(0).as("talk_seconds"), lit(0).as("wait_seconds"));
    Dataset<Row> activities = spark.range(0).select(lit("C1").as("customer_id"), lit(ts).as("activity_ts"),
        lit(null).cast(DataTypes.createDecimalType(10, 2)).as("duration_minutes"), lit("VISIT").as("activity_type"));
    return new DriverUnits.Inputs(tickets, calls, activities, orders, invoices);
  }

  private static final String KAPLAN_ACTIVITIES = "activities { "
      + "process_order { pool = customer_service, driver = order, base-minutes = 40 }, "
      + "handle_inquiry { pool = customer_service, driver = ticket, base-minutes = 220 }, "
      + "credit_check { pool = customer_service, driver = invoice, base-minutes = 250 } }";

  private static Map<String, List<Object>> lines(CostToServe.Result result) {
    Map<String, List<Object>> byActivity = new TreeMap<>();
    for (Row row : result.lines().collectAsList()) {
      byActivity.put(row.getAs("activity"), List.of(row.getAs("customer_id"), row.getAs("driver_quantity"),
          row.getAs("minutes"), row.getAs("allocated_amount")));
    }
    return byActivity;
  }

  private static Row books(CostToServe.Result result, String pool) {
    return result.reconciliation().where(col("pool_id").equalTo(pool)).first();
  }

  @Test
  void kaplanAndAndersonTimeDriven() {
    CostModel model = model("pools { customer_service { capacity-minutes = 700000 } } " + KAPLAN_ACTIVITIES);
    CostToServe.Result result = CostToServe.compute(spark, kaplanInputs(),
        costs(new Object[] {"2024-01", "customer_service", d("560000.00")}), model, JANUARY);
    // Rate 560,000 / 700,000 = 0.80; U = 9,800 x 40 + 280 x 220 + 500 x 250 = 578,600 minutes:
    // A = 578,600 x 0.80 = 462,880.00 = 313,600 + 49,280 + 100,000; unused = 97,120.00.
    assertEquals(Map.of(
        "process_order", List.of("C1", 9800L, d("392000.0000"), d("313600.00")),
        "handle_inquiry", List.of("C2", 280L, d("61600.0000"), d("49280.00")),
        "credit_check", List.of("C3", 500L, d("125000.0000"), d("100000.00"))), lines(result));
    Row books = books(result, "customer_service");
    assertEquals(d("462880.00"), books.getAs("allocated"));
    assertEquals(d("97120.00"), books.getAs("unused_capacity"));
    assertEquals(0, d("0.8").compareTo(books.getAs("rate")));
    assertEquals(false, books.getAs("over_capacity"));
    assertEquals(d("0.00"), books.getAs("difference"));
  }

  @Test
  void fullAbsorptionPutsTheWholePoolOnCustomers() {
    CostModel model = model("pools { customer_service { capacity-minutes = 700000, mode = full-absorption } } "
        + KAPLAN_ACTIVITIES);
    CostToServe.Result result = CostToServe.compute(spark, kaplanInputs(),
        costs(new Object[] {"2024-01", "customer_service", d("560000.00")}), model, JANUARY);
    // s = 560,000 x m / 578,600 at 6 decimals: 379,398.548220; 59,619.771863; 120,981.679917.
    // Floors 379,398.54 + 59,619.77 + 120,981.67 = 559,999.98: 2 cents left, to the largest remainders
    // (.9917 credit_check, .8220 process_order) => 379,398.55; 59,619.77; 120,981.68 = 560,000.00.
    Map<String, List<Object>> lines = lines(result);
    assertEquals(d("379398.55"), lines.get("process_order").get(3));
    assertEquals(d("59619.77"), lines.get("handle_inquiry").get(3));
    assertEquals(d("120981.68"), lines.get("credit_check").get(3));
    Row books = books(result, "customer_service");
    assertEquals(d("560000.00"), books.getAs("allocated"));
    assertEquals(d("0.00"), books.getAs("unused_capacity"));
    assertEquals(d("0.00"), books.getAs("difference"));
  }

  @Test
  void overCapacityAllocatesTheWholePoolAndSaysSo() {
    CostModel model = model("pools { customer_service { capacity-minutes = 500000 } } " + KAPLAN_ACTIVITIES);
    CostToServe.Result result = CostToServe.compute(spark, kaplanInputs(),
        costs(new Object[] {"2024-01", "customer_service", d("560000.00")}), model, JANUARY);
    // U = 578,600 > K = 500,000: D = U, A = C; the split is the full-absorption one above.
    Row books = books(result, "customer_service");
    assertEquals(true, books.getAs("over_capacity"));
    assertEquals(d("560000.00"), books.getAs("allocated"));
    assertEquals(d("0.00"), books.getAs("unused_capacity"));
    assertEquals(d("379398.55"), lines(result).get("process_order").get(3));
    // rate = C / U = 560,000 / 578,600 = 0.9678534393...
    assertEquals(d("0.9678534393"), books.<BigDecimal>getAs("rate"));
  }

  @Test
  void aPeriodWithoutUsageAllocatesNothing() {
    CostModel model = model("pools { customer_service { capacity-minutes = 700000 }, idle { capacity-minutes = 100 } } "
        + KAPLAN_ACTIVITIES);
    CostToServe.Result result = CostToServe.compute(spark, kaplanInputs(), costs(
        new Object[] {"2024-01", "customer_service", d("560000.00")},
        new Object[] {"2024-01", "idle", d("1234.56")}), model, JANUARY);
    Row books = books(result, "idle");
    assertEquals(d("0.00"), books.getAs("allocated"));
    assertEquals(d("1234.56"), books.getAs("unused_capacity"));
    assertTrue(books.isNullAt(books.fieldIndex("rate")));
    assertEquals(d("0.00"), books.getAs("difference"));
    assertEquals(0, result.lines().where(col("pool_id").equalTo("idle")).count());
  }

  private static Dataset<Row> usage(Object[]... rows) {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("period", DataTypes.StringType)
        .add("activity", DataTypes.StringType).add("pool_id", DataTypes.StringType).add("driver", DataTypes.StringType)
        .add("driver_quantity", DataTypes.LongType).add("minutes", DataTypes.createDecimalType(24, 4));
    return spark.createDataFrame(java.util.Arrays.stream(rows).map(RowFactory::create).toList(), schema);
  }

  @Test
  void largestRemainderHandsTheLostCentToTheSmallestKeyOnATie() {
    CostModel model = model("pools { p { capacity-minutes = 0, mode = full-absorption } } "
        + "activities { a { pool = p, driver = call } }");
    Dataset<Row> usage = usage(
        new Object[] {"C2", "2024-01", "a", "p", "call", 1L, d("1.0000")},
        new Object[] {"C1", "2024-01", "a", "p", "call", 1L, d("1.0000")},
        new Object[] {"C3", "2024-01", "a", "p", "call", 1L, d("1.0000")});
    PoolAllocation.Result result = PoolAllocation.allocate(spark, costs(new Object[] {"2024-01", "p", d("100.00")}),
        usage, model);
    // 100.00 / 3 = 33.333333 each: rounding each part gives 33.33 x 3 = 99.99, a cent short.
    // Largest remainder: floors 99.99, one cent left, equal remainders, smallest customer id first.
    Map<String, BigDecimal> amounts = new TreeMap<>();
    result.customerLines().collectAsList().forEach(r -> amounts.put(r.getAs("customer_id"), r.getAs("allocated_amount")));
    assertEquals(Map.of("C1", d("33.34"), "C2", d("33.33"), "C3", d("33.33")), amounts);
  }

  @Test
  void sharedPoolThenResourcePoolsThenCustomersReconcile() {
    CostModel model = model("pools { a { capacity-minutes = 100, mode = full-absorption }, "
        + "b { capacity-minutes = 1000 }, c { capacity-minutes = 10 } } "
        + "shared-pools { it { fractions { a = 0.5, b = 0.25, c = 0.25 } } } "
        + "activities { work_a { pool = a, driver = call }, work_b { pool = b, driver = call }, "
        + "work_c { pool = c, driver = ticket } }");
    Dataset<Row> usage = usage(
        new Object[] {"C1", "2024-01", "work_a", "a", "call", 1L, d("30.0000")},
        new Object[] {"C2", "2024-01", "work_a", "a", "call", 1L, d("70.0000")},
        new Object[] {"C1", "2024-01", "work_b", "b", "call", 1L, d("250.0000")},
        new Object[] {"C2", "2024-01", "work_c", "c", "ticket", 1L, d("20.0000")});
    PoolAllocation.Result result = PoolAllocation.allocate(spark, costs(
        new Object[] {"2024-01", "it", d("100.01")},
        new Object[] {"2024-01", "a", d("200.00")},
        new Object[] {"2024-01", "b", d("300.00")},
        new Object[] {"2024-01", "c", d("0.00")}), usage, model);
    // Stage 1: 100.01 x 0.5 = 50.005, x 0.25 = 25.0025 twice: floors 100.00, the cent goes to a
    // (remainder .5) => a +50.01, b +25.00, c +25.00.
    // Stage 2: a (full absorption) 250.01 over 30/70 minutes: 75.003 -> 75.00, 175.007 -> 175.00, one cent
    //   left to C2 (.7 > .3) => 75.00 + 175.01. b (time-driven) 325.00 at 250 of 1,000 minutes = 81.25, unused
    //   243.75. c: 20 minutes over a 10-minute capacity, so the whole 25.00, over capacity.
    Map<String, BigDecimal> amounts = new TreeMap<>();
    result.customerLines().collectAsList().forEach(r ->
        amounts.put(r.getAs("customer_id") + "/" + r.getAs("activity"), r.getAs("allocated_amount")));
    assertEquals(Map.of("C1/work_a", d("75.00"), "C2/work_a", d("175.01"), "C1/work_b", d("81.25"),
        "C2/work_c", d("25.00")), amounts);
    Map<String, List<Object>> books = new TreeMap<>();
    result.reconciliation().collectAsList().forEach(r -> books.put(r.getAs("pool_id"), List.of(r.getAs("amount"),
        r.getAs("inflows"), r.getAs("outflows"), r.getAs("allocated"), r.getAs("unused_capacity"), r.getAs("difference"))));
    assertEquals(Map.of(
        "it", List.of(d("100.01"), d("0.00"), d("100.01"), d("0.00"), d("0.00"), d("0.00")),
        "a", List.of(d("200.00"), d("50.01"), d("0.00"), d("250.01"), d("0.00"), d("0.00")),
        "b", List.of(d("300.00"), d("25.00"), d("0.00"), d("81.25"), d("243.75"), d("0.00")),
        "c", List.of(d("0.00"), d("25.00"), d("0.00"), d("25.00"), d("0.00"), d("0.00"))), books);
  }

  @Test
  void timeEquationsUseEveryDriverAttribute() {
    CostModel model = model("pools { p { capacity-minutes = 0 } } activities { "
        + "t { pool = p, driver = ticket, base-minutes = 2, coefficients { handle_minutes = 1.0, escalated = 15, "
        + "reopen_count = 10, priority_urgent = 5, is_complaint = 3 } }, "
        + "c { pool = p, driver = call, base-minutes = 1, coefficients { talk_minutes = 1.0, wait_minutes = 0.1 } }, "
        + "s { pool = p, driver = sales_activity, coefficients { duration_minutes = 1, is_visit = 45 } }, "
        + "o { pool = p, driver = order, base-minutes = 6, coefficients { lines = 2 } }, "
        + "r { pool = p, driver = return_line, base-minutes = 15, coefficients { quantity = 3 } }, "
        + "i { pool = p, driver = invoice, base-minutes = 3, coefficients { is_late = 25 } } }");
    Timestamp ts = Timestamp.valueOf("2024-01-10 09:00:00");
    Dataset<Row> tickets = spark.range(1).select(lit("C1").as("customer_id"), lit(ts).as("opened_ts"),
        lit(d("12.50")).as("handle_minutes"), lit(true).as("escalated"), lit(2).as("reopen_count"),
        lit("URGENT").as("priority"), lit("COMPLAINT").as("category"));
    Dataset<Row> calls = spark.range(1).select(lit("C1").as("customer_id"), lit(ts).as("call_ts"),
        lit(61).as("talk_seconds"), lit(30).as("wait_seconds"));
    Dataset<Row> activities = spark.range(1).select(lit("C1").as("customer_id"), lit(ts).as("activity_ts"),
        lit(d("30.00")).as("duration_minutes"), lit("VISIT").as("activity_type"));
    StructType tx = new StructType().add("customer_id", DataTypes.StringType).add("order_id", DataTypes.StringType)
        .add("transaction_ts", DataTypes.TimestampType).add("transaction_type", DataTypes.StringType)
        .add("quantity", DataTypes.createDecimalType(18, 4));
    Dataset<Row> transactions = spark.createDataFrame(List.of(
        RowFactory.create("C1", "O1", ts, "SALE", d("1")),
        RowFactory.create("C1", "O1", ts, "SALE", d("1")),
        RowFactory.create("C1", "O1", Timestamp.valueOf("2024-02-01 09:00:00"), "SALE", d("1")),
        RowFactory.create("C1", "O9", ts, "RETURN", d("2.5"))), tx);
    StructType inv = new StructType().add("customer_id", DataTypes.StringType).add("issue_date", DataTypes.DateType)
        .add("due_date", DataTypes.DateType).add("paid_date", DataTypes.DateType).add("written_off_date", DataTypes.DateType);
    Dataset<Row> invoices = spark.createDataFrame(List.of(
        RowFactory.create("C1", Date.valueOf("2024-01-05"), Date.valueOf("2024-01-20"), Date.valueOf("2024-01-25"), null),
        RowFactory.create("C2", Date.valueOf("2024-01-05"), Date.valueOf("2024-01-20"), Date.valueOf("2024-01-20"), null),
        RowFactory.create("C3", Date.valueOf("2024-01-05"), Date.valueOf("2024-02-20"), null, null)), inv);
    Periods periods = new Periods(YearMonth.of(2024, 1), YearMonth.of(2024, 2));
    Map<String, BigDecimal> minutes = new TreeMap<>();
    ActivityUsage.perCustomer(DriverUnits.units(new DriverUnits.Inputs(tickets, calls, activities, transactions, invoices),
        periods), model).collectAsList().forEach(r -> minutes.put(r.getAs("activity") + "/" + r.getAs("customer_id")
            + "/" + r.getAs("period"), r.getAs("minutes")));
    assertEquals(new TreeMap<>(Map.of(
        // 2 + 12.5 + 15 x 1 + 10 x 2 + 5 x 1 + 3 x 1 = 57.5
        "t/C1/2024-01", d("57.5000"),
        // 1 + 61 / 60 + 0.1 x 30 / 60 = 1 + 1.016666... + 0.05 = 2.0666... -> 2.0667
        "c/C1/2024-01", d("2.0667"),
        // 30 + 45 x 1 = 75
        "s/C1/2024-01", d("75.0000"),
        // one order of 3 SALE lines, in the period of its earliest line: 6 + 2 x 3 = 12
        "o/C1/2024-01", d("12.0000"),
        // 15 + 3 x 2.5 = 22.5
        "r/C1/2024-01", d("22.5000"),
        // paid 5 days late: 3 + 25 = 28; paid on the due date: 3; open and not yet due at the end of
        // the last processed period (2024-02-29 > 2024-02-20 due): late, 28
        "i/C1/2024-01", d("28.0000"),
        "i/C2/2024-01", d("3.0000"),
        "i/C3/2024-01", d("28.0000"))), minutes);
  }

  @Test
  void aMissingPoolCostIsAnInputError() {
    CostModel model = model("pools { customer_service { capacity-minutes = 700000 }, it_support { capacity-minutes = 1 } } "
        + KAPLAN_ACTIVITIES);
    JobFailure failure = assertThrows(JobFailure.class, () -> CostToServe.compute(spark, kaplanInputs(),
        costs(new Object[] {"2024-01", "customer_service", d("560000.00")}), model, JANUARY));
    assertEquals(ExitCode.INPUT_CONTRACT, failure.exitCode());
    assertEquals("source cost_pools has no cost for it_support in 2024-01: a missing cost is not a zero cost; "
        + "add the rows (amount 0 if the pool really cost nothing) or narrow --from/--to", failure.getMessage());
  }

  @Test
  void missingPoolCostsBeyondTwentyAreCountedNotNamed() {
    // 11 pools, none with a cost, over two periods: 22 pairs missing, named period by period, pools in name order.
    StringBuilder pools = new StringBuilder("pools { customer_service { capacity-minutes = 700000 }");
    for (int i = 1; i <= 10; i++) {
      pools.append(", p").append(i < 10 ? "0" : "").append(i).append(" { capacity-minutes = 1 }");
    }
    CostModel model = model(pools + " } " + KAPLAN_ACTIVITIES);
    Periods twoMonths = new Periods(YearMonth.of(2024, 1), YearMonth.of(2024, 2));
    JobFailure failure = assertThrows(JobFailure.class, () -> CostToServe.requireEveryPool(costs(), model, twoMonths));
    String named = "customer_service in 2024-01, p01 in 2024-01, p02 in 2024-01, p03 in 2024-01, p04 in 2024-01, "
        + "p05 in 2024-01, p06 in 2024-01, p07 in 2024-01, p08 in 2024-01, p09 in 2024-01, p10 in 2024-01, "
        + "customer_service in 2024-02, p01 in 2024-02, p02 in 2024-02, p03 in 2024-02, p04 in 2024-02, "
        + "p05 in 2024-02, p06 in 2024-02, p07 in 2024-02, p08 in 2024-02";
    assertEquals("source cost_pools has no cost for " + named + " (and 2 more): a missing cost is not a zero cost; "
        + "add the rows (amount 0 if the pool really cost nothing) or narrow --from/--to", failure.getMessage());

    // Exactly twenty missing (the two p10 costs given): all named, nothing more to count.
    JobFailure twenty = assertThrows(JobFailure.class, () -> CostToServe.requireEveryPool(
        costs(new Object[] {"2024-01", "p10", d("1.00")}, new Object[] {"2024-02", "p10", d("1.00")}), model, twoMonths));
    assertEquals("source cost_pools has no cost for " + named.replace("p10 in 2024-01, ", "") + ", p09 in 2024-02: "
        + "a missing cost is not a zero cost; add the rows (amount 0 if the pool really cost nothing) or narrow "
        + "--from/--to", twenty.getMessage());
  }
}
