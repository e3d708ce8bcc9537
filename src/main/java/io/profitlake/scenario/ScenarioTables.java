package io.profitlake.scenario;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitlake.costing.Acquisition;
import io.profitlake.costing.CostToServe;
import io.profitlake.costing.PoolAllocation;
import io.profitlake.costing.Receivables;
import io.profitlake.currency.Money;
import io.profitlake.insights.Insights;
import io.profitlake.lakehouse.Tables;
import io.profitlake.referral.ReferralAttribution;
import io.profitlake.revenue.RevenueSide;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The three scenario tables of data-contracts.md over the window, from the baseline and each scenario's replay:
 * what the company keeps (scenario_summary), where the pools' cost goes (scenario_pool_impact) and on whom
 * (scenario_customer). Company profit = the customers' net profit less the unused capacity of the resource
 * pools, so that every cent of every pool counts once.
 */
public final class ScenarioTables {
  public static final String SCENARIO = "scenario";

  /** The window sums the tables report, in the order of scenario_summary. */
  static final List<String> SUMS = List.of(RevenueSide.NET_REVENUE, RevenueSide.GROSS_MARGIN, RevenueSide.COMMISSIONS,
      CostToServe.COST_TO_SERVE, Acquisition.ACQUISITION_COST, Receivables.BAD_DEBT, Receivables.FINANCING_COST,
      Insights.NET_PROFIT);

  private ScenarioTables() {}

  /**
   * One scenario's results, or the baseline's.
   *
   * @param pnl customer_id, period and the {@link #SUMS} columns, for the window periods or more (the baseline's
   *     also referral_value)
   * @param books the pool books of cost_pool_reconciliation, for the window periods or more
   * @param exited customer_id of the customers that left (none for the baseline)
   * @param everyRowCounts whether every P&L row is a row of the customer (the baseline's rows, quiet periods
   *     included), or only rows with a non-zero figure (a replay's sparse components)
   */
  public record Replay(String scenario, String description, Dataset<Row> pnl, Dataset<Row> books, Dataset<Row> exited,
      boolean everyRowCounts) {}

  /** The three frames to write; each holds the baseline and every scenario. */
  public record Result(Dataset<Row> summary, Dataset<Row> poolImpact, Dataset<Row> customers) {}

  public static Result of(Replay baseline, List<Replay> scenarios, ScenarioWindow window) {
    Dataset<Row> baselineCustomers = perCustomer(baseline.pnl(), window, true, baseline.everyRowCounts())
        .select(col(Tables.CUSTOMER_ID), col(Insights.NET_PROFIT).as("_b_net_profit"),
            col(CostToServe.COST_TO_SERVE).as("_b_cost_to_serve"),
            col(ReferralAttribution.REFERRAL_VALUE).as("_b_referral_value"), lit(true).as("_in_baseline"));
    List<Replay> all = new ArrayList<>(List.of(baseline));
    all.addAll(scenarios);
    Dataset<Row> summaries = null;
    Dataset<Row> pools = null;
    Dataset<Row> customers = null;
    for (Replay replay : all) {
      Dataset<Row> side = sideBySide(replay, baselineCustomers, window);
      Dataset<Row> summary = summary(replay, side, window);
      Dataset<Row> pool = poolImpact(replay, window);
      Dataset<Row> customer = customers(replay, side);
      summaries = summaries == null ? summary : summaries.unionByName(summary);
      pools = pools == null ? pool : pools.unionByName(pool);
      customers = customers == null ? customer : customers.unionByName(customer);
    }
    Dataset<Row> baselineProfit = summaries.where(col(SCENARIO).equalTo(lit(baseline.scenario())))
        .select(col("company_profit").as("_baseline_profit"));
    summaries = summaries.crossJoin(baselineProfit)
        .withColumn("change_in_company_profit", Money.of(col("company_profit").minus(col("_baseline_profit"))))
        .drop("_baseline_profit");
    return new Result(summaries, pools, customers);
  }

  /** The window sums of each customer; {@code _in_pnl} tells whether it has a row there. */
  private static Dataset<Row> perCustomer(Dataset<Row> pnl, ScenarioWindow window, boolean withReferrals,
      boolean everyRowCounts) {
    List<Column> sums = new ArrayList<>();
    for (String column : SUMS) {
      sums.add(Money.of(sum(col(column))).as(column));
    }
    if (withReferrals) {
      sums.add(Money.of(sum(col(ReferralAttribution.REFERRAL_VALUE))).as(ReferralAttribution.REFERRAL_VALUE));
    }
    Column anyFigure = lit(false);
    for (String column : SUMS) {
      anyFigure = anyFigure.or(col(column).notEqual(lit(BigDecimal.ZERO)));
    }
    sums.add(max(everyRowCounts ? lit(true) : anyFigure).as("_in_pnl"));
    return pnl.where(col(Tables.PERIOD).isin(window.periods().names().toArray()))
        .groupBy(col(Tables.CUSTOMER_ID))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
  }

  /** Every customer of the baseline or the replay, with both sides' figures and whether it exited. */
  private static Dataset<Row> sideBySide(Replay replay, Dataset<Row> baselineCustomers, ScenarioWindow window) {
    return perCustomer(replay.pnl(), window, false, replay.everyRowCounts())
        .join(baselineCustomers, new String[] {Tables.CUSTOMER_ID}, "full_outer")
        .join(replay.exited().select(col(Tables.CUSTOMER_ID), lit(true).as("_exited")),
            new String[] {Tables.CUSTOMER_ID}, "left")
        .withColumn("_exited", coalesce(col("_exited"), lit(false)))
        .withColumn("_in_baseline", coalesce(col("_in_baseline"), lit(false)))
        .withColumn("_has_row", col("_in_baseline").or(coalesce(col("_in_pnl"), lit(false))));
  }

  private static Dataset<Row> summary(Replay replay, Dataset<Row> side, ScenarioWindow window) {
    Column exitedWithRow = col("_exited").and(col("_in_baseline"));
    List<Column> columns = new ArrayList<>(List.of(
        count(when(col("_has_row").and(col("_exited").equalTo(lit(false))), lit(1))).as("customers_kept"),
        count(when(exitedWithRow, lit(1))).as("customers_exited")));
    for (String column : SUMS) {
      columns.add(zeroIfNull(sum(col(column))).as(column));
    }
    columns.add(zeroIfNull(sum(when(col("_exited"), col(Acquisition.ACQUISITION_COST)))).as("sunk_acquisition_cost"));
    columns.add(zeroIfNull(sum(when(col("_exited"), col("_b_referral_value")))).as("referral_value_at_risk"));
    columns.add(zeroIfNull(sum(when(col("_exited"), col("_b_cost_to_serve")))).as("exited_allocated_cost"));
    Dataset<Row> customers = side.agg(columns.get(0), columns.subList(1, columns.size()).toArray(Column[]::new));
    Dataset<Row> unused = replay.books()
        .where(col(Tables.PERIOD).isin(window.periods().names().toArray())
            .and(col("pool_type").equalTo(lit(PoolAllocation.RESOURCE))))
        .agg(zeroIfNull(sum(col("unused_capacity"))).as("unused_capacity"));
    return customers.crossJoin(unused).select(
        lit(replay.scenario()).as(SCENARIO), lit(replay.description()).as("description"),
        lit(window.periods().first().toString()).as("window_first_period"),
        lit(window.periods().last().toString()).as("window_last_period"),
        col("customers_kept"), col("customers_exited"),
        col(RevenueSide.NET_REVENUE), col(RevenueSide.GROSS_MARGIN), col(RevenueSide.COMMISSIONS),
        col(CostToServe.COST_TO_SERVE), col("unused_capacity"), col(Acquisition.ACQUISITION_COST),
        col(Receivables.BAD_DEBT), col(Receivables.FINANCING_COST),
        Money.of(col(Insights.NET_PROFIT).minus(col("unused_capacity"))).as("company_profit"),
        col("sunk_acquisition_cost"), col("referral_value_at_risk"), col("exited_allocated_cost"));
  }

  private static Dataset<Row> poolImpact(Replay replay, ScenarioWindow window) {
    return replay.books().where(col(Tables.PERIOD).isin(window.periods().names().toArray())).select(
        lit(replay.scenario()).as(SCENARIO), col("pool_id"), col(Tables.PERIOD), col("pool_type"), col("mode"),
        col("capacity_minutes"), col("used_minutes"), col("amount").as("pool_cost"), col("inflows"), col("outflows"),
        col("rate"), col("allocated"), col("unused_capacity"), col("over_capacity"));
  }

  private static Dataset<Row> customers(Replay replay, Dataset<Row> side) {
    Column netProfit = when(col("_exited"), lit(BigDecimal.ZERO)).otherwise(zeroIfNull(col(Insights.NET_PROFIT)));
    return side.where(col("_has_row")).select(
        lit(replay.scenario()).as(SCENARIO), col(Tables.CUSTOMER_ID), col("_exited").as("exited"),
        zeroIfNull(col(RevenueSide.NET_REVENUE)).as(RevenueSide.NET_REVENUE),
        zeroIfNull(col(RevenueSide.GROSS_MARGIN)).as(RevenueSide.GROSS_MARGIN),
        zeroIfNull(col(CostToServe.COST_TO_SERVE)).as(CostToServe.COST_TO_SERVE),
        Money.of(netProfit).as(Insights.NET_PROFIT),
        zeroIfNull(col("_b_net_profit")).as("baseline_net_profit"),
        Money.of(netProfit.minus(zeroIfNull(col("_b_net_profit")))).as("net_profit_change"));
  }

  private static Column zeroIfNull(Column money) {
    return Money.of(coalesce(money, lit(BigDecimal.ZERO)));
  }
}
