package io.profitlake.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.profitlake.config.Scenario;
import io.profitlake.config.Settings;
import io.profitlake.costing.CostToServe;
import io.profitlake.failure.ExitCode;
import io.profitlake.failure.JobFailure;
import io.profitlake.insights.CustomerValue;
import io.profitlake.insights.Insights;
import io.profitlake.insights.WhaleCurve;
import io.profitlake.lakehouse.Lakehouse;
import io.profitlake.lakehouse.TableSpec;
import io.profitlake.lakehouse.Tables;
import io.profitlake.lakehouse.Views;
import io.profitlake.lifetime.LifetimeValue;
import io.profitlake.profitability.Dimensions;
import io.profitlake.profitability.Periods;
import io.profitlake.prospect.ProspectScoring;
import io.profitlake.sample.SampleFiles;
import io.profitlake.scenario.ScenarioTables;
import io.profitlake.scenario.ScenarioWindow;
import io.profitlake.source.SourceCount;
import io.profitlake.source.Sources;
import io.profitlake.source.ValidatedSources;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline, as an outline: read and check the sources, write the quarantine, decide the
 * periods, compute the customer P&L, write the tables, record the run. The CLI, the tests and the
 * notebooks all run it through {@link #run}.
 */
public final class ProfitLakeJob {
  private static final Logger LOG = LoggerFactory.getLogger(ProfitLakeJob.class);

  private final SparkSession spark;
  private final Settings settings;

  public ProfitLakeJob(SparkSession spark, Settings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /** The outcome of a run that completed. */
  public record RunResult(String runId, Periods periods, Map<String, SourceCount> counts,
      Map<String, Long> rowsWritten, Map<String, Long> versions, Map<String, Double> stageSeconds) {}

  public RunResult run(RunOptions options) {
    String runId = UUID.randomUUID().toString();
    Instant startedAt = Instant.now();
    LOG.info("run {} starting", runId);
    settings.requireSources();
    PhaseClock clock = new PhaseClock(spark);
    clock.start("prepare the lakehouse");
    SampleFiles.ensure(spark, settings);
    Lakehouse lakehouse = new Lakehouse(spark, settings.lakehouse());
    List<String> activityColumns = CostToServe.activityColumns(settings.costModel());
    TableSpec profitabilityTable = Tables.customerProfitability(activityColumns);
    lakehouse.ensureTables(Tables.all(activityColumns));
    lakehouse.tagCommits(runId);
    // The session is sized from the source files; every frame the run keeps or cuts is released when it
    // ends, whatever the outcome, and the code generation setting is put back. The RUNNING row (and its
    // heartbeat) comes last before the try that ends it.
    long inputBytes = ShuffleSizing.inputBytes(spark, settings);
    JobRunLog runLog = new JobRunLog(spark, lakehouse, settings, runId, startedAt);
    runLog.started();
    try (runLog;
        Materialisation frames = Materialisation.forRun(spark, settings, runId);
        CodeGenerationSwitch codeGeneration = CodeGenerationSwitch.apply(spark, settings.spark().codeGeneration(),
            inputBytes)) {
      clock.start("read and check sources");
      ShuffleSizing.apply(spark, settings, inputBytes);
      ValidatedSources sources = Sources.load(spark, settings);
      frames.releaseAtEnd(sources::release);
      Map<String, SourceCount> counts = sources.counts();
      runLog.counts(counts);
      logCounts(counts);
      Dataset<Row> quarantine = quarantineRows(sources);
      try {
        checkQuarantineRates(counts);
      } catch (JobFailure overRate) {
        // The rows that failed the run are what the user needs to see: written before failing.
        runLog.wrote(Tables.QUARANTINE, lakehouse.write(Tables.QUARANTINE, quarantine, List.of()));
        throw overRate;
      }
      ScenarioReplay.requireKnownCustomers(settings.scenarios(), sources.accepted("customers"));

      clock.start("periods and transaction lines");
      Periods requested = requestedPeriods(sources, options);
      boolean rerun = options.from().isPresent() || options.to().isPresent();
      Optional<Periods> recorded = rerun ? recordedPeriods(lakehouse.read(profitabilityTable)) : Optional.empty();
      Periods periods = rerun ? widened(requested, recorded.map(Periods::last)) : requested;
      // The snapshots (customer value, prospect scores, lifetime value, scenarios) describe the lakehouse as of
      // its last period, also after a rerun of earlier periods, as a full run over the same inputs would.
      Periods held = recorded.map(r -> new Periods(earlier(r.first(), periods.first()), later(r.last(), periods.last())))
          .orElse(periods);
      runLog.periods(periods, rerun ? requested : null);
      LOG.info("processing periods {}", periods);

      Pipeline pipeline = new Pipeline(spark, settings.costModel(), frames, clock::start, sources, periods);
      Pipeline.Costs costs = pipeline.costToServe();
      // Checked before the P&L is computed: a breach stops the run early, with nothing written.
      ReconciliationGate.check(costs.books(), costs.sourcePoolCosts(), costs.result().lines());
      Pipeline.Outputs pnl = pipeline.customerPnl(costs, lakehouse.read(profitabilityTable));

      // Every gate has passed: from here on the run only writes. Each table is one atomic Delta commit.
      clock.start("write tables");
      writeAll(lakehouse, runLog, List.of(
          new Write(Tables.QUARANTINE, quarantine, List.of()),
          new Write(Tables.COST_POOL_RECONCILIATION, costs.books(), periods.names()),
          new Write(Tables.REFERRAL_ATTRIBUTION, pnl.attribution(), periods.names()),
          new Write(Tables.COST_TO_SERVE, costs.result().lines(), periods.names()),
          new Write(Tables.DIM_PERIOD, Dimensions.periods(spark, periods), periods.names()),
          new Write(Tables.DIM_CUSTOMER, Dimensions.customers(sources.accepted("customers"), settings.pepper()),
              List.of()),
          new Write(profitabilityTable, pnl.profitability(), periods.names()),
          new Write(Tables.PROFITABILITY_MIGRATION, pnl.migration(), periods.names()),
          new Write(Tables.WHALE_CURVE, WhaleCurve.points(pnl.profitability()), periods.names()),
          new Write(Tables.WHALE_CURVE_SUMMARY, WhaleCurve.summary(pnl.profitability()), periods.names())));

      // The lifetime value fits: their groups are the only data the run brings to the driver. The histories are
      // read by the fits and the predictions: materialised once.
      clock.start("lifetime value fit");
      LifetimeValue lifetimeValue = new LifetimeValue(settings.clv(), held.last());
      Dataset<Row> histories = frames.keep(lifetimeValue.histories(pipeline.transactionLinesTo(held.last())));
      LifetimeValue.Fits fits = lifetimeValue.fit(histories);

      // Snapshots over everything the lakehouse holds up to its last period, this run's rows included
      // (so they come after the customer P&L is written). Read by several: materialised once.
      clock.start("customer value and prospect scores");
      String asOf = held.last().toString();
      Dataset<Row> upToLast = frames.keep(lakehouse.read(profitabilityTable).where(col(Tables.PERIOD).leq(lit(asOf))));
      writeAll(lakehouse, runLog, List.of(
          new Write(Tables.customerValue(activityColumns), CustomerValue.asOf(upToLast, asOf, pipeline.spanComponents(),
              Insights.trailingComponents(activityColumns)), List.of()),
          new Write(Tables.PROSPECT_SCORES, ProspectScoring.score(sources.accepted("customers"), upToLast,
              sources.accepted("prospects"), settings.costModel().thresholds()), List.of()),
          new Write(Tables.CUSTOMER_LIFETIME_VALUE, lifetimeValue.customers(histories, upToLast, fits), List.of()),
          new Write(Tables.CLV_MODEL, lifetimeValue.models(spark, fits), List.of())));

      // The baseline's figures are written: the scenarios replay them over the window with their levers.
      clock.start("scenarios");
      // A rerun that ends before the lakehouse's last period replays the lakehouse's last 12, as a what-if does.
      ScenarioTables.Result scenarios = held.equals(periods)
          ? ScenarioReplay.replay(spark, settings.costModel(), settings.scenarios(), frames, sources, periods,
              pnl.profitability(), costs.books(), upToLast)
          : ScenarioReplay.replay(spark, settings.costModel(), settings.scenarios(), frames, sources, held, upToLast,
              lakehouse.read(Tables.COST_POOL_RECONCILIATION), upToLast);
      writeAll(lakehouse, runLog, List.of(
          new Write(Tables.SCENARIO_SUMMARY, scenarios.summary(), List.of()),
          new Write(Tables.SCENARIO_POOL_IMPACT, scenarios.poolImpact(), List.of()),
          new Write(Tables.SCENARIO_CUSTOMER, scenarios.customers(), List.of())));
      clock.start("views and clean-up");
      Views.create(spark, settings.lakehouse().database());
      runLog.succeeded();
      clock.stop();
      LOG.info("run {} finished: periods {}; seconds per stage {}", runId, periods, clock.seconds());
      return new RunResult(runId, periods, counts, runLog.rowsWritten(), runLog.versions(), clock.seconds());
    } catch (JobFailure failure) {
      runLog.failed(failure.exitCode(), failure.getMessage());
      throw failure;
    } catch (io.profitlake.config.ConfigurationError error) {
      runLog.failed(ExitCode.USAGE_OR_CONFIG, error.getMessage());
      throw error;
    } catch (RuntimeException unexpected) {
      runLog.failed(ExitCode.UNEXPECTED, String.valueOf(unexpected.getMessage()));
      throw unexpected;
    }
  }

  /** One table's write: its rows and the periods it replaces (none for a snapshot). */
  private record Write(TableSpec table, Dataset<Row> rows, List<String> periods) {}

  /**
   * Writes the tables side by side (each is its own atomic Delta commit; the commits are mostly waiting on
   * the log and the catalog) and records them in the run log in the order given.
   */
  private static void writeAll(Lakehouse lakehouse, JobRunLog runLog, List<Write> writes) {
    Map<String, Lakehouse.WriteResult> results = new java.util.concurrent.ConcurrentHashMap<>();
    Lakehouse.inParallel(writes, w -> results.put(w.table().name(), lakehouse.write(w.table(), w.rows(), w.periods())));
    for (Write write : writes) {
      runLog.wrote(write.table(), results.get(write.table().name()));
    }
  }

  /** The outcome of a what-if: the scenario_summary rows it wrote (the baseline first), and its id. */
  public record WhatIfResult(String runId, Periods window, List<Row> summary) {}

  /**
   * Evaluates scenarios against the lakehouse as it stands, without touching its other tables: the baseline is
   * the customer P&L and pool books the lakehouse holds for the 12 periods ending with its last one, the
   * replays read the configured sources (checked as a run checks them, nothing quarantined is written), and the
   * three scenario tables are replaced.
   */
  public WhatIfResult whatIf(List<Scenario> scenarios) {
    settings.requireSources();
    String runId = "whatif-" + UUID.randomUUID();
    Lakehouse lakehouse = new Lakehouse(spark, settings.lakehouse());
    List<String> activityColumns = CostToServe.activityColumns(settings.costModel());
    TableSpec profitabilityTable = Tables.customerProfitability(activityColumns);
    lakehouse.ensureTables(Tables.all(activityColumns));
    lakehouse.tagCommits(runId);
    Dataset<Row> recorded = lakehouse.read(profitabilityTable);
    Row range = recorded.agg(min(col(Tables.PERIOD)), max(col(Tables.PERIOD))).first();
    if (range.isNullAt(0)) {
      throw JobFailure.inputContract("the lakehouse " + settings.lakehouse().path() + " holds no customer P&L to "
          + "compare with: run `profitlake run` first");
    }
    Periods periods = new Periods(YearMonth.parse(range.getString(0)), YearMonth.parse(range.getString(1)));
    long inputBytes = ShuffleSizing.inputBytes(spark, settings);
    try (Materialisation frames = Materialisation.forRun(spark, settings, runId);
        CodeGenerationSwitch codeGeneration = CodeGenerationSwitch.apply(spark, settings.spark().codeGeneration(),
            inputBytes)) {
      ShuffleSizing.apply(spark, settings, inputBytes);
      ValidatedSources sources = Sources.load(spark, settings);
      frames.releaseAtEnd(sources::release);
      checkQuarantineRates(sources.counts());
      ScenarioReplay.requireKnownCustomers(scenarios, sources.accepted("customers"));
      Dataset<Row> baseline = frames.keep(recorded);
      ScenarioTables.Result result = ScenarioReplay.replay(spark, settings.costModel(), scenarios, frames, sources,
          periods, baseline, lakehouse.read(Tables.COST_POOL_RECONCILIATION), baseline);
      Lakehouse.inParallel(List.of(
          new Write(Tables.SCENARIO_SUMMARY, result.summary(), List.of()),
          new Write(Tables.SCENARIO_POOL_IMPACT, result.poolImpact(), List.of()),
          new Write(Tables.SCENARIO_CUSTOMER, result.customers(), List.of())),
          w -> lakehouse.write(w.table(), w.rows(), w.periods()));
      List<Row> summary = lakehouse.read(Tables.SCENARIO_SUMMARY)
          .orderBy(col("scenario").notEqual(lit(Scenario.BASELINE)), col("scenario"))
          .collectAsList();
      return new WhatIfResult(runId, ScenarioWindow.of(periods).periods(), summary);
    }
  }

  /** Reads and checks every source without writing anything. */
  public Map<String, SourceCount> validate() {
    settings.requireSources();
    SampleFiles.ensure(spark, settings);
    try (Materialisation frames = Materialisation.forRun(spark, settings, "validate-" + UUID.randomUUID())) {
      ValidatedSources sources = Sources.load(spark, settings);
      frames.releaseAtEnd(sources::release);
      return sources.counts();
    }
  }

  private Dataset<Row> quarantineRows(ValidatedSources sources) {
    return sources.quarantine().withColumn("detected_at", current_timestamp());
  }

  /** A source whose quarantine rate is above the threshold fails the run (exit 4). */
  public void checkQuarantineRates(Map<String, SourceCount> counts) {
    List<String> over = new ArrayList<>();
    for (SourceCount count : counts.values()) {
      if (count.quarantineRate().compareTo(settings.quarantineMaxRate()) > 0) {
        over.add(count.source() + " " + count.quarantined() + " of " + count.read() + " rows ("
            + count.quarantineRate().movePointRight(2).stripTrailingZeros().toPlainString() + "%) " + count.byReason());
      }
    }
    if (!over.isEmpty()) {
      throw new JobFailure(ExitCode.QUARANTINE_RATE, "quarantine rate above "
          + settings.quarantineMaxRate().movePointRight(2).stripTrailingZeros().toPlainString() + "%: "
          + String.join("; ", over) + ". See table " + settings.lakehouse().database()
          + ".quarantine for the rows; fix the inputs or raise profitlake.quarantine.max-rate");
    }
  }

  /** Every month from the first to the last period of the accepted transactions, or --from/--to. */
  private Periods requestedPeriods(ValidatedSources sources, RunOptions options) {
    if (options.from().isPresent() && options.to().isPresent()) {
      return new Periods(options.from().get(), options.to().get());
    }
    Row range = sources.accepted("transactions")
        .select(date_format(col("transaction_ts"), "yyyy-MM").as("period"))
        .agg(min(col("period")), max(col("period")))
        .first();
    if (range.isNullAt(0)) {
      throw JobFailure.inputContract("source transactions has no accepted rows, so there is no period to process; "
          + "check the quarantine table or give --from and --to");
    }
    YearMonth first = options.from().orElse(YearMonth.parse(range.getString(0)));
    YearMonth last = options.to().orElse(YearMonth.parse(range.getString(1)));
    if (last.isBefore(first)) {
      throw new io.profitlake.config.ConfigurationError("--from " + first + " is after the last period " + last);
    }
    return new Periods(first, last);
  }

  /**
   * A --from/--to range, widened to the periods whose trailing figures include one of its periods: on to
   * min(its last + 11, the last period the lakehouse holds), so that late data in a period reaches every t12m
   * sum, rank, status, segment, action, migration and whale curve it changes. Unchanged when the lakehouse holds
   * nothing after the range.
   */
  static Periods widened(Periods requested, Optional<YearMonth> lastRecorded) {
    if (lastRecorded.isEmpty()) {
      return requested;
    }
    YearMonth recordedLast = lastRecorded.get();
    YearMonth reach = requested.last().plusMonths(Insights.TRAILING_PERIODS - 1);
    YearMonth last = reach.isBefore(recordedLast) ? reach : recordedLast;
    if (!last.isAfter(requested.last())) {
      return requested;
    }
    Periods periods = new Periods(requested.first(), last);
    LOG.info("asked for periods {}; processing {}: the trailing-12-month figures (and the ranks, statuses, segments, "
        + "actions, migrations and whale curves built on them) of the {} periods after {} that the lakehouse holds "
        + "include it", requested, periods, periods.names().size() - requested.names().size(), requested.last());
    return periods;
  }

  /** The first and last period of the customer P&L the lakehouse holds; empty when it holds none. */
  private static Optional<Periods> recordedPeriods(Dataset<Row> recorded) {
    Row range = recorded.agg(min(col(Tables.PERIOD)), max(col(Tables.PERIOD))).first();
    return range.isNullAt(0) ? Optional.empty()
        : Optional.of(new Periods(YearMonth.parse(range.getString(0)), YearMonth.parse(range.getString(1))));
  }

  private static YearMonth earlier(YearMonth a, YearMonth b) {
    return a.isBefore(b) ? a : b;
  }

  private static YearMonth later(YearMonth a, YearMonth b) {
    return a.isAfter(b) ? a : b;
  }

  private static void logCounts(Map<String, SourceCount> counts) {
    for (SourceCount count : counts.values()) {
      LOG.info("source {}: read {}, accepted {}, quarantined {}{}", count.source(), count.read(), count.accepted(),
          count.quarantined(), count.byReason().isEmpty() ? "" : " " + count.byReason());
    }
  }
}
