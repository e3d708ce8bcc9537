package io.profitlake.job;

import static io.profitlake.support.FrameAssertions.assertSameRows;
import static io.profitlake.support.FrameAssertions.withoutRunColumns;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.profitlake.config.Settings;
import io.profitlake.costing.CostToServe;
import io.profitlake.failure.ExitCode;
import io.profitlake.failure.JobFailure;
import io.profitlake.lakehouse.ColumnSpec;
import io.profitlake.lakehouse.Lakehouse;
import io.profitlake.lakehouse.TableSpec;
import io.profitlake.lakehouse.Tables;
import io.profitlake.lakehouse.Views;
import io.profitlake.sample.GeneratorOptions;
import io.profitlake.sample.SampleGenerator;
import io.profitlake.support.CatalogTestBase;
import io.profitlake.support.TestSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole run against a real lakehouse: tables written, totals checked against an independent
 * computation straight from the input files, reruns leaving identical contents, the quarantine gate.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProfitLakeJobTest extends CatalogTestBase {
  private static Settings settings;
  private static ProfitLakeJob.RunResult first;
  /** The RDDs other test classes of the JVM left in memory before this one started. */
  private static java.util.Set<Integer> heldBefore;

  @BeforeAll
  static void generateInputs() {
    heldBefore = java.util.Set.copyOf(scala.jdk.javaapi.CollectionConverters.asJava(
        spark.sparkContext().getPersistentRDDs()).keySet().stream().map(id -> (Integer) id).toList());
    settings = TestSettings.parse(TestSettings.sourcesIn(workDir.resolve("in"), lakehouseDir));
    GeneratorOptions options = new GeneratorOptions(200, 4, 11, YearMonth.of(2024, 1), "csv", false, 0.5);
    new SampleGenerator(spark, options, settings.costModel()).writeTo(workDir.resolve("in").toString());
    GeneratorOptions bad = new GeneratorOptions(200, 4, 11, YearMonth.of(2024, 1), "csv", true, 0.5);
    new SampleGenerator(spark, bad, settings.costModel()).writeTo(workDir.resolve("bad").toString());
  }

  private static Dataset<Row> table(String name) {
    return spark.table("profitability." + name);
  }

  /** A table's contents without the columns that name the run or its time. */
  private static Dataset<Row> contents(String name) {
    return withoutRunColumns(table(name));
  }

  @Test
  @Order(1)
  void runWritesEveryTable() {
    first = new ProfitLakeJob(spark, settings).run(RunOptions.allPeriods());
    assertEquals(List.of("2024-01", "2024-02", "2024-03", "2024-04"), first.periods().names());
    assertEquals(4, table("dim_period").count());
    assertEquals(200, table("dim_customer").count());
    assertEquals(0, table("quarantine").count());
    Row run = table("job_runs").where(col("run_id").equalTo(first.runId())).first();
    assertEquals("SUCCEEDED", run.getAs("status"));
    assertEquals(0, (int) run.getAs("exit_code"));
    assertEquals(settings.fingerprint(), run.getAs("config_fingerprint"));
    List<Row> sourceCounts = run.getList(run.fieldIndex("source_counts"));
    assertEquals(11, sourceCounts.size());
    for (Row count : sourceCounts) {
      assertEquals((long) count.getAs("rows_read"), (long) count.getAs("rows_accepted") + (long) count.getAs("rows_quarantined"));
    }
    assertEquals(table("customer_profitability").count(), first.rowsWritten().get("customer_profitability"));
    // The version the run records for each table is that table's newest commit, as Delta's own history has it.
    assertEquals(17, first.versions().size());
    first.versions().forEach((name, version) -> assertEquals(
        (Long) spark.sql("DESCRIBE HISTORY profitability." + name + " LIMIT 1").first().getAs("version"), version, name));
    // Every commit of the run carries its id.
    String metadata = spark.sql("DESCRIBE HISTORY profitability.customer_profitability LIMIT 1").first().getAs("userMetadata");
    assertEquals("run_id=" + first.runId(), metadata);
    // No contact names, and no raw emails, anywhere in dim_customer.
    assertEquals(0, table("dim_customer").where(col("contact_email_hash").isNotNull()).count());
    assertTrue(!List.of(table("dim_customer").columns()).contains("contact_name"));
    // Every frame the run kept or checkpointed was released at its end.
    assertEquals(List.of(), leftInMemory());
  }

  /** The RDDs held in memory since this class started, Delta's own cache of table states aside (named by Delta). */
  private static List<String> leftInMemory() {
    return scala.jdk.javaapi.CollectionConverters.asJava(spark.sparkContext().getPersistentRDDs()).values().stream()
        .filter(rdd -> !heldBefore.contains(rdd.id()))
        .filter(rdd -> rdd.name() == null || !rdd.name().startsWith("Delta Table State"))
        .map(rdd -> rdd.id() + " " + rdd + " " + rdd.getStorageLevel().description())
        .toList();
  }

  @Test
  @Order(2)
  void totalsMatchAnIndependentComputationFromTheFiles() throws IOException {
    Map<String, BigDecimal> rates = new HashMap<>();
    for (Map<String, String> fx : csv("fx_rates")) {
      rates.put(fx.get("period") + "/" + fx.get("currency"), new BigDecimal(fx.get("rate_to_base")));
    }
    Map<String, BigDecimal> commissionRates = new HashMap<>();
    for (Map<String, String> rep : csv("sales_reps")) {
      commissionRates.put(rep.get("rep_id"), new BigDecimal(rep.get("commission_rate")));
    }
    BigDecimal revenue = BigDecimal.ZERO;
    BigDecimal cogs = BigDecimal.ZERO;
    BigDecimal commissions = BigDecimal.ZERO;
    for (Map<String, String> line : csv("transactions")) {
      String period = line.get("transaction_ts").substring(0, 7);
      BigDecimal rate = line.get("currency").equals("USD") ? BigDecimal.ONE : rates.get(period + "/" + line.get("currency"));
      BigDecimal net = new BigDecimal(line.get("net_amount")).multiply(rate).setScale(2, RoundingMode.HALF_EVEN);
      BigDecimal cost = new BigDecimal(line.get("cost_amount")).multiply(rate).setScale(2, RoundingMode.HALF_EVEN);
      BigDecimal sign = line.get("transaction_type").equals("RETURN") ? BigDecimal.ONE.negate() : BigDecimal.ONE;
      revenue = revenue.add(net.multiply(sign));
      cogs = cogs.add(cost.multiply(sign));
      String rep = line.get("sales_rep_id");
      if (!rep.isEmpty()) {
        commissions = commissions.add(net.multiply(commissionRates.get(rep)).setScale(2, RoundingMode.HALF_EVEN).multiply(sign));
      }
    }
    Row totals = table("customer_profitability").selectExpr("sum(net_revenue)", "sum(cogs)", "sum(commissions)",
        "sum(gross_margin)").first();
    assertEquals(revenue, totals.getDecimal(0));
    assertEquals(cogs, totals.getDecimal(1));
    assertEquals(commissions, totals.getDecimal(2));
    assertEquals(revenue.subtract(cogs), totals.getDecimal(3));
  }

  /**
   * The books balance end to end: net profit over all customers and periods equals revenue - COGS -
   * commissions - (pool amounts - unused capacity) - acquisition amortised in range - bad debt -
   * financing, each worked out here from the input files (unused capacity from the reconciliation).
   */
  @Test
  @Order(2)
  void netProfitReconcilesWithAnIndependentComputation() throws IOException {
    List<String> periods = List.of("2024-01", "2024-02", "2024-03", "2024-04");
    Map<String, BigDecimal> rates = new HashMap<>();
    for (Map<String, String> fx : csv("fx_rates")) {
      rates.put(fx.get("period") + "/" + fx.get("currency"), new BigDecimal(fx.get("rate_to_base")));
    }
    BigDecimal pools = new BigDecimal("0.00");
    for (Map<String, String> pool : csv("cost_pools")) {
      if (periods.contains(pool.get("period"))) {
        pools = pools.add(new BigDecimal(pool.get("amount")));
      }
    }
    Map<String, BigDecimal> rewards = new HashMap<>();
    for (Map<String, String> referral : csv("referrals")) {
      rewards.put(referral.get("referred_customer_id"), new BigDecimal(referral.get("reward_amount")));
    }
    BigDecimal acquisition = new BigDecimal("0.00");
    for (Map<String, String> customer : csv("customers")) {
      long cents = new BigDecimal(customer.get("acquisition_cost"))
          .add(rewards.getOrDefault(customer.get("customer_id"), BigDecimal.ZERO)).movePointRight(2).longValueExact();
      YearMonth start = YearMonth.parse(customer.get("acquisition_date").substring(0, 7));
      String churn = customer.get("churn_date");
      YearMonth churnMonth = churn.isEmpty() ? null : YearMonth.parse(churn.substring(0, 7));
      for (int k = 0; k < 12; k++) {
        long instalment = cents / 12 + (k < cents % 12 ? 1 : 0);
        YearMonth month = start.plusMonths(k);
        if (churnMonth != null && month.isAfter(churnMonth)) {
          month = churnMonth;
        }
        if (periods.contains(month.toString())) {
          acquisition = acquisition.add(BigDecimal.valueOf(instalment, 2));
        }
      }
    }
    java.time.LocalDate lastDay = java.time.LocalDate.parse("2024-04-30");
    BigDecimal badDebt = new BigDecimal("0.00");
    BigDecimal financing = new BigDecimal("0.00");
    for (Map<String, String> invoice : csv("invoices")) {
      String currency = invoice.get("currency");
      BigDecimal rate = currency.equals("USD") ? BigDecimal.ONE
          : rates.get(invoice.get("issue_date").substring(0, 7) + "/" + currency);
      BigDecimal amount = new BigDecimal(invoice.get("amount")).multiply(rate).setScale(2, RoundingMode.HALF_EVEN);
      BigDecimal writtenOff = new BigDecimal(invoice.get("written_off_amount")).multiply(rate)
          .setScale(2, RoundingMode.HALF_EVEN);
      String writeOffDate = invoice.get("written_off_date");
      if (!writeOffDate.isEmpty() && periods.contains(writeOffDate.substring(0, 7))) {
        badDebt = badDebt.add(writtenOff);
      }
      java.time.LocalDate due = java.time.LocalDate.parse(invoice.get("due_date"));
      java.time.LocalDate settle = !invoice.get("paid_date").isEmpty() ? java.time.LocalDate.parse(invoice.get("paid_date"))
          : !writeOffDate.isEmpty() ? java.time.LocalDate.parse(writeOffDate) : lastDay;
      Map<String, Integer> lateDays = new java.util.TreeMap<>();
      for (java.time.LocalDate day = due.plusDays(1); !day.isAfter(settle); day = day.plusDays(1)) {
        lateDays.merge(YearMonth.from(day).toString(), 1, Integer::sum);
      }
      for (Map.Entry<String, Integer> month : lateDays.entrySet()) {
        if (periods.contains(month.getKey())) {
          financing = financing.add(amount.multiply(new BigDecimal("0.08")).multiply(BigDecimal.valueOf(month.getValue()))
              .divide(BigDecimal.valueOf(365), 2, RoundingMode.HALF_EVEN));
        }
      }
    }
    Row books = table("cost_pool_reconciliation").selectExpr("sum(unused_capacity)", "sum(allocated)").first();
    Row pnl = table("customer_profitability").selectExpr("sum(gross_margin) - sum(commissions)", "sum(net_profit)",
        "sum(cost_to_serve)", "sum(acquisition_cost)", "sum(bad_debt)", "sum(financing_cost)").first();
    assertEquals(acquisition, pnl.getDecimal(3));
    assertEquals(badDebt, pnl.getDecimal(4));
    assertEquals(financing, pnl.getDecimal(5));
    assertEquals(pools.subtract(books.getDecimal(0)), pnl.getDecimal(2));
    assertEquals(books.getDecimal(1), pnl.getDecimal(2));
    assertEquals(books.getDecimal(1), table("cost_to_serve").selectExpr("sum(allocated_amount)").first().getDecimal(0));
    assertEquals(pnl.getDecimal(0).subtract(pools.subtract(books.getDecimal(0))).subtract(acquisition).subtract(badDebt)
        .subtract(financing), pnl.getDecimal(1));
    assertEquals(0, table("cost_pool_reconciliation").where(col("difference").notEqual(0)).count());
    assertTrue(financing.signum() > 0 && acquisition.signum() > 0, "the sample exercises every component");
    // Referral value sits beside net profit: the identities of methods.md.
    assertEquals(table("referral_attribution").selectExpr("sum(attributed_amount)").first().getDecimal(0),
        table("customer_profitability").selectExpr("sum(referral_value)").first().getDecimal(0));
    assertEquals(0, table("customer_profitability")
        .where("total_relationship_value <> net_profit + referral_value").count());
    assertTrue(table("referral_attribution").count() > 0, "the sample has referrals that earn");
  }

  @Test
  @Order(2)
  void insightTablesAgreeWithTheCustomerPnl() throws IOException {
    Dataset<Row> pnl = table("customer_profitability");
    // Four periods only: t12m is the sum of every period so far, recomputed here from net_profit.
    assertEquals(0, spark.sql("SELECT p.customer_id FROM profitability.customer_profitability p "
        + "JOIN profitability.customer_profitability q ON p.customer_id = q.customer_id AND q.period <= p.period "
        + "GROUP BY p.customer_id, p.period, p.t12m_net_profit HAVING sum(q.net_profit) <> p.t12m_net_profit").count());
    assertEquals(0, pnl.where("status <> CASE WHEN t12m_net_profit > 0 THEN 'PROFITABLE' "
        + "WHEN t12m_net_profit < 0 THEN 'UNPROFITABLE' ELSE 'BREAKEVEN' END").count());
    // Ranks are a permutation of 1..n in every period.
    assertEquals(0, pnl.groupBy("period").agg(org.apache.spark.sql.functions.count("*").as("n"),
            org.apache.spark.sql.functions.max("rank").as("top"),
            org.apache.spark.sql.functions.countDistinct(col("rank")).as("distinct_ranks"))
        .where("n <> top OR n <> distinct_ranks").count());
    // The whale curve: 1,000 points per period ending at exactly 100% and at the period's total.
    assertEquals(4 * 1000, table("whale_curve").count());
    Dataset<Row> ends = table("whale_curve").where("point = 1000").join(
        pnl.groupBy("period").agg(org.apache.spark.sql.functions.sum("net_profit").as("total"),
            org.apache.spark.sql.functions.count("*").as("n")), "period");
    assertEquals(4, ends.where("cumulative_profit = total AND customers_included = n").count());
    assertEquals(4, ends.where("total > 0 AND cumulative_profit_share = 1").count(), "the sample makes money");
    assertEquals(4, table("whale_curve_summary").where("peak_profit_share >= 1 AND customers > 0").count());
    // customer_value: every customer with a row up to the last period (four periods: none is quiet long enough
    // to have lost its rows, so none is LAPSED), lifetime = the sum over every period.
    assertEquals(pnl.select("customer_id").distinct().count(), table("customer_value").count());
    assertEquals(pnl.where("period = '2024-04'").count(), table("customer_value").where("status <> 'LAPSED'").count());
    assertEquals(0, spark.sql("SELECT v.customer_id FROM profitability.customer_value v "
        + "JOIN profitability.customer_profitability p ON p.customer_id = v.customer_id "
        + "GROUP BY v.customer_id, v.lifetime_net_profit HAVING sum(p.net_profit) <> v.lifetime_net_profit").count());
    // Four periods hold no customer's whole first year: every prospect says so.
    assertEquals(csv("prospects").size(), table("prospect_scores").count());
    assertEquals(csv("prospects").size(),
        table("prospect_scores").where("recommendation = 'INSUFFICIENT_HISTORY'").count());
    // Migrations: exactly the rows whose status differs from the row of the previous period.
    assertEquals(spark.sql("SELECT 1 FROM profitability.customer_profitability a "
            + "JOIN profitability.customer_profitability b ON a.customer_id = b.customer_id "
            + "AND b.period = date_format(add_months(to_date(a.period || '-01'), -1), 'yyyy-MM') "
            + "WHERE a.status <> b.status").count(),
        table("profitability_migration").count());
  }

  /**
   * The rerun is also the run whose tasks fail (Faults): the first attempt of every task that reads partition 0
   * of the transaction lines fails, local[2,3] retries it as a cluster does after a lost executor or a flaky
   * disk, and no row is lost or doubled.
   */
  @Test
  @Order(3)
  void rerunWithFailedTaskAttemptsLeavesIdenticalContents() throws Exception {
    List<String> tables = List.of("customer_profitability", "dim_customer", "dim_period", "quarantine",
        "cost_to_serve", "cost_pool_reconciliation", "referral_attribution", "profitability_migration", "whale_curve",
        "whale_curve_summary", "customer_value", "prospect_scores", "scenario_summary", "scenario_pool_impact",
        "scenario_customer", "customer_lifetime_value", "clv_model");
    Map<String, Dataset<Row>> before = new HashMap<>();
    for (String name : tables) {
      before.put(name, contents(name).localCheckpoint());
    }
    AtomicInteger failedTasks = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (taskEnd.reason() instanceof TaskFailedReason) {
          failedTasks.incrementAndGet();
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    System.setProperty(Faults.FAIL_FIRST_ATTEMPTS, "true");
    ProfitLakeJob.RunResult second;
    try {
      second = new ProfitLakeJob(spark, settings).run(RunOptions.allPeriods());
    } finally {
      System.clearProperty(Faults.FAIL_FIRST_ATTEMPTS);
      // Task-end events arrive on the listener bus thread: let it drain before counting.
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(listener);
    }
    assertTrue(failedTasks.get() > 0, "the fault was injected");
    try {
      for (String name : tables) {
        Dataset<Row> after = contents(name);
        assertSameRows(before.get(name), after, name);
      }
    } finally {
      // The test's own copies: released here, not left to the garbage collector (a later test checks that
      // nothing a run materialised stays in memory).
      before.values().forEach(io.profitlake.lineage.Lineage::release);
    }
    assertEquals(2, table("job_runs").where(col("status").equalTo("SUCCEEDED")).count());
    assertEquals(2, table("job_runs").where(col("run_id").isin(first.runId(), second.runId())).count());
    // Every table the second run changed was last committed under its id (an empty quarantine gets no commit).
    for (String name : tables) {
      if (table(name).count() > 0) {
        String metadata = spark.sql("DESCRIBE HISTORY profitability." + name + " LIMIT 1").first().getAs("userMetadata");
        assertEquals("run_id=" + second.runId(), metadata, name);
      }
    }
    assertEquals(1, table("customer_profitability").select("run_id").distinct().count());
    assertEquals(second.runId(), table("customer_profitability").select("run_id").first().getString(0));
  }

  @Test
  @Order(4)
  void periodRerunReplacesOnlyThatPeriod() {
    // The last period: an earlier --to would read open invoices as of that period (methods.md: their settle
    // date is the last day of the last processed period), so their lateness could differ from the full run.
    Dataset<Row> others = contents("customer_profitability").where(col("period").notEqual("2024-04")).localCheckpoint();
    Dataset<Row> april = contents("customer_profitability").where(col("period").equalTo("2024-04")).localCheckpoint();
    Dataset<Row> lifetimeValue = contents("customer_lifetime_value").localCheckpoint();
    try {
      checkPeriodRerun(others, april);
      // The purchase histories read every line up to the last period, not only the rerun's: the same lifetime value.
      Dataset<Row> again = contents("customer_lifetime_value");
      assertEquals(lifetimeValue.count(), again.count());
      assertEquals(0, lifetimeValue.exceptAll(again).count());
      assertEquals(0, again.exceptAll(lifetimeValue).count());
    } finally {
      // The test's own copies: released here, not left to the garbage collector (a later test checks that
      // nothing a run materialised stays in memory).
      io.profitlake.lineage.Lineage.release(others);
      io.profitlake.lineage.Lineage.release(april);
      io.profitlake.lineage.Lineage.release(lifetimeValue);
    }
  }

  private void checkPeriodRerun(Dataset<Row> others, Dataset<Row> april) {
    ProfitLakeJob.RunResult rerun = new ProfitLakeJob(spark, settings)
        .run(new RunOptions(Optional.of(YearMonth.of(2024, 4)), Optional.of(YearMonth.of(2024, 4))));
    assertEquals(List.of("2024-04"), rerun.periods().names());
    Dataset<Row> all = table("customer_profitability");
    assertEquals(others.count(), all.where(col("period").notEqual("2024-04")).count());
    assertEquals(0, others.exceptAll(contents("customer_profitability").where(col("period").notEqual("2024-04"))).count());
    // April's rows are rewritten by the new run, and equal those of the full run: the quiet rows, t12m
    // figures, runs and statuses continue from the earlier periods' rows in the lakehouse.
    assertEquals(rerun.runId(), all.where(col("period").equalTo("2024-04")).select("run_id").distinct().first().getString(0));
    Dataset<Row> rewritten = contents("customer_profitability").where(col("period").equalTo("2024-04"));
    assertEquals(april.count(), rewritten.count());
    assertEquals(0, april.exceptAll(rewritten).count(), () -> differingColumns(april, rewritten));
    assertEquals(0, rewritten.exceptAll(april).count());
  }

  @Test
  @Order(2)
  void aRerunReachesTheElevenPeriodsAfterItThatTheLakehouseHolds() {
    Optional<YearMonth> held = Optional.of(YearMonth.of(2025, 12));
    // 2024-02..03: their trailing figures reach 2025-02 (03 + 11), before the lakehouse's last period.
    assertEquals(periods("2024-02", "2025-02"), ProfitLakeJob.widened(periods("2024-02", "2024-03"), held));
    // Near the end: to the last period held, not beyond it.
    assertEquals(periods("2025-06", "2025-12"), ProfitLakeJob.widened(periods("2025-06", "2025-06"), held));
    assertEquals(periods("2025-12", "2025-12"), ProfitLakeJob.widened(periods("2025-12", "2025-12"), held));
    // New periods after the lakehouse's, or an empty lakehouse: just the range asked for.
    assertEquals(periods("2026-01", "2026-02"), ProfitLakeJob.widened(periods("2026-01", "2026-02"), held));
    assertEquals(periods("2024-02", "2024-02"), ProfitLakeJob.widened(periods("2024-02", "2024-02"), Optional.empty()));
  }

  private static io.profitlake.profitability.Periods periods(String first, String last) {
    return new io.profitlake.profitability.Periods(YearMonth.parse(first), YearMonth.parse(last));
  }

  /** For a failure message: the columns whose values differ between two versions of the same customers' rows. */
  private static String differingColumns(Dataset<Row> expected, Dataset<Row> actual) {
    List<String> differing = new java.util.ArrayList<>();
    for (String column : expected.columns()) {
      long rows = expected.as("e").join(actual.as("a"), "customer_id")
          .where(col("e." + column).eqNullSafe(col("a." + column)).unary_$bang()).count();
      if (rows > 0) {
        Row sample = expected.as("e").join(actual.as("a"), "customer_id")
            .where(col("e." + column).eqNullSafe(col("a." + column)).unary_$bang())
            .select(col("customer_id"), col("e." + column), col("a." + column)).first();
        differing.add(column + " (" + rows + " rows, e.g. " + sample + ")");
      }
    }
    return "columns that differ: " + differing;
  }

  @Test
  @Order(5)
  void quarantineAboveTheThresholdFailsWithExitFourAfterWritingIt() {
    Settings strict = TestSettings.parse(TestSettings.sourcesIn(workDir.resolve("bad"), lakehouseDir)
        + "profitlake.quarantine.max-rate = 0.01\n");
    JobFailure failure = assertThrows(JobFailure.class, () -> new ProfitLakeJob(spark, strict).run(RunOptions.allPeriods()));
    assertEquals(ExitCode.QUARANTINE_RATE, failure.exitCode());
    // customers: the generator's 5 bad rows among 200 + 5 = 2.439%; sales_reps: 1 bad among 5 + 1
    // (the generator makes max(5, 200 / 100) reps) = 16.6667%.
    assertTrue(failure.getMessage().startsWith("quarantine rate above 1%: customers 5 of 205 rows (2.439%) "
        + "{BAD_ENUM=1, DUPLICATE_KEY=1, INCONSISTENT_DATES=1, MISSING_FIELD=1, NEGATIVE_AMOUNT=1}; "
        + "sales_reps 1 of 6 rows (16.6667%) {OUT_OF_RANGE=1}; "), failure.getMessage());
    assertTrue(failure.getMessage().endsWith(". See table profitability.quarantine for the rows; fix the inputs or "
        + "raise profitlake.quarantine.max-rate"), failure.getMessage());
    Row run = table("job_runs").where(col("status").equalTo("FAILED")).first();
    assertEquals(4, (int) run.getAs("exit_code"));
    assertEquals(failure.getMessage(), run.getAs("message"));
    Dataset<Row> quarantine = table("quarantine");
    assertTrue(quarantine.count() > 0);
    assertEquals(1, quarantine.select("run_id").distinct().count());
    assertEquals((String) run.getAs("run_id"), quarantine.select("run_id").first().getString(0));
    // A failed run releases what it materialised too.
    assertEquals(List.of(), leftInMemory());
  }

  @Test
  @Order(6)
  void noTableHoldsContactNamesOrRawEmails() throws IOException {
    // The lakehouse now holds a clean run and the quarantine of the bad-rows input (customers included).
    List<String> pii = new java.util.ArrayList<>();
    try (Stream<Path> files = Files.list(workDir.resolve("bad").resolve("customers"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".csv")).toList()) {
        List<String> lines = Files.readAllLines(file);
        List<String> header = List.of(lines.get(0).split(",", -1));
        for (String line : lines.subList(1, lines.size())) {
          String[] fields = line.split(",", -1);
          for (String column : List.of("contact_email", "contact_name")) {
            int at = header.indexOf(column);
            if (at < fields.length && fields[at].length() > 3) {
              pii.add(fields[at].trim());
            }
          }
        }
      }
    }
    assertTrue(pii.size() >= 400, "emails and names of 200 customers: " + pii.size());
    List<String> scanned = new java.util.ArrayList<>();
    for (Row t : spark.sql("SHOW TABLES IN profitability").collectAsList()) {
      String name = t.getAs("tableName");
      Dataset<Row> rows = table(name);
      scanned.add(name);
      for (org.apache.spark.sql.types.StructField field : rows.schema().fields()) {
        assertTrue(!List.of("contact_name", "contact_email").contains(field.name()), name + "." + field.name());
      }
      // Every string, however nested (the raw quarantine record is JSON), against every name and email. The
      // tables of 200 customers are small: their rows come back as JSON and are searched here, rather than by
      // a filter of 400 contains() that Spark has to plan and compile for every table.
      List<String> text = rows.select(org.apache.spark.sql.functions.to_json(
          org.apache.spark.sql.functions.struct(col("*")))).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
      for (String row : text) {
        for (String value : pii) {
          assertFalse(row.contains(value), () -> name + " holds the contact name or raw email " + value + ": " + row);
        }
      }
    }
    assertTrue(scanned.containsAll(List.of("quarantine", "dim_customer", "customer_profitability", "v_customer_league")),
        scanned.toString());
    assertTrue(table("quarantine").where(col("source").equalTo("customers")).count() > 0);
    // No pepper in the environment: the keyed hash is withheld rather than an unkeyed, reversible one.
    if (settings.pepper().isEmpty()) {
      assertEquals(0, table("dim_customer").where(col("contact_email_hash").isNotNull()).count());
    }
  }

  @Test
  @Order(7)
  void aViewThatDiffersFromItsDeclarationIsMadeAgainAndOneAsDeclaredIsLeftAlone() {
    for (Views.View view : Views.ALL) {
      assertTrue(Views.isCurrent(spark, "profitability", view), view.name() + " as declared after the runs");
    }
    // Someone (or an older ProfitLake) left another definition under the view's name.
    spark.sql("CREATE OR REPLACE VIEW profitability.v_company_pnl COMMENT 'something else' AS SELECT 1 AS x");
    assertTrue(!Views.isCurrent(spark, "profitability", Views.COMPANY_PNL));
    assertTrue(Views.isCurrent(spark, "profitability", Views.CUSTOMER_LEAGUE), "the others are untouched");
    String sameQueryOtherComment = "CREATE OR REPLACE VIEW profitability.v_cost_to_serve_by_activity COMMENT 'old' AS "
        + Views.COST_TO_SERVE_BY_ACTIVITY.query().replace("%s", "profitability");
    spark.sql(sameQueryOtherComment);
    assertTrue(!Views.isCurrent(spark, "profitability", Views.COST_TO_SERVE_BY_ACTIVITY), "a different comment counts");

    Views.create(spark, "profitability");
    for (Views.View view : Views.ALL) {
      assertTrue(Views.isCurrent(spark, "profitability", view), view.name() + " as declared again");
    }
    // A view keeps the SQL settings it was made under: a run under other settings (ANSI mode here) remakes it.
    String ansi = "spark.sql.ansi.enabled";
    boolean wasSet = spark.sessionState().conf().contains(ansi);
    String value = spark.conf().get(ansi);
    spark.conf().set(ansi, String.valueOf(!Boolean.parseBoolean(value)));
    try {
      assertTrue(!Views.isCurrent(spark, "profitability", Views.CUSTOMER_LEAGUE), "made under other SQL settings");
    } finally {
      if (wasSet) {
        spark.conf().set(ansi, value);
      } else {
        spark.conf().unset(ansi);
      }
    }
    assertTrue(Views.isCurrent(spark, "profitability", Views.CUSTOMER_LEAGUE), "the settings it was made under");
    // The company P&L view answers again, as summed here from the customer P&L itself.
    List<Row> fromView = spark.sql("SELECT period, customers, net_profit FROM profitability.v_company_pnl ORDER BY period")
        .collectAsList();
    List<Row> summed = table("customer_profitability").groupBy("period")
        .agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
            org.apache.spark.sql.functions.sum("net_profit"))
        .orderBy("period").collectAsList();
    assertEquals(summed.size(), fromView.size());
    for (int i = 0; i < summed.size(); i++) {
      assertEquals(summed.get(i).getString(0), fromView.get(i).getString(0));
      assertEquals(summed.get(i).getLong(1), fromView.get(i).getLong(1));
      assertEquals(0, summed.get(i).getDecimal(2).compareTo(fromView.get(i).getDecimal(2)), summed.get(i).getString(0));
    }
  }

  @Test
  @Order(8)
  void aSessionThatDoesNotKnowTheTablesFindsThemByPathAndCommitsNothing() {
    List<TableSpec> declared = Tables.all(CostToServe.activityColumns(settings.costModel()));
    Map<String, Long> versions = new HashMap<>();
    Map<String, Long> rows = new HashMap<>();
    for (TableSpec t : declared) {
      versions.put(t.name(), spark.sql("DESCRIBE HISTORY profitability." + t.name() + " LIMIT 1").first().getAs("version"));
      rows.put(t.name(), table(t.name()).count());
    }
    Lakehouse lakehouse = new Lakehouse(spark, settings.lakehouse());
    // A run's way (ensureTables), then serve's (registerExisting, which creates nothing).
    for (boolean run : List.of(true, false)) {
      forgetTables(declared);
      if (run) {
        lakehouse.ensureTables(declared);
      } else {
        assertEquals(List.of(), lakehouse.registerExisting(declared));
      }
      for (TableSpec t : declared) {
        String name = "profitability." + t.name();
        assertEquals(versions.get(t.name()), (Long) spark.sql("DESCRIBE HISTORY " + name + " LIMIT 1").first()
            .getAs("version"), t.name() + ": registering commits nothing");
        assertEquals(rows.get(t.name()), table(t.name()).count(), t.name());
        // The declaration's comments come back from the table's own log.
        String comment = spark.sql("DESCRIBE TABLE EXTENDED " + name).where(col("col_name").equalTo("Comment"))
            .first().getString(1);
        assertEquals(t.comment(), comment, t.name());
        for (ColumnSpec column : t.columns()) {
          assertEquals(column.comment(), table(t.name()).schema().apply(column.name()).getComment().get(),
              name + "." + column.name());
        }
      }
    }
  }

  /** Drops the tables and views from the session catalog, as a new session would not know them; files stay. */
  private static void forgetTables(List<TableSpec> declared) {
    for (Views.View view : Views.ALL) {
      spark.sql("DROP VIEW IF EXISTS profitability." + view.name());
    }
    for (TableSpec t : declared) {
      spark.sql("DROP TABLE profitability." + t.name());
      assertTrue(!spark.catalog().tableExists("profitability." + t.name()));
      assertTrue(Files.isDirectory(lakehouseDir.resolve("warehouse/profitability.db").resolve(t.name()).resolve("_delta_log")),
          t.name() + " keeps its files");
    }
  }

  /** Every data row of a generated CSV source, by header name (the generator writes no quoted commas). */
  private static List<Map<String, String>> csv(String source) throws IOException {
    List<Map<String, String>> rows = new java.util.ArrayList<>();
    try (Stream<Path> files = Files.list(workDir.resolve("in").resolve(source))) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".csv")).sorted().toList()) {
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",", -1);
        for (String line : lines.subList(1, lines.size())) {
          String[] fields = line.split(",", -1);
          Map<String, String> row = new HashMap<>();
          for (int i = 0; i < header.length; i++) {
            row.put(header[i], fields[i]);
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }
}
