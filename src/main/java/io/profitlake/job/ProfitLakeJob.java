package io.profitlake.job;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;

import io.profitlake.config.Settings;
import io.profitlake.costing.Acquisition;
import io.profitlake.costing.CostToServe;
import io.profitlake.costing.DriverUnits;
import io.profitlake.costing.Receivables;
import io.profitlake.currency.Currency;
import io.profitlake.failure.ExitCode;
import io.profitlake.failure.JobFailure;
import io.profitlake.insights.CustomerValue;
import io.profitlake.insights.Insights;
import io.profitlake.insights.WhaleCurve;
import io.profitlake.lakehouse.Lakehouse;
import io.profitlake.lakehouse.TableSpec;
import io.profitlake.lakehouse.Tables;
import io.profitlake.lakehouse.Views;
import io.profitlake.profitability.CustomerProfitability;
import io.profitlake.profitability.Dimensions;
import io.profitlake.profitability.Periods;
import io.profitlake.prospect.ProspectScoring;
import io.profitlake.referral.ReferralAttribution;
import io.profitlake.referral.ReferralForest;
import io.profitlake.revenue.RevenueSide;
import io.profitlake.sample.SampleFiles;
import io.profitlake.source.SourceCount;
import io.profitlake.source.Sources;
import io.profitlake.source.ValidatedSources;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    Lakehouse lakehouse = new Lakehouse(spark, settings.lakehouse().database(), settings.lakehouse().root());
    List<String> activityColumns = CostToServe.activityColumns(settings.costModel());
    TableSpec profitabilityTable = Tables.customerProfitability(activityColumns);
    lakehouse.ensureTables(Tables.all(activityColumns));
    lakehouse.tagCommits(runId);
    JobRunLog runLog = new JobRunLog(spark, lakehouse, settings, runId, startedAt);
    runLog.started();
    try {
      clock.start("read and check sources");
      ShuffleSizing.apply(spark, settings);
      ValidatedSources sources = Sources.load(spark, settings);
      Map<String, SourceCount> counts = sources.counts();
      runLog.counts(counts);
      logCounts(counts);
      Dataset<Row> quarantine = quarantineRows(sources, runId);
      try {
        checkQuarantineRates(counts);
      } catch (JobFailure overRate) {
        // The rows that failed the run are what the user needs to see: written before failing.
        runLog.wrote(Tables.QUARANTINE, lakehouse.write(Tables.QUARANTINE, quarantine, List.of()));
        throw overRate;
      }

      clock.start("periods and transaction lines");
      Periods periods = periods(sources, options);
      runLog.periods(periods);
      LOG.info("processing periods {}", periods);

      Dataset<Row> lines = Faults.failFirstAttempts(transactionLines(sources, periods)).persist();
      Dataset<Row> invoices = invoices(sources).persist();
      Dataset<Row> revenue = RevenueSide.perCustomerPeriod(lines, sources.accepted("sales_reps"));

      clock.start("cost to serve");
      CostToServe.Result costs = CostToServe.compute(spark,
          new DriverUnits.Inputs(sources.accepted("support_tickets"), sources.accepted("calls"),
              sources.accepted("sales_activities"), sources.accepted("transactions"), invoices),
          Faults.driftPoolAmount(poolCosts(sources)), settings.costModel(), periods);
      Dataset<Row> books = costs.reconciliation().withColumn(Tables.RUN_ID, lit(runId)).persist();
      ReconciliationGate.check(books, poolCosts(sources).where(col("period").isin(periods.names().toArray())),
          costs.lines());

      clock.start("customer P&L");
      Dataset<Row> acquisition = Acquisition.perCustomerPeriod(sources.accepted("customers"),
          sources.accepted("referrals"), settings.costModel().amortisationMonths(), periods);
      Dataset<Row> badDebt = Receivables.badDebt(invoices, periods);
      Dataset<Row> financing = Receivables.financing(invoices, settings.costModel().financingAnnualRate(), periods);
      List<String> components = new ArrayList<>(List.of(RevenueSide.NET_REVENUE, RevenueSide.RETURNS,
          RevenueSide.COGS, RevenueSide.GROSS_MARGIN, RevenueSide.COMMISSIONS));
      components.addAll(activityColumns);
      components.addAll(List.of(CostToServe.COST_TO_SERVE, Acquisition.ACQUISITION_COST, Receivables.BAD_DEBT,
          Receivables.FINANCING_COST));
      // Materialised: read twice below, and cutting its lineage keeps the final plan small (without
      // it, planning the customer P&L ran out of a 4 GB heap on the sample).
      Dataset<Row> beforeReferrals = CustomerProfitability.combine(
          List.of(revenue, costs.perCustomer(), acquisition, badDebt, financing), components).localCheckpoint();

      clock.start("referral attribution");
      Dataset<Row> referrals = sources.accepted("referrals");
      Dataset<Row> ancestors = ReferralForest.ancestors(referrals, 0).persist();
      Dataset<Row> attribution = ReferralAttribution.attribute(referrals, ancestors,
              CustomerProfitability.withNetProfit(beforeReferrals), settings.costModel().referral())
          .withColumn(Tables.RUN_ID, lit(runId)).persist();
      List<String> withReferrals = new ArrayList<>(components);
      withReferrals.add(ReferralAttribution.REFERRAL_VALUE);
      Dataset<Row> combined = CustomerProfitability.combine(
          List.of(beforeReferrals, ReferralAttribution.referralValue(attribution)), withReferrals);
      // What the lakehouse holds outside the processed periods, so that a period rerun gives the rows a
      // full run gives: rows of other periods widen the span a customer has rows in, and the 11 periods
      // before the first processed one carry the t12m sums, the unprofitable run and the status.
      // Both are materialised (dense and history below) before this run writes the table.
      Dataset<Row> recorded = lakehouse.read(profitabilityTable);
      Dataset<Row> history = recorded
          .where(col(Tables.PERIOD).isin(periods.preceding(Insights.TRAILING_PERIODS - 1).toArray()))
          .localCheckpoint();
      Dataset<Row> dense = CustomerProfitability.withNetProfit(CustomerProfitability.rows(combined, withReferrals,
              periods, recorded.where(not(col(Tables.PERIOD).isin(periods.names().toArray())))))
          .localCheckpoint();
      Dataset<Row> profitability = dense
          .withColumn("total_relationship_value",
              col("net_profit").plus(col(ReferralAttribution.REFERRAL_VALUE)).cast(Tables.MONEY))
          .join(ReferralAttribution.referredCounts(ancestors), new String[] {"customer_id"}, "left")
          .join(ReferralAttribution.referredNetProfit(ancestors, dense), new String[] {"customer_id", "period"}, "left")
          .na().fill(0, new String[] {"referred_customers_direct", "referred_customers_total"})
          .withColumn("referred_net_profit", coalesce(col("referred_net_profit"), lit(BigDecimal.ZERO)).cast(Tables.MONEY))
          .withColumn(Tables.RUN_ID, lit(runId));

      clock.start("insights");
      Insights.Result insights = Insights.enrich(profitability, history, activityColumns,
          settings.costModel().thresholds());
      Dataset<Row> enriched = insights.profitability().localCheckpoint();

      // Every gate has passed: from here on the run only writes. Each table is one atomic Delta commit.
      clock.start("write tables");
      writeAll(lakehouse, runLog, List.of(
          new Write(Tables.QUARANTINE, quarantine, List.of()),
          new Write(Tables.COST_POOL_RECONCILIATION, books, periods.names()),
          new Write(Tables.REFERRAL_ATTRIBUTION, attribution, periods.names()),
          new Write(Tables.COST_TO_SERVE, costs.lines().withColumn(Tables.RUN_ID, lit(runId)), periods.names()),
          new Write(Tables.DIM_PERIOD, Dimensions.periods(spark, periods).withColumn(Tables.RUN_ID, lit(runId)),
              periods.names()),
          new Write(Tables.DIM_CUSTOMER, Dimensions.customers(sources.accepted("customers"), settings.pepper())
              .withColumn(Tables.RUN_ID, lit(runId)), List.of()),
          new Write(profitabilityTable, enriched, periods.names()),
          new Write(Tables.PROFITABILITY_MIGRATION, insights.migration().withColumn(Tables.RUN_ID, lit(runId)),
              periods.names()),
          new Write(Tables.WHALE_CURVE, WhaleCurve.points(enriched).withColumn(Tables.RUN_ID, lit(runId)),
              periods.names()),
          new Write(Tables.WHALE_CURVE_SUMMARY, WhaleCurve.summary(enriched).withColumn(Tables.RUN_ID, lit(runId)),
              periods.names())));

      // Snapshots over everything the lakehouse holds up to the last processed period, this run's rows included
      // (so they come after the customer P&L is written). Read by both: materialised once.
      clock.start("customer value and prospect scores");
      String asOf = periods.last().toString();
      Dataset<Row> upToLast = lakehouse.read(profitabilityTable).where(col(Tables.PERIOD).leq(lit(asOf))).persist();
      writeAll(lakehouse, runLog, List.of(
          new Write(Tables.CUSTOMER_VALUE, CustomerValue.asOf(upToLast, asOf).withColumn(Tables.RUN_ID, lit(runId)),
              List.of()),
          new Write(Tables.PROSPECT_SCORES, ProspectScoring.score(sources.accepted("customers"), upToLast,
              sources.accepted("prospects"), settings.costModel().thresholds()).withColumn(Tables.RUN_ID, lit(runId)),
              List.of())));
      upToLast.unpersist();
      clock.start("views and clean-up");
      Views.create(spark, settings.lakehouse().database());
      books.unpersist();
      costs.release();
      ancestors.unpersist();
      attribution.unpersist();
      dense.unpersist();
      history.unpersist();
      enriched.unpersist();
      beforeReferrals.unpersist();
      invoices.unpersist();
      lines.unpersist();
      sources.release();
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

  /** Reads and checks every source without writing anything. */
  public Map<String, SourceCount> validate() {
    settings.requireSources();
    SampleFiles.ensure(spark, settings);
    ValidatedSources sources = Sources.load(spark, settings);
    Map<String, SourceCount> counts = sources.counts();
    sources.release();
    return counts;
  }

  private Dataset<Row> quarantineRows(ValidatedSources sources, String runId) {
    return sources.quarantine()
        .withColumn(Tables.RUN_ID, lit(runId))
        .withColumn("detected_at", current_timestamp());
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
  private Periods periods(ValidatedSources sources, RunOptions options) {
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

  /** Accepted transaction lines in the processed periods, converted to the base currency. */
  private Dataset<Row> transactionLines(ValidatedSources sources, Periods periods) {
    Dataset<Row> lines = sources.accepted("transactions")
        .withColumn("period", date_format(col("transaction_ts"), "yyyy-MM"))
        .where(col("period").isin(periods.names().toArray()));
    return Currency.toBase(lines, sources.accepted("fx_rates"), settings.costModel().currency(), "period", "currency",
        List.of("net_amount", "cost_amount", "discount_amount"));
  }

  /** Invoices with every amount in base currency, at the rate of the issue period. */
  private Dataset<Row> invoices(ValidatedSources sources) {
    Dataset<Row> invoices = sources.accepted("invoices").withColumn("_issue_period", date_format(col("issue_date"), "yyyy-MM"));
    return Currency.toBase(invoices, sources.accepted("fx_rates"), settings.costModel().currency(), "_issue_period",
        "currency", List.of("amount", "paid_amount", "written_off_amount")).drop("_issue_period");
  }

  /** Cost pool rows in base currency, at the rate of their period. */
  private Dataset<Row> poolCosts(ValidatedSources sources) {
    return Currency.toBase(sources.accepted("cost_pools"), sources.accepted("fx_rates"), settings.costModel().currency(),
        "period", "currency", List.of("amount"));
  }

  private static void logCounts(Map<String, SourceCount> counts) {
    for (SourceCount count : counts.values()) {
      LOG.info("source {}: read {}, accepted {}, quarantined {}{}", count.source(), count.read(), count.accepted(),
          count.quarantined(), count.byReason().isEmpty() ? "" : " " + count.byReason());
    }
  }
}
