package io.profitlake.job;

import static io.profitlake.support.FrameAssertions.assertSameRows;
import static io.profitlake.support.FrameAssertions.withoutRunColumns;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import io.profitlake.config.Settings;
import io.profitlake.failure.ExitCode;
import io.profitlake.failure.JobFailure;
import io.profitlake.sample.GeneratorOptions;
import io.profitlake.sample.SampleGenerator;
import io.profitlake.support.CatalogTestBase;
import io.profitlake.support.TestSettings;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults injected into whole runs (issue 6): the bad-rows corpus, a pool amount that changes under the
 * run, late data, dead runs, conflicting commits. Failing tasks are injected into the rerun of
 * {@link ProfitLakeJobTest}, which proves a rerun leaves identical contents: the same run proves both.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityTest extends CatalogTestBase {
  /** Every table the run writes except job_runs (a log) and the quarantine (checked on its own). */
  private static final List<String> TABLES = List.of("customer_profitability", "dim_customer", "dim_period",
      "cost_to_serve", "cost_pool_reconciliation", "referral_attribution", "profitability_migration", "whale_curve",
      "whale_curve_summary", "customer_value", "prospect_scores");
  private static final List<String> PERIOD_KEYED = List.of("customer_profitability", "dim_period", "cost_to_serve",
      "cost_pool_reconciliation", "referral_attribution", "profitability_migration", "whale_curve",
      "whale_curve_summary");

  private static Settings clean;
  private static final Map<String, Dataset<Row>> cleanContents = new HashMap<>();

  @BeforeAll
  static void generate() throws Exception {
    clean = TestSettings.parse(TestSettings.sourcesIn(workDir.resolve("in"), lakehouseDir));
    // The same seed twice: the bad-rows input is the clean one plus the injected rows.
    new SampleGenerator(spark, new GeneratorOptions(150, 4, 5, YearMonth.of(2024, 1), "csv", false, 0.5),
        clean.costModel()).writeTo(workDir.resolve("in").toString());
    new SampleGenerator(spark, new GeneratorOptions(150, 4, 5, YearMonth.of(2024, 1), "csv", true, 0.5),
        clean.costModel()).writeTo(workDir.resolve("bad").toString());
  }

  @AfterAll
  static void clearFaultsAndCopies() {
    System.clearProperty(Faults.POOL_AMOUNT_DRIFT);
    cleanContents.values().forEach(io.profitlake.lineage.Lineage::release);
  }

  /** A table's contents without the columns that name the run or its time. */
  private static Dataset<Row> contents(String database, String table) {
    return withoutRunColumns(spark.table(database + "." + table));
  }

  @Test
  @Order(1)
  void cleanRun() {
    new ProfitLakeJob(spark, clean).run(RunOptions.allPeriods());
    for (String table : TABLES) {
      cleanContents.put(table, contents("profitability", table).localCheckpoint());
    }
    assertTrue(cleanContents.get("customer_profitability").count() > 0);
  }

  @Test
  @Order(2)
  void badRowsCorpusIsQuarantinedExactlyAndLeavesTheCleanResults() throws Exception {
    Settings bad = TestSettings.parse(TestSettings.sourcesIn(workDir.resolve("bad"), workDir.resolve("lakehouse"))
        + "profitlake.lakehouse.database = bad_input\nprofitlake.quarantine.max-rate = 1\n");
    ProfitLakeJob.RunResult run = new ProfitLakeJob(spark, bad).run(RunOptions.allPeriods());

    Map<String, Map<String, Long>> manifest = new ObjectMapper().readValue(
        workDir.resolve("bad").resolve("bad-rows-manifest.json").toFile(),
        new TypeReference<Map<String, Map<String, Long>>>() {});
    Map<String, Map<String, Long>> quarantined = new TreeMap<>();
    for (Row row : spark.table("bad_input.quarantine").groupBy("source", "reason_code").count().collectAsList()) {
      quarantined.computeIfAbsent(row.getString(0), s -> new TreeMap<>()).put(row.getString(1), row.getLong(2));
    }
    assertEquals(new TreeMap<>(manifest), quarantined);
    assertTrue(manifest.size() >= 10, "the corpus covers every source: " + manifest.keySet());

    // read = accepted + quarantined for every source, and the accepted rows are exactly the clean input's.
    Row badRun = spark.table("bad_input.job_runs").where(col("run_id").equalTo(run.runId())).first();
    Row cleanRun = spark.table("profitability.job_runs").where(col("status").equalTo("SUCCEEDED")).first();
    Map<String, Long> cleanRead = new HashMap<>();
    for (Row count : cleanRun.<Row>getList(cleanRun.fieldIndex("source_counts"))) {
      cleanRead.put(count.getAs("source"), count.getAs("rows_read"));
    }
    for (Row count : badRun.<Row>getList(badRun.fieldIndex("source_counts"))) {
      String source = count.getAs("source");
      long read = count.getAs("rows_read");
      long accepted = count.getAs("rows_accepted");
      long quarantinedRows = count.getAs("rows_quarantined");
      assertEquals(read, accepted + quarantinedRows, source);
      assertEquals(cleanRead.get(source), accepted, source);
      long injected = manifest.getOrDefault(source, Map.of()).values().stream().mapToLong(Long::longValue).sum();
      assertEquals(injected, quarantinedRows, source);
    }
    for (String table : TABLES) {
      assertSameRows(cleanContents.get(table), contents("bad_input", table), table);
    }
  }

  @Test
  @Order(4)
  void poolAmountChangedUnderTheRunFailsWithExitFiveAndWritesNothing() {
    Map<String, Long> versions = versions("profitability");
    String pool = clean.costModel().pools().keySet().iterator().next();
    System.setProperty(Faults.POOL_AMOUNT_DRIFT, pool);
    JobFailure failure;
    try {
      failure = assertThrows(JobFailure.class, () -> new ProfitLakeJob(spark, clean).run(RunOptions.allPeriods()));
    } finally {
      System.clearProperty(Faults.POOL_AMOUNT_DRIFT);
    }
    assertEquals(ExitCode.RECONCILIATION, failure.exitCode());
    // Every period of that pool: allocated from the source amount + 0.01.
    assertTrue(failure.getMessage().startsWith("cost pools do not reconcile: pool " + pool + " in 2024-01 was "
        + "allocated from "), failure.getMessage());
    assertTrue(failure.getMessage().contains("pool " + pool + " in 2024-04"), failure.getMessage());
    assertTrue(failure.getMessage().endsWith("Nothing was written; the tables keep their previous versions"));
    assertEquals(versions, versions("profitability"), "no table but job_runs got a new version");
    Row failed = spark.table("profitability.job_runs").where(col("status").equalTo("FAILED")).first();
    assertEquals(5, (int) failed.getAs("exit_code"));
    for (String table : TABLES) {
      assertSameRows(cleanContents.get(table), contents("profitability", table), table);
    }
  }

  @Test
  @Order(5)
  void lateDataRerunRefreshesEveryPeriodItReachesAndEqualsAFullRun() throws Exception {
    // Fourteen months of their own, so that the rerun's reach (the late period + 11) ends before the last one.
    Path in = workDir.resolve("late-in");
    Settings late = TestSettings.parse(TestSettings.sourcesIn(in, workDir.resolve("late-lakehouse"))
        + "profitlake.lakehouse.database = late_data\n");
    new SampleGenerator(spark, new GeneratorOptions(40, 14, 7, YearMonth.of(2024, 1), "csv", false, 0.5),
        late.costModel()).writeTo(in.toString());
    new ProfitLakeJob(spark, late).run(RunOptions.allPeriods());
    Map<String, Dataset<Row>> before = new HashMap<>();
    for (String table : PERIOD_KEYED) {
      before.put(table, contents("late_data", table).localCheckpoint());
    }
    // A late SALE line for a customer who bought in February 2024: a copy of one of its lines with a new id,
    // 1000.00 net at a cost of 400.00, in the base currency.
    Path transactions = in.resolve("transactions");
    Map<String, String> copied = null;
    String[] header = null;
    try (Stream<Path> files = Files.list(transactions)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        header = lines.get(0).split(",", -1);
        for (String line : lines.subList(1, lines.size())) {
          Map<String, String> row = row(header, line);
          if (copied == null && row.get("transaction_ts").startsWith("2024-02") && row.get("currency").equals("USD")
              && row.get("transaction_type").equals("SALE")) {
            copied = row;
          }
        }
      }
    }
    assertTrue(copied != null, "a February USD sale to copy");
    String customer = copied.get("customer_id");
    copied.putAll(Map.of("transaction_id", "LATE-1", "order_id", "LATE-O1", "quantity", "1", "unit_price", "1000",
        "discount_amount", "0.00", "net_amount", "1000.00", "cost_amount", "400.00"));
    List<String> fields = new ArrayList<>();
    for (String column : header) {
      fields.add(copied.get(column));
    }
    Files.writeString(transactions.resolve("zz-late.csv"), String.join(",", header) + "\n" + String.join(",", fields)
        + "\n", StandardCharsets.UTF_8);

    ProfitLakeJob.RunResult rerun = new ProfitLakeJob(spark, late).run(new RunOptions(Optional.of(YearMonth.of(2024, 2)),
        Optional.of(YearMonth.of(2024, 2))));

    // 2024-02 and the 11 periods whose trailing figures include it; 2024-01 and 2025-02 keep their rows.
    assertEquals(new io.profitlake.profitability.Periods(YearMonth.of(2024, 2), YearMonth.of(2025, 1)), rerun.periods());
    Row logged = spark.table("late_data.job_runs").where(col("run_id").equalTo(rerun.runId())).first();
    assertEquals(List.of("2024-02"), logged.getList(logged.fieldIndex("periods_requested")));
    assertEquals(rerun.periods().names(), logged.getList(logged.fieldIndex("periods")));
    for (String table : PERIOD_KEYED) {
      Dataset<Row> now = contents("late_data", table);
      assertSameRows(before.get(table).where(col("period").isin("2024-01", "2025-02")),
          now.where(col("period").isin("2024-01", "2025-02")), table + " outside the rerun");
    }
    Row old = before.get("customer_profitability")
        .where(col("period").equalTo("2024-02").and(col("customer_id").equalTo(customer))).first();
    Row changed = contents("late_data", "customer_profitability")
        .where(col("period").equalTo("2024-02").and(col("customer_id").equalTo(customer))).first();
    assertEquals(old.<BigDecimal>getAs("net_revenue").add(new BigDecimal("1000.00")), changed.getAs("net_revenue"));
    assertEquals(old.<BigDecimal>getAs("cogs").add(new BigDecimal("400.00")), changed.getAs("cogs"));
    // The late margin of 600.00 (less what it moves in cost to serve) is in every t12m sum through 2025-01.
    Row january = contents("late_data", "customer_profitability")
        .where(col("period").equalTo("2025-01").and(col("customer_id").equalTo(customer))).first();
    Row januaryBefore = before.get("customer_profitability")
        .where(col("period").equalTo("2025-01").and(col("customer_id").equalTo(customer))).first();
    assertEquals(januaryBefore.<BigDecimal>getAs("t12m_net_revenue").add(new BigDecimal("1000.00")),
        january.getAs("t12m_net_revenue"));

    // A full run on the corrected inputs, in a lakehouse of its own, writes the same contents in every table.
    Settings full = TestSettings.parse(TestSettings.sourcesIn(in, workDir.resolve("corrected-lakehouse"))
        + "profitlake.lakehouse.database = corrected\n");
    new ProfitLakeJob(spark, full).run(RunOptions.allPeriods());
    List<String> tables = spark.catalog().listTables("corrected").collectAsList().stream()
        .filter(t -> !t.tableType().equals("VIEW")).map(org.apache.spark.sql.catalog.Table::name)
        .filter(name -> !name.equals("job_runs")).sorted().toList();
    assertTrue(tables.size() >= 17, "every table the run writes: " + tables);
    for (String table : tables) {
      assertSameRows(contents("corrected", table), contents("late_data", table), table);
    }
  }

  @Test
  @Order(6)
  void aDatabaseTheCatalogPlacesOutsideTheLakehouseIsRefused() throws Exception {
    Path outside = Files.createTempDirectory("profitlake-outside");
    spark.sql("CREATE DATABASE elsewhere LOCATION '" + outside.toUri() + "'");
    Settings settings = TestSettings.parse(TestSettings.sourcesIn(workDir.resolve("in"), lakehouseDir)
        + "profitlake.lakehouse.database = elsewhere\n");
    io.profitlake.config.ConfigurationError error = assertThrows(io.profitlake.config.ConfigurationError.class,
        () -> new ProfitLakeJob(spark, settings).run(RunOptions.allPeriods()));
    assertTrue(error.getMessage().startsWith("database elsewhere is located at file:" + outside + ", outside the "
        + "lakehouse root " + lakehouseDir + " (profitlake.lakehouse.path)"), error.getMessage());
    try (Stream<Path> written = Files.list(outside)) {
      assertEquals(0, written.count(), "nothing written outside the root");
    }
  }

  @Test
  @Order(7)
  void aDeadRunIsMarkedAbandonedByALaterRunAndALiveOneIsNot() throws Exception {
    Settings ghosts = ownLakehouse("ghosts", "profitlake.job-runs { heartbeat-every = 1s, abandoned-after = 1h }\n");
    io.profitlake.lakehouse.Lakehouse lakehouse = emptyLakehouse(ghosts);
    java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Path heartbeats = Path.of(JobRunLog.heartbeats(ghosts).toUri().getPath());

    // A live run, started two hours ago: its heartbeat is rewritten every second while it runs.
    JobRunLog alive = new JobRunLog(spark, lakehouse, ghosts, "alive", now.minus(java.time.Duration.ofHours(2)));
    alive.started();
    String firstBeat = Files.readString(heartbeats.resolve("alive"));
    Thread.sleep(2_500);
    String laterBeat = Files.readString(heartbeats.resolve("alive"));
    assertTrue(java.time.Instant.parse(laterBeat).isAfter(java.time.Instant.parse(firstBeat)), firstBeat + " " + laterBeat);
    // A run that just started and has no heartbeat (yet, or any more); one that died two hours ago: its heartbeat
    // stopped and is gone.
    JobRunLog young = new JobRunLog(spark, lakehouse, ghosts, "young", java.time.Instant.now());
    young.started();
    young.close();
    JobRunLog dead = new JobRunLog(spark, lakehouse, ghosts, "dead", now.minus(java.time.Duration.ofHours(2)));
    dead.started();
    dead.close();
    assertTrue(Files.notExists(heartbeats.resolve("dead")));

    JobRunLog later = new JobRunLog(spark, lakehouse, ghosts, "later", java.time.Instant.now());
    later.started();
    later.succeeded();
    alive.succeeded();
    assertTrue(Files.notExists(heartbeats.resolve("alive")), "a finished run's heartbeat is removed");

    Map<String, String> status = new TreeMap<>();
    for (Row run : spark.table("ghosts.job_runs").collectAsList()) {
      status.put(run.getAs("run_id"), run.getAs("status"));
    }
    assertEquals(Map.of("alive", "SUCCEEDED", "dead", "ABANDONED", "young", "RUNNING", "later", "SUCCEEDED"), status);
    Row abandoned = spark.table("ghosts.job_runs").where(col("run_id").equalTo("dead")).first();
    String message = abandoned.getAs("message");
    assertTrue(message.startsWith("no heartbeat since " + now.minus(java.time.Duration.ofHours(2))
        + ", more than 3600 s before run later started (profitlake.job-runs.abandoned-after): its process died"),
        message);
    assertTrue(abandoned.isNullAt(abandoned.fieldIndex("finished_at")));
  }

  private static final java.util.concurrent.CountDownLatch WRITING = new java.util.concurrent.CountDownLatch(1);
  private static final java.util.concurrent.CountDownLatch OTHER_COMMITTED = new java.util.concurrent.CountDownLatch(1);
  private static final AtomicInteger EVALUATIONS = new AtomicInteger();

  @Test
  @Order(8)
  void aCommitThatConflictsWithAnotherSessionsIsMadeAgainAndLandsItsRows() throws Exception {
    Settings settings = ownLakehouse("conflicts", "");
    io.profitlake.lakehouse.Lakehouse lakehouse = emptyLakehouse(settings);
    lakehouse.tagCommits("conflict-test");
    // The clean run's prospect scores (a snapshot table), with this run's id stamped on them.
    Dataset<Row> ours = spark.table("profitability.prospect_scores").coalesce(1).localCheckpoint();
    lakehouse.write(io.profitlake.lakehouse.Tables.PROSPECT_SCORES, ours.limit(3), List.of());

    // The write's one task, the first time it runs, waits (inside this write's Delta transaction: its snapshot is
    // read, its files not yet committed) until another session has committed a row to the same table.
    Dataset<Row> waiting = ours.mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) rows -> {
      if (EVALUATIONS.incrementAndGet() == 1) {
        WRITING.countDown();
        assertTrue(OTHER_COMMITTED.await(2, java.util.concurrent.TimeUnit.MINUTES), "the other session committed");
      }
      return rows;
    }, org.apache.spark.sql.Encoders.row(ours.schema()));
    org.apache.spark.sql.SparkSession other = spark.newSession();
    Thread otherWriter = new Thread(() -> {
      try {
        assertTrue(WRITING.await(2, java.util.concurrent.TimeUnit.MINUTES));
        other.table("profitability.prospect_scores").limit(1)
            .withColumn("prospect_id", org.apache.spark.sql.functions.lit("OTHER-SESSION"))
            .writeTo("conflicts.prospect_scores").append();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        OTHER_COMMITTED.countDown();
      }
    });
    otherWriter.start();
    io.profitlake.lakehouse.Lakehouse.WriteResult result =
        lakehouse.write(io.profitlake.lakehouse.Tables.PROSPECT_SCORES, waiting, List.of());
    otherWriter.join();

    // The first attempt conflicted (Delta rejected it whole) and the second landed: the table holds exactly this
    // write's rows, the other session's row replaced as a snapshot replaces everything.
    assertEquals(2, EVALUATIONS.get(), "one attempt rejected, one made again");
    assertSameRows(withoutRunColumns(ours), contents("conflicts", "prospect_scores"), "prospect_scores");
    List<Row> history = DeltaTable.forName(spark, "conflicts.prospect_scores").history(2)
        .select("version", "operation", "userMetadata").collectAsList();
    assertEquals(result.version(), history.get(0).getLong(0));
    assertEquals("run_id=conflict-test", history.get(0).getString(2), "the newest commit is this write's");
    assertTrue(history.get(1).isNullAt(2), "the one before it is the other session's: " + history.get(1));
    assertEquals(ours.count(), result.rowsWritten());
  }

  /** The clean inputs, into a lakehouse and database of their own named {@code name}. */
  private static Settings ownLakehouse(String name, String extra) {
    return TestSettings.parse(TestSettings.sourcesIn(workDir.resolve("in"), workDir.resolve(name))
        + "profitlake.lakehouse.database = " + name + "\n" + extra);
  }

  /** The settings' lakehouse with every table declared and none written. */
  private static io.profitlake.lakehouse.Lakehouse emptyLakehouse(Settings settings) {
    io.profitlake.lakehouse.Lakehouse lakehouse = new io.profitlake.lakehouse.Lakehouse(spark, settings.lakehouse());
    lakehouse.ensureTables(io.profitlake.lakehouse.Tables.all(
        io.profitlake.costing.CostToServe.activityColumns(settings.costModel())));
    return lakehouse;
  }

  private static Map<String, String> row(String[] header, String line) {
    String[] values = line.split(",", -1);
    Map<String, String> row = new HashMap<>();
    for (int i = 0; i < header.length; i++) {
      row.put(header[i], values[i]);
    }
    return row;
  }

  /** The current Delta version of every output table but job_runs. */
  private static Map<String, Long> versions(String database) {
    Map<String, Long> versions = new TreeMap<>();
    for (String table : TABLES) {
      versions.put(table, DeltaTable.forName(spark, database + "." + table).history(1).first().getAs("version"));
    }
    versions.put("quarantine", DeltaTable.forName(spark, database + ".quarantine").history(1).first().getAs("version"));
    return versions;
  }
}
