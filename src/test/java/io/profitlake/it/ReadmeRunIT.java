package io.profitlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, as a newcomer runs it: `bin/profitlake run` with no arguments, in a
 * folder holding only the project's conf/. It must generate the sample, build the lakehouse and
 * leave nothing else behind (no metastore_db, derby.log or spark-warehouse in the working folder).
 * Then the other README commands (validate, whatif, report), the report's numbers against the tables, the
 * report in a browser, the tables through readers that are not Spark, and every notebook, all on the
 * lakehouse it made.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadmeRunIT {

  /** The README run's folder: the notebooks then read its lakehouse. */
  @TempDir
  static Path sampleRun;

  private static Launch.Result launch(Path cwd, String... args) throws Exception {
    return Launch.run(cwd, Launch.profitlake(args), 10);
  }

  @Test
  @Order(1)
  void defaultRunFromACleanFolder() throws Exception {
    Path cwd = sampleRun;
    copyConf(cwd);
    Launch.Result run = launch(cwd, "run");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("succeeded: periods 2024-01..2025-12"), run.output());
    // No PROFITLAKE_PEPPER in this environment: the run says that the email hash stays null.
    assertTrue(run.output().contains("PROFITLAKE_PEPPER is not set: contact_email_hash will be null in every output"),
        run.output());
    assertTrue(run.output().matches("(?s).*customer_profitability\\s+[0-9,]+ rows written.*"), run.output());
    // Quiet, readable logs. The console shows the progress: where the details go, the sources, the periods, each
    // stage, and the answer; the log file has the details: the effective configuration one setting per line. In
    // neither an ERROR, a stack trace, or one of the known harmless warnings that log4j2.properties explains.
    Path logFile = cwd.resolve("logs/profitlake.log");
    assertTrue(run.output().contains("progress: details (configuration, tables written, Spark's warnings) in "
        + logFile.toRealPath() + "; --verbose prints them here too"), run.output());
    assertTrue(run.output().contains("ProfitLakeJob: source transactions: read "), run.output());
    assertTrue(run.output().contains("PhaseClock: stage: write tables"), run.output());
    assertFalse(run.output().contains("effective configuration"), run.output());
    assertFalse(run.output().contains("Lakehouse: wrote "), run.output());
    // About 40 lines of progress and 18 of the answer; the 100-line configuration and the per-table lines are gone.
    assertTrue(run.output().lines().count() < 80, "console lines: " + run.output().lines().count());
    String details = Files.readString(logFile);
    assertTrue(details.contains("\nprofitlake.lakehouse.path = \"lakehouse\"\n"), details);
    assertTrue(details.contains("\nprofitlake.pepper = (not set)\n"), details);
    assertTrue(details.contains(" INFO  Lakehouse: wrote profitability.customer_profitability: version "), details);
    for (String noise : List.of(" ERROR ", "\tat ", "resolves to a loopback address", "Truncated the string representation",
        "was locally checkpointed")) {
      assertFalse(run.output().contains(noise), noise + " in: " + run.output());
      assertFalse(details.contains(noise), noise + " in the log file: " + details);
    }
    Path tables = cwd.resolve("lakehouse/warehouse/profitability.db");
    for (String table : List.of("customer_profitability", "dim_customer", "dim_period", "job_runs", "quarantine",
        "cost_to_serve", "cost_pool_reconciliation", "referral_attribution", "profitability_migration", "whale_curve",
        "whale_curve_summary", "customer_value", "prospect_scores", "scenario_summary", "scenario_pool_impact",
        "scenario_customer", "customer_lifetime_value", "clv_model")) {
      assertTrue(Files.isDirectory(tables.resolve(table).resolve("_delta_log")), table);
    }
    assertTrue(Files.isDirectory(cwd.resolve("data/sample/transactions")));
    for (String leftover : List.of("metastore_db", "derby.log", "spark-warehouse")) {
      assertFalse(Files.exists(cwd.resolve(leftover)), leftover + " left in the working folder");
    }

    // validate reads the same inputs and writes nothing.
    Launch.Result validate = launch(cwd, "validate");
    assertEquals(0, validate.exitCode(), validate.output());
    assertTrue(validate.output().matches("(?s).*transactions\\s+\\d+\\s+\\d+\\s+0.*"), validate.output());

    // whatif evaluates the example scenarios against the lakehouse as it stands and prints the summary: the
    // baseline changes nothing, and every scenario of conf/scenarios.conf has its line.
    Launch.Result whatIf = launch(cwd, "whatif", "--scenarios", "conf/scenarios.conf");
    assertEquals(0, whatIf.exitCode(), whatIf.output());
    assertTrue(whatIf.output().matches("(?s).*\\nbaseline\\s+[0-9,]+\\s+0\\s+.*\\s0\\.00\\n.*"), whatIf.output());
    for (String scenario : List.of("exit_review_relationship", "exit_review_and_cut_support", "reprice_aggressive")) {
      assertTrue(whatIf.output().contains("\n" + scenario + " "), scenario + ": " + whatIf.output());
    }

    // report draws the last period, scenarios included, into one HTML file under report/.
    Launch.Result report = launch(cwd, "report");
    assertEquals(0, report.exitCode(), report.output());
    assertTrue(report.output().matches("(?s).*report of 2025-12 written to report/profitlake-report-2025-12\\.html "
        + "\\(10 figures, [0-9,]+ bytes\\).*"), report.output());
    Launch.Result noSuchPeriod = launch(cwd, "report", "--period", "2031-01");
    assertEquals(2, noSuchPeriod.exitCode(), noSuchPeriod.output());
    assertTrue(noSuchPeriod.output().contains("profitlake: configuration error: --period 2031-01 has no rows in "
        + "customer_profitability; the lakehouse holds 2024-01..2025-12"), noSuchPeriod.output());
  }

  /** Each figure of the report shows what the tables hold, worked out again from their rows (ReportChecks). */
  @Test
  @Order(2)
  void reportShowsTheTablesNumbers() throws Exception {
    Path file = sampleRun.resolve("report/profitlake-report-2025-12.html");
    Assumptions.assumeTrue(Files.isRegularFile(file), "the README run made no report");
    ReportChecks checks = new ReportChecks(Reader.spark(), tables(), file, "2025-12");
    checks.everyFigureDecodesAndIsExplained(List.of("whale-curve", "profit-by-decile", "cost-by-activity",
        "unused-capacity", "segments", "migrations", "actions", "referral-value", "prospects", "scenarios"));
    checks.whalePeakIsTheCustomersOwn();
    checks.decilesAreTenthsOfTheRanking();
    checks.costToServeAddsUp();
    checks.segmentsAndTheirMedians();
    checks.migrationsAreStatusChanges();
    checks.actionsAndTheBestAndWorstCustomers();
    checks.referralValueFromTheAttributions();
    checks.prospectsByRecommendation();
    checks.scenariosAsSummarised();
  }

  /**
   * The report in a real browser (Debian's Chromium, driven by Playwright from the project's Python
   * environment): every image decodes, no console or page error, no request beyond the file itself.
   */
  @Test
  @Order(3)
  void reportOpensInAHeadlessBrowser() throws Exception {
    Path file = sampleRun.resolve("report/profitlake-report-2025-12.html");
    Assumptions.assumeTrue(Files.isRegularFile(file), "the README run made no report");
    String chromium = chromium();
    Launch.Result opened = Launch.run(Path.of("").toAbsolutePath(), List.of(python(),
        Path.of("src/test/python/open_report.py").toAbsolutePath().toString(), file.toString(), chromium), 5);
    assertEquals(0, opened.exitCode(), opened.output());
    assertTrue(opened.output().contains("\"images\": 10, \"broken_images\": []"), opened.output());
  }

  /**
   * Every table read by two readers that are not Spark (delta-rs and DuckDB's Delta extension) has Spark's row
   * count and money totals, and keeps the Delta protocol those readers support: reader version 1, writer
   * version 2, no table features (README, "Query the tables without Spark").
   */
  @Test
  @Order(4)
  void openReadersSeeWhatSparkSees() throws Exception {
    Path tables = tables();
    Assumptions.assumeTrue(Files.isDirectory(tables), "the README run made no lakehouse");
    Launch.Result read = Launch.run(Path.of("").toAbsolutePath(), List.of(python(),
        Path.of("src/test/python/open_readers.py").toAbsolutePath().toString(),
        sampleRun.resolve("lakehouse").toString()), 5);
    assertEquals(0, read.exitCode(), read.output());
    JsonNode readers = new ObjectMapper().readTree(read.lastLine());
    List<String> names;
    try (java.util.stream.Stream<Path> listed = Files.list(tables)) {
      names = listed.map(t -> t.getFileName().toString()).sorted().toList();
    }
    assertEquals(18, names.size(), names.toString());
    for (String name : names) {
      JsonNode table = readers.get(name);
      assertNotNull(table, name + " not read");
      JsonNode protocol = table.get("protocol");
      assertEquals(1, protocol.get("min_reader_version").asInt(), name);
      assertEquals(2, protocol.get("min_writer_version").asInt(), name);
      assertEquals(0, protocol.get("reader_features").size(), name);
      assertEquals(0, protocol.get("writer_features").size(), name);
      Dataset<Row> rows = Reader.spark().read().format("delta").load(tables.resolve(name).toString());
      List<String> money = java.util.Arrays.stream(rows.schema().fields())
          .filter(f -> f.dataType().equals(DataTypes.createDecimalType(18, 2))).map(StructField::name).toList();
      List<Column> aggregates = new java.util.ArrayList<>(List.of(functions.count(functions.lit(1))));
      money.forEach(column -> aggregates.add(functions.sum(functions.col(column))));
      Row spark = rows.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).first();
      for (String reader : List.of("deltalake", "duckdb")) {
        JsonNode seen = table.get(reader);
        assertEquals(spark.getLong(0), seen.get("rows").asLong(), name + " rows, " + reader);
        assertEquals(money.size(), seen.get("money").size(), name + " money columns, " + reader);
        for (int i = 0; i < money.size(); i++) {
          java.math.BigDecimal total = spark.getDecimal(i + 1);
          JsonNode other = seen.get("money").get(money.get(i));
          String where = name + "." + money.get(i) + ", " + reader;
          if (total == null) {
            assertTrue(other.isNull(), where);
          } else {
            assertEquals(0, total.compareTo(new java.math.BigDecimal(other.asText())), where + ": " + other);
          }
        }
      }
    }
  }

  /**
   * Every notebook, executed headlessly against the README run's lakehouse (its own Python environment
   * under target/, from notebooks/requirements.txt); a cell error or a failed check in a notebook fails
   * the build. The executed notebooks and their plots stay in target/notebooks for a reviewer.
   */
  @Test
  @Order(5)
  void everyNotebookRunsOnTheSampleLakehouse() throws Exception {
    Path lakehouse = sampleRun.resolve("lakehouse");
    Assumptions.assumeTrue(Files.isDirectory(lakehouse.resolve("warehouse")), "the README run made no lakehouse");
    Path out = Path.of("target", "notebooks").toAbsolutePath();
    Launch.Result notebooks = Launch.run(Path.of("").toAbsolutePath(),
        List.of(new File("notebooks/execute.sh").getAbsolutePath(), lakehouse.toString(), out.toString()), 30);
    assertEquals(0, notebooks.exitCode(), notebooks.output());
    for (String notebook : List.of("01_profitability_overview", "02_cost_to_serve", "03_referral_value",
        "04_prospects_and_migration", "05_keep_or_exit", "06_lifetime_value")) {
      String executed = Files.readString(out.resolve(notebook + ".ipynb"), StandardCharsets.UTF_8);
      // The printed output as the executed notebook stores it ("...\n" in a stream output); the source
      // line print("all checks passed") is stored as ...passed\") and does not match.
      assertTrue(executed.contains("all checks passed\\n\""), notebook + " did not reach the end of its checks");
    }
    for (String plot : List.of("whale_curve.png", "company_pnl.png", "cost_to_serve_by_activity.png",
        "unused_capacity.png", "shapiro_quadrants.png", "referral_value_by_level.png", "prospect_scores.png",
        "unprofitable_drivers.png", "scenario_profit_change.png", "scenario_pool_utilisation.png",
        "clv_cdnow_holdout.png", "clv_against_t12m_net_profit.png")) {
      assertTrue(Files.size(out.resolve(plot)) > 1000, plot);
    }
  }

  @Test
  @Order(6)
  void inputContractErrorIsOneLineAndExitThree(@TempDir Path cwd) throws Exception {
    copyConf(cwd);
    Files.writeString(cwd.resolve("broken.conf"), "include \"conf/application.conf\"\n"
        + "profitlake.sample.generate-if-missing = false\n"
        + "profitlake.sources.transactions.path = \"no/such/folder\"\n");
    Launch.Result run = launch(cwd, "run", "--config", "broken.conf");
    assertEquals(3, run.exitCode(), run.output());
    // Customers are read first (the other sources refer to them), and there is no sample yet.
    assertTrue(run.output().contains("profitlake: source customers: data/sample/customers does not exist "
        + "(set profitlake.sources.customers.path to a file or folder)"), run.output());
    assertFalse(run.output().contains("\tat "), "no stack trace without --verbose: " + run.output());
    // The one-line message is not buried: before it, six lines of progress (the pointer to the log file, the pepper
    // warning, the run starting, two stages, the source being read), as a person at the terminal follows it.
    List<String> before = run.output().lines().takeWhile(line -> !line.startsWith("profitlake: source customers"))
        .filter(line -> !line.startsWith("WARNING: Using incubator modules")).toList();
    assertTrue(before.size() <= 6, "lines before the failure: " + before);
    assertTrue(before.get(before.size() - 1).endsWith("INFO  Sources: reading source customers (csv at "
        + "data/sample/customers)"), "lines before the failure: " + before);

    // A report needs a lakehouse with a run in it. The failed run above made the tables and wrote no P&L; a
    // folder where nothing ran has no database at all. Each says so and how to make one.
    Launch.Result report = launch(cwd, "report");
    assertEquals(2, report.exitCode(), report.output());
    assertTrue(report.output().contains("profitlake: configuration error: customer_profitability in lakehouse is "
        + "empty: run `profitlake run` first"), report.output());
    assertFalse(report.output().contains("\tat "), report.output());
    Path nothingRan = Files.createDirectories(cwd.resolve("nothing-ran"));
    copyConf(nothingRan);
    Launch.Result noLakehouse = launch(nothingRan, "report");
    assertEquals(2, noLakehouse.exitCode(), noLakehouse.output());
    assertTrue(noLakehouse.output().contains("profitlake: configuration error: the lakehouse lakehouse has no "
        + "database profitability: run `profitlake run` with the same configuration first"), noLakehouse.output());
    assertFalse(noLakehouse.output().contains("\tat "), noLakehouse.output());
  }

  private static String python;

  private static Path tables() {
    return sampleRun.resolve("lakehouse/warehouse/profitability.db");
  }

  /** The project's Python environment (bin/python-env makes it once per build). */
  private static synchronized String python() throws Exception {
    if (python == null) {
      Path root = Path.of("").toAbsolutePath();
      Launch.Result env = Launch.run(root, List.of(root.resolve("bin/python-env").toString()), 20);
      assertEquals(0, env.exitCode(), env.output());
      python = Path.of(env.lastLine()).resolve("bin/python").toString();
    }
    return python;
  }

  /**
   * Debian's Chromium: PROFITLAKE_CHROMIUM when set (.ci/run sets it after installing the package; then it must
   * be there), else /usr/bin/chromium; without one the browser check is skipped with how to get it.
   */
  private static String chromium() {
    String configured = System.getenv("PROFITLAKE_CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      assertTrue(Files.isExecutable(Path.of(configured)), "PROFITLAKE_CHROMIUM=" + configured + " is not a program");
      return configured;
    }
    Path debian = Path.of("/usr/bin/chromium");
    Assumptions.assumeTrue(Files.isExecutable(debian), "no Chromium: `apt-get install chromium` (as .ci/run does) "
        + "or set PROFITLAKE_CHROMIUM to open the report in a browser");
    return debian.toString();
  }

  private static void copyConf(Path cwd) throws Exception {
    Files.createDirectories(cwd.resolve("conf"));
    for (String file : List.of("application.conf", "cost-model.conf", "scenarios.conf")) {
      Files.copy(Path.of("conf", file), cwd.resolve("conf").resolve(file));
    }
  }
}
