package io.profitlake.job;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.profitlake.config.CostModel;
import io.profitlake.costing.Acquisition;
import io.profitlake.costing.CostToServe;
import io.profitlake.costing.DriverUnits;
import io.profitlake.costing.Receivables;
import io.profitlake.currency.Currency;
import io.profitlake.insights.Insights;
import io.profitlake.lakehouse.Tables;
import io.profitlake.profitability.CustomerProfitability;
import io.profitlake.profitability.Periods;
import io.profitlake.referral.ReferralAttribution;
import io.profitlake.referral.ReferralForest;
import io.profitlake.revenue.RevenueSide;
import io.profitlake.source.AcceptedRows;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a run computes from its checked sources for the processed periods, in two steps: the cost to
 * serve (with the books the reconciliation gate checks), then the customer P&L with referrals and
 * insights. It decides no gate and writes nothing; the frames it reads more than once or whose
 * lineage it cuts are handed to the run's {@link Materialisation}, which decides how and releases them.
 * A scenario replays the same steps on its own view of the sources and its own cost model.
 */
final class Pipeline {
  private final SparkSession spark;
  private final CostModel model;
  private final Materialisation frames;
  private final Consumer<String> stages;
  private final AcceptedRows sources;
  private final Periods periods;
  private final List<String> activityColumns;

  /** @param stages told when each stage starts (the run's clock; a replay passes one that ignores it) */
  Pipeline(SparkSession spark, CostModel model, Materialisation frames, Consumer<String> stages, AcceptedRows sources,
      Periods periods) {
    this.spark = spark;
    this.model = model;
    this.frames = frames;
    this.stages = stages;
    this.sources = sources;
    this.periods = periods;
    this.activityColumns = CostToServe.activityColumns(model);
  }

  /**
   * The cost-to-serve step and what the P&L step reuses from it.
   *
   * @param sourcePoolCosts the accepted cost_pools rows of the processed periods, in base currency (the gate's
   *     reference for the books)
   */
  record Costs(CostToServe.Result result, Dataset<Row> books, Dataset<Row> sourcePoolCosts,
      Dataset<Row> transactionLines, Dataset<Row> invoices) {}

  /** The customer P&L (with insights) and the tables that come with it. */
  record Outputs(Dataset<Row> profitability, Dataset<Row> migration, Dataset<Row> attribution) {}

  /** Transaction lines and invoices in base currency, driver units, time equations and pool allocation. */
  Costs costToServe() {
    Dataset<Row> lines = frames.keep(Faults.failFirstAttempts(transactionLines()));
    Dataset<Row> invoices = frames.keep(invoices());
    stages.accept("cost to serve");
    CostToServe.Result costs = CostToServe.compute(spark,
        new DriverUnits.Inputs(sources.accepted("support_tickets"), sources.accepted("calls"),
            sources.accepted("sales_activities"), sources.accepted("transactions"), invoices),
        Faults.driftPoolAmount(poolCosts()), model, periods);
    frames.releaseAtEnd(costs::release);
    Dataset<Row> books = frames.keep(costs.reconciliation());
    return new Costs(costs, books, poolCosts().where(col("period").isin(periods.names().toArray())), lines, invoices);
  }

  /**
   * @param recorded the customer P&L the lakehouse holds (every period): a period rerun reads the rows of
   *     other periods and the trailing history from it, so that it gives the rows a full run gives
   */
  Outputs customerPnl(Costs costs, Dataset<Row> recorded) {
    stages.accept("customer P&L");
    // Materialised: read twice below, and cutting its lineage keeps the final plan small (without
    // it, planning the customer P&L ran out of a 4 GB heap on the sample).
    Dataset<Row> beforeReferrals = frames.cut(componentsPerCustomer(costs));

    stages.accept("referral attribution");
    Dataset<Row> referrals = sources.accepted("referrals");
    Dataset<Row> ancestors = frames.keep(ReferralForest.ancestors(referrals, 0));
    Dataset<Row> attribution = frames.keep(ReferralAttribution.attribute(referrals, ancestors,
        CustomerProfitability.withNetProfit(beforeReferrals), model.referral()));
    List<String> withReferrals = spanComponents();
    Dataset<Row> combined = CustomerProfitability.combine(
        List.of(beforeReferrals, ReferralAttribution.referralValue(attribution)), withReferrals);
    // Rows of other periods widen the span a customer has rows in, and the 11 periods before the first
    // processed one carry the t12m sums, the unprofitable run and the status. Both are cut (dense and
    // history) before the run writes the table they are read from.
    Dataset<Row> history = frames.cut(recorded
        .where(col(Tables.PERIOD).isin(periods.preceding(Insights.TRAILING_PERIODS - 1).toArray())));
    Dataset<Row> dense = frames.cut(CustomerProfitability.withNetProfit(CustomerProfitability.rows(combined,
        withReferrals, periods, recorded.where(not(col(Tables.PERIOD).isin(periods.names().toArray()))))));
    Dataset<Row> profitability = dense
        .withColumn("total_relationship_value",
            col("net_profit").plus(col(ReferralAttribution.REFERRAL_VALUE)).cast(Tables.MONEY))
        .join(ReferralAttribution.referredCounts(ancestors), new String[] {"customer_id"}, "left")
        .join(ReferralAttribution.referredNetProfit(ancestors, dense), new String[] {"customer_id", "period"}, "left")
        .na().fill(0, new String[] {"referred_customers_direct", "referred_customers_total"})
        .withColumn("referred_net_profit", coalesce(col("referred_net_profit"), lit(BigDecimal.ZERO)).cast(Tables.MONEY));

    stages.accept("insights");
    Insights.Result insights = Insights.enrich(profitability, history, activityColumns, model.thresholds());
    return new Outputs(frames.cut(insights.profitability()), insights.migration(), attribution);
  }

  /**
   * The components whose non-zero value opens a customer's row span (methods.md, Net profit): the P&L components
   * and referral value. customer_value's last_active_period is the last period with one.
   */
  List<String> spanComponents() {
    List<String> span = new ArrayList<>(components());
    span.add(ReferralAttribution.REFERRAL_VALUE);
    return span;
  }

  /** The money columns of the customer P&L before referrals, in the order of the table. */
  List<String> components() {
    List<String> components = new ArrayList<>(List.of(RevenueSide.NET_REVENUE, RevenueSide.RETURNS,
        RevenueSide.COGS, RevenueSide.GROSS_MARGIN, RevenueSide.COMMISSIONS));
    components.addAll(activityColumns);
    components.addAll(List.of(CostToServe.COST_TO_SERVE, Acquisition.ACQUISITION_COST, Receivables.BAD_DEBT,
        Receivables.FINANCING_COST));
    return components;
  }

  /**
   * customer_id, period and every P&L component, sparse (a row where any source has one): revenue, cost to serve,
   * acquisition, bad debt and financing side by side, before referrals and before the rows of quiet periods.
   */
  Dataset<Row> componentsPerCustomer(Costs costs) {
    Dataset<Row> revenue = RevenueSide.perCustomerPeriod(costs.transactionLines(), sources.accepted("sales_reps"));
    Dataset<Row> acquisition = Acquisition.perCustomerPeriod(sources.accepted("customers"),
        sources.accepted("referrals"), model.amortisationMonths(), periods);
    Dataset<Row> badDebt = Receivables.badDebt(costs.invoices(), periods);
    Dataset<Row> financing = Receivables.financing(costs.invoices(), model.financingAnnualRate(), periods);
    return CustomerProfitability.combine(
        List.of(revenue, costs.result().perCustomer(), acquisition, badDebt, financing), components());
  }

  /** Accepted transaction lines in the processed periods, converted to the base currency. */
  private Dataset<Row> transactionLines() {
    Dataset<Row> lines = sources.accepted("transactions")
        .withColumn("period", date_format(col("transaction_ts"), "yyyy-MM"))
        .where(col("period").isin(periods.names().toArray()));
    return Currency.toBase(lines, sources.accepted("fx_rates"), model.currency(), "period", "currency",
        List.of("net_amount", "cost_amount", "discount_amount"));
  }

  /**
   * Every accepted transaction line up to {@code last}, converted to the base currency: the purchase histories of
   * the lifetime value, which reach back before the first processed period of a rerun (and on to the lakehouse's
   * last period when the rerun ends before it).
   */
  Dataset<Row> transactionLinesTo(java.time.YearMonth last) {
    Dataset<Row> lines = sources.accepted("transactions")
        .withColumn("period", date_format(col("transaction_ts"), "yyyy-MM"))
        .where(col("period").leq(lit(last.toString())));
    return Currency.toBase(lines, sources.accepted("fx_rates"), model.currency(), "period", "currency",
        List.of("net_amount", "cost_amount"));
  }

  /** Invoices with every amount in base currency, at the rate of the issue period. */
  private Dataset<Row> invoices() {
    Dataset<Row> invoices = sources.accepted("invoices").withColumn("_issue_period", date_format(col("issue_date"), "yyyy-MM"));
    return Currency.toBase(invoices, sources.accepted("fx_rates"), model.currency(), "_issue_period",
        "currency", List.of("amount", "paid_amount", "written_off_amount")).drop("_issue_period");
  }

  /** Cost pool rows in base currency, at the rate of their period. */
  private Dataset<Row> poolCosts() {
    return Currency.toBase(sources.accepted("cost_pools"), sources.accepted("fx_rates"), model.currency(),
        "period", "currency", List.of("amount"));
  }
}
