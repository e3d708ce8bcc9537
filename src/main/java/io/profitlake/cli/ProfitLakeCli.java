package io.profitlake.cli;

import io.profitlake.config.ConfigurationError;
import io.profitlake.config.Scenario;
import io.profitlake.config.Settings;
import io.profitlake.config.SettingsLoader;
import io.profitlake.currency.Money;
import io.profitlake.failure.ExitCode;
import io.profitlake.failure.JobFailure;
import io.profitlake.job.AppVersion;
import io.profitlake.job.ProfitLakeJob;
import io.profitlake.job.RunOptions;
import io.profitlake.lakehouse.Lakehouse;
import io.profitlake.lakehouse.LakehouseSession;
import io.profitlake.lakehouse.TableSpec;
import io.profitlake.lakehouse.Tables;
import io.profitlake.lakehouse.Views;
import io.profitlake.sample.GeneratorOptions;
import io.profitlake.sample.SampleGenerator;
import io.profitlake.source.SourceCount;
import java.io.File;
import java.io.PrintWriter;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line: parses arguments, loads the settings, builds the session, calls the job and
 * turns the outcome into an exit code. No business logic lives here.
 */
@Command(
    name = "profitlake",
    mixinStandardHelpOptions = true,
    versionProvider = ProfitLakeCli.Version.class,
    description = "Customer profitability on Spark and Delta Lake: which customers make the company money.",
    subcommands = {ProfitLakeCli.Run.class, ProfitLakeCli.Generate.class, ProfitLakeCli.Validate.class,
        ProfitLakeCli.Serve.class, ProfitLakeCli.WhatIf.class, ProfitLakeCli.Report.class,
        ProfitLakeCli.Bench.class},
    footerHeading = "%nExit codes:%n",
    footer = {
        "  0  success",
        "  1  unexpected error (rerun with --verbose for the stack trace)",
        "  2  usage or configuration error",
        "  3  input contract error (missing file, missing column, wrong type)",
        "  4  quarantine rate above profitlake.quarantine.max-rate",
        "  5  reconciliation failure (a cost pool does not balance to the cent)",
        "",
        "Configuration: reference.conf < conf/application.conf (or --config FILE / -Dconfig.file) < --cost-model FILE",
        "  < -Dkey=value.",
        "The PII pepper comes only from the environment variable PROFITLAKE_PEPPER."})
public final class ProfitLakeCli implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ProfitLakeCli.class);
  /** Lines the console shows without --verbose (log4j2.properties). */
  private static final Logger PROGRESS = LoggerFactory.getLogger("io.profitlake.progress");

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns the exit code (tests call this instead of main). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new ProfitLakeCli());
    cli.setExecutionExceptionHandler(ProfitLakeCli::handle);
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCode.USAGE_OR_CONFIG.code();
  }

  /** Options every command shares. */
  static class Common {
    @Option(names = "--config", paramLabel = "FILE",
        description = "Config file layered over the defaults (default: conf/application.conf when present).")
    File config;

    @Option(names = "--cost-model", paramLabel = "FILE",
        description = "Your own cost model: a file holding profitlake.cost-model { ... } (like conf/cost-model.conf). "
            + "Its pools, shared pools and activities replace those of every other layer, never merge with them.")
    File costModel;

    @Option(names = "--verbose",
        description = "Print every log line on the console (by default only progress, warnings and errors; the rest "
            + "goes to the log file, logs/profitlake.log), and the stack trace of a failure.")
    boolean verbose;

    Settings settings() {
      if (verbose) {
        ConsoleLog.verbose();
      } else {
        ConsoleLog.file().ifPresent(file -> PROGRESS.info("details (configuration, tables written, Spark's warnings) "
            + "in {}; --verbose prints them here too", file));
      }
      Settings settings = SettingsLoader.load(config, costModel);
      LOG.info("effective configuration ({} settings, secrets redacted):\n{}", settings.effectiveConfiguration().size(),
          settings.redactedSummary());
      if (settings.pepper().isEmpty()) {
        LOG.warn("PROFITLAKE_PEPPER is not set: contact_email_hash will be null in every output");
      }
      return settings;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run the whole pipeline: sources in, customer P&L and the other tables out to the lakehouse.")
  static final class Run implements Callable<Integer> {
    @CommandLine.Mixin
    Common common = new Common();

    @Option(names = "--from", paramLabel = "yyyy-MM", description = "First period to process (default: first period of the transactions).")
    String from;

    @Option(names = "--to", paramLabel = "yyyy-MM", description = "Last period to process (default: last period of the transactions).")
    String to;

    @Option(names = "--master", paramLabel = "URL",
        description = "Spark master when the job starts its own session (default: profitlake.spark.master; spark-submit's --master wins).")
    String master;

    @Override
    public Integer call() {
      Optional<YearMonth> first = month("--from", from);
      Optional<YearMonth> last = month("--to", to);
      if (first.isPresent() && last.isPresent() && last.get().isBefore(first.get())) {
        throw new ConfigurationError("--to " + last.get() + " is before --from " + first.get());
      }
      Settings settings = common.settings();
      SparkSession spark = LakehouseSession.create(settings, master, "ProfitLake run");
      try {
        ProfitLakeJob.RunResult result = new ProfitLakeJob(spark, settings).run(new RunOptions(first, last));
        PrintWriter out = new PrintWriter(System.out, true);
        out.printf("run %s succeeded: periods %s, lakehouse %s (database %s)%n", result.runId(), result.periods(),
            settings.lakehouse().path(), settings.lakehouse().database());
        result.rowsWritten().forEach((table, rows) -> out.printf("  %-26s %,12d rows written%n", table, rows));
        return ExitCode.SUCCESS.code();
      } finally {
        spark.stop();
      }
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = {"Serve the lakehouse's tables and views to SQL clients over Spark Connect until stopped (Ctrl-C).",
          "Clients connect to the printed sc:// URL. Spark Connect has no TLS of its own: the default binds the "
              + "loopback interface only; expose it through a TLS-terminating proxy.",
          "With PROFITLAKE_CONNECT_TOKEN set, clients must send that token (sc://host:port/;token=...)."})
  static final class Serve implements Callable<Integer> {
    @CommandLine.Mixin
    Common common = new Common();

    @Option(names = "--port", paramLabel = "N", defaultValue = "15002", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
        description = "Interface to bind (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: profitlake.spark.master).")
    String master;

    @Override
    public Integer call() throws InterruptedException {
      if (port < 1 || port > 65535) {
        throw new ConfigurationError("--port " + port + " is not a port number (1-65535)");
      }
      Settings settings = common.settings();
      Map<String, String> connect = new java.util.LinkedHashMap<>();
      connect.put("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin");
      connect.put("spark.connect.grpc.binding.address", host);
      connect.put("spark.connect.grpc.binding.port", String.valueOf(port));
      String token = System.getenv("PROFITLAKE_CONNECT_TOKEN");
      boolean tokenRequired = token != null && !token.isBlank();
      if (tokenRequired) {
        connect.put("spark.connect.authenticate.token", token);
      }
      if (!isLoopback(host)) {
        LOG.warn("binding Spark Connect to {}: it has no TLS, so queries, results{} cross the network in clear; "
            + "put a TLS-terminating proxy in front", host, tokenRequired ? " and the token" : "");
      }
      SparkSession spark = LakehouseSession.create(settings, master, "ProfitLake serve", connect);
      java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        spark.stop();
        stopped.countDown();
      }, "profitlake-serve-stop"));
      String database = settings.lakehouse().database();
      open(spark, settings);
      PrintWriter out = new PrintWriter(System.out, true);
      out.printf("serving database %s of lakehouse %s at sc://%s:%d%s (stop with Ctrl-C)%n", database,
          settings.lakehouse().path(), host, port, tokenRequired ? " (token required)" : "");
      stopped.await();
      return ExitCode.SUCCESS.code();
    }

    /**
     * Makes the lakehouse's tables and views queryable by name: a session catalog (no metastore) learns them
     * from the lakehouse folder; a metastore has them already. Nothing is created in the lakehouse.
     */
    private static void open(SparkSession spark, Settings settings) {
      String database = settings.lakehouse().database();
      Lakehouse lakehouse = new Lakehouse(spark, settings.lakehouse());
      if (!lakehouse.databaseExists()) {
        LOG.warn("database {} does not exist yet: run `profitlake run` with the same configuration first", database);
        return;
      }
      List<TableSpec> missing = lakehouse.registerExisting(
          Tables.all(io.profitlake.costing.CostToServe.activityColumns(settings.costModel())));
      if (!missing.isEmpty()) {
        LOG.warn("database {} lacks tables {}: run `profitlake run` with the same configuration to make them; "
            + "the views over them are not served", database, missing.stream().map(TableSpec::name).toList());
        return;
      }
      Views.create(spark, database);
    }

    private static boolean isLoopback(String host) {
      try {
        return java.net.InetAddress.getByName(host).isLoopbackAddress();
      } catch (java.net.UnknownHostException e) {
        throw new ConfigurationError("--host " + host + " is not an address of this machine");
      }
    }
  }

  @Command(name = "whatif", mixinStandardHelpOptions = true,
      description = {"Evaluate scenarios against the lakehouse as it stands: what the company keeps if customers leave, "
          + "prices change or capacity is cut (README, Keep or exit). The baseline is the lakehouse's customer P&L "
          + "over its last 12 periods; the scenarios replay the configured sources. Replaces the three scenario "
          + "tables and prints the summary; no other table is touched."})
  static final class WhatIf implements Callable<Integer> {
    @CommandLine.Mixin
    Common common = new Common();

    @Option(names = "--scenarios", paramLabel = "FILE", required = true,
        description = "File holding profitlake.scenarios = [ ... ] (e.g. conf/scenarios.conf).")
    File scenarios;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: profitlake.spark.master).")
    String master;

    @Override
    public Integer call() {
      Settings settings = common.settings();
      List<Scenario> loaded = SettingsLoader.scenarios(scenarios, settings.costModel());
      SparkSession spark = LakehouseSession.create(settings, master, "ProfitLake whatif");
      try {
        ProfitLakeJob.WhatIfResult result = new ProfitLakeJob(spark, settings).whatIf(loaded);
        PrintWriter out = new PrintWriter(System.out, true);
        out.printf("scenarios over %s (%s), table %s.scenario_summary:%n", result.window(),
            settings.costModel().currency(), settings.lakehouse().database());
        int width = result.summary().stream().mapToInt(row -> row.<String>getAs("scenario").length()).max().orElse(8);
        String format = "%-" + width + "s %9s %9s %16s %16s %16s %16s %16s%n";
        out.printf(format, "scenario", "kept", "exited", "net revenue", "cost to serve", "unused capacity",
            "company profit", "change");
        for (Row row : result.summary()) {
          out.printf(format, row.<String>getAs("scenario"), row.<Long>getAs("customers_kept"),
              row.<Long>getAs("customers_exited"), Money.format(row.getAs("net_revenue")),
              Money.format(row.getAs("cost_to_serve")), Money.format(row.getAs("unused_capacity")),
              Money.format(row.getAs("company_profit")), Money.format(row.getAs("change_in_company_profit")));
        }
        return ExitCode.SUCCESS.code();
      } finally {
        spark.stop();
      }
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = {"Write the management report of one period: a single HTML file that opens offline in any "
          + "browser, with the whale curve, profit by decile, cost to serve and unused capacity, the Shapiro "
          + "segments, status migrations, the best and worst customers with their actions, referral value, prospects "
          + "and the scenarios when present. Every chart has a caption saying what to read from it and its numbers "
          + "beneath. Reads the lakehouse only."})
  static final class Report implements Callable<Integer> {
    @CommandLine.Mixin
    Common common = new Common();

    @Option(names = "--out", defaultValue = "report", paramLabel = "DIR",
        description = "Folder for the report (default: ${DEFAULT-VALUE}); the file is profitlake-report-<period>.html.")
    File out;

    @Option(names = "--period", paramLabel = "yyyy-MM",
        description = "Period to report (default: the last period in the lakehouse).")
    String period;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: profitlake.spark.master).")
    String master;

    @Override
    public Integer call() {
      Optional<YearMonth> requested = month("--period", period);
      Settings settings = common.settings();
      // Charts are drawn off screen: no display is needed (or used when there is one).
      System.setProperty("java.awt.headless", "true");
      SparkSession spark = LakehouseSession.create(settings, master, "ProfitLake report");
      try {
        io.profitlake.report.ManagementReport.Written written =
            new io.profitlake.report.ManagementReport(spark, settings).write(requested, out.toPath());
        System.out.printf("report of %s written to %s (%d figures, %,d bytes)%n", written.period(), written.file(),
            written.figures(), written.bytes());
        return ExitCode.SUCCESS.code();
      } finally {
        spark.stop();
      }
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Read every source and report read / accepted / quarantined counts per source; writes nothing.")
  static final class Validate implements Callable<Integer> {
    @CommandLine.Mixin
    Common common = new Common();

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: profitlake.spark.master).")
    String master;

    @Override
    public Integer call() {
      Settings settings = common.settings();
      SparkSession spark = LakehouseSession.create(settings, master, "ProfitLake validate");
      try {
        ProfitLakeJob job = new ProfitLakeJob(spark, settings);
        Map<String, SourceCount> counts = job.validate();
        PrintWriter out = new PrintWriter(System.out, true);
        out.printf("%-18s %12s %12s %12s  %s%n", "source", "read", "accepted", "quarantined", "reasons");
        for (SourceCount count : counts.values()) {
          out.printf("%-18s %12d %12d %12d  %s%n", count.source(), count.read(), count.accepted(), count.quarantined(),
              count.byReason().isEmpty() ? "" : count.byReason().toString().replaceAll("[{}]", ""));
        }
        job.checkQuarantineRates(counts);
        return ExitCode.SUCCESS.code();
      } finally {
        spark.stop();
      }
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Write deterministic synthetic inputs for every source (same seed, same files).")
  static final class Generate implements Callable<Integer> {
    @CommandLine.Mixin
    Common common = new Common();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (one folder per source).")
    String out;

    @Option(names = "--customers", defaultValue = "2000", description = "Customers (default: ${DEFAULT-VALUE}).")
    int customers;

    @Option(names = "--months", defaultValue = "24", description = "Months of history (default: ${DEFAULT-VALUE}).")
    int months;

    @Option(names = "--start", defaultValue = "2024-01", paramLabel = "yyyy-MM", description = "First month (default: ${DEFAULT-VALUE}).")
    String start;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--format", defaultValue = "csv", description = "csv, parquet or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--lines-factor", defaultValue = "0.5",
        description = "Scales transaction lines per customer and month (default: ${DEFAULT-VALUE}).")
    double linesFactor;

    @Option(names = "--bad-rows", description = "Add rows breaking each contract rule and a manifest of the expected quarantine counts (csv only).")
    boolean badRows;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: profitlake.spark.master).")
    String master;

    @Override
    public Integer call() {
      GeneratorOptions options;
      try {
        options = new GeneratorOptions(customers, months, seed, month("--start", start).orElseThrow(), format, badRows,
            linesFactor);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationError(e.getMessage());
      }
      Settings settings = common.settings();
      if (settings.costModel().pools().isEmpty()) {
        throw new ConfigurationError("the configuration has no cost model (profitlake.cost-model.pools is empty), so "
            + "there are no cost pools to generate; pass --config with one, e.g. --config conf/application.conf");
      }
      SparkSession spark = LakehouseSession.create(settings, master, "ProfitLake generate");
      try {
        new SampleGenerator(spark, options, settings.costModel()).writeTo(out);
        System.out.println("sample written to " + out + (badRows ? " (bad rows: see bad-rows-manifest.json)" : ""));
        return ExitCode.SUCCESS.code();
      } finally {
        spark.stop();
      }
    }
  }

  @Command(name = "bench", mixinStandardHelpOptions = true,
      description = {"Benchmark the job: for each size, generate inputs with that many transaction lines (once, "
          + "kept under --out), run the whole job in a fresh JVM per repeat, and print and write (bench.json, bench.md) "
          + "wall time, time per pipeline stage, rows per second, heap, tasks, shuffle bytes and the scaling exponent "
          + "between consecutive sizes.",
          "The runs use the cost model and Spark settings of --config (default conf/application.conf); the JVM "
              + "heap of each run is this command's (PROFITLAKE_DRIVER_MEMORY of bin/profitlake)."})
  static final class Bench implements Callable<Integer> {
    @CommandLine.Mixin
    Common common = new Common();

    @Option(names = "--sizes", defaultValue = "1e5,1e6", split = ",", paramLabel = "N",
        description = "Transaction lines per size, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--repeat", defaultValue = "1", description = "Runs per size; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--months", defaultValue = "24", description = "Months of history of the generated inputs (default: ${DEFAULT-VALUE}).")
    int months;

    @Option(names = "--split-files", defaultValue = "0", paramLabel = "N",
        description = "Also run each size with its transactions as N part files (a folder as Spark writes it), "
            + "to show that a folder costs about what one file does (default: off).")
    int splitFiles;

    @Option(names = "--out", defaultValue = "target/bench", paramLabel = "DIR",
        description = "Folder for inputs, logs and the report (default: ${DEFAULT-VALUE}).")
    File out;

    @Override
    public Integer call() throws Exception {
      if (repeat < 1 || months < 1) {
        throw new ConfigurationError("--repeat and --months must be at least 1");
      }
      if (splitFiles < 0 || splitFiles > 10_000) {
        throw new ConfigurationError("--split-files " + splitFiles + ": expected 0 (off) to 10000 part files");
      }
      if (common.costModel != null) {
        throw new ConfigurationError("bench runs each size with the cost model of --config; put an include of "
            + common.costModel + " in that file instead of --cost-model");
      }
      List<Long> lines = sizes.stream().map(io.profitlake.bench.Benchmark::parseSize).sorted().toList();
      common.settings();
      File base = common.config != null ? common.config
          : new File("conf/application.conf").isFile() ? new File("conf/application.conf") : null;
      String report = new io.profitlake.bench.Benchmark(new io.profitlake.bench.Benchmark.Options(lines, repeat, months,
          out.toPath().toAbsolutePath(), base, splitFiles)).run();
      System.out.println(report);
      System.out.println("report written to " + out.toPath().resolve("bench.md") + " and bench.json");
      return ExitCode.SUCCESS.code();
    }
  }

  static Optional<YearMonth> month(String option, String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(YearMonth.parse(text));
    } catch (DateTimeParseException e) {
      throw new ConfigurationError(option + " " + text + ": expected a month as yyyy-MM, e.g. 2024-03");
    }
  }

  /** One clear line on stderr per failure; the stack trace only with --verbose. */
  private static int handle(Exception failure, CommandLine cli, CommandLine.ParseResult parsed) {
    boolean verbose = parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose");
    PrintWriter err = cli.getErr();
    ExitCode code;
    String message;
    if (failure instanceof ConfigurationError) {
      code = ExitCode.USAGE_OR_CONFIG;
      message = "configuration error: " + failure.getMessage();
    } else if (failure instanceof JobFailure jobFailure) {
      code = jobFailure.exitCode();
      message = jobFailure.getMessage();
    } else {
      code = ExitCode.UNEXPECTED;
      String first = String.valueOf(failure).lines().findFirst().orElse("");
      message = "unexpected error: " + first + (verbose ? "" : " (rerun with --verbose for the stack trace)");
    }
    err.println("profitlake: " + message);
    if (verbose) {
      failure.printStackTrace(err);
    }
    err.flush();
    return code.code();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"profitlake " + AppVersion.get() + " (Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ")"};
    }
  }
}
