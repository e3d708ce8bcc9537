package io.profitlake.lakehouse;

import static io.profitlake.lakehouse.ColumnSpec.key;
import static io.profitlake.lakehouse.ColumnSpec.of;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.profitlake.currency.Money;
import io.profitlake.insights.Insights;
import io.profitlake.insights.Segments;
import io.profitlake.insights.WhaleCurve;
import io.profitlake.lakehouse.TableSpec.WriteMode;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Every output table of data-contracts.md that the job writes, declared once. */
public final class Tables {
  private Tables() {}

  /** Money in outputs: DECIMAL(18,2). */
  public static final DataType MONEY = Money.TYPE;
  /** Percentages: round_half_even(100 x n / d, 2). */
  public static final DataType PERCENT = DataTypes.createDecimalType(9, 2);

  public static final String RUN_ID = "run_id";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String PERIOD = TableSpec.PERIOD;

  private static ColumnSpec runId() {
    return key(RUN_ID, StringType, "Id of the run that wrote the row (also in the commit's user metadata)");
  }

  public static final TableSpec QUARANTINE = new TableSpec("quarantine",
      "Input rows rejected by the contracts of the last run, with the reason code of the first rule each broke. "
          + "Replaced by every run (earlier runs: Delta time travel). Customer records carry no contact_name and "
          + "the email only as keyed hash.",
      WriteMode.SNAPSHOT,
      List.of(
          runId(),
          key("source", StringType, "Input source the row came from"),
          key("reason_code", StringType, "Why it was rejected (data-contracts.md: MALFORMED_ROW, MISSING_FIELD, ...)"),
          of("field", StringType, "Column that broke the rule, when one did"),
          of("record", StringType, "The raw record: the fields as read, as JSON, or the raw line of a malformed CSV row"),
          of("source_file", StringType, "File the row was read from"),
          key("detected_at", TimestampType, "When the run rejected it")));

  /** Delta allows no NOT NULL inside arrays: the fields are nullable but always set. */
  public static final StructType SOURCE_COUNT = new StructType()
      .add("source", StringType, true)
      .add("rows_read", LongType, true)
      .add("rows_accepted", LongType, true)
      .add("rows_quarantined", LongType, true)
      .add("rows_invalid_utf8", LongType, true)
      .add("quarantined_by_reason", DataTypes.createMapType(StringType, LongType), true);

  public static final TableSpec JOB_RUNS = new TableSpec("job_runs",
      "One row per run: what it processed, how it ended, what it read, rejected and wrote.",
      WriteMode.APPEND,
      List.of(
          runId(),
          key("command", StringType, "CLI command of the run (run)"),
          of("periods", DataTypes.createArrayType(StringType), "Periods processed (yyyy-MM), in order"),
          of("periods_requested", DataTypes.createArrayType(StringType), "Periods asked for with --from/--to "
              + "(null for a run over every period); a rerun also processes the up to 11 periods after them whose "
              + "trailing figures include them"),
          key("started_at", TimestampType, "When the run started"),
          of("finished_at", TimestampType, "When the run ended; null while running or after a crash"),
          key("status", StringType, "RUNNING, SUCCEEDED, FAILED, or ABANDONED (a later run found no heartbeat for profitlake.job-runs.abandoned-after: the process died)"),
          of("exit_code", IntegerType, "Process exit code (README: 0 ok, 2 config, 3 input contract, 4 quarantine rate, 5 reconciliation, 1 other)"),
          of("message", StringType, "Why it failed, as printed"),
          of("source_counts", DataTypes.createArrayType(SOURCE_COUNT),
              "Per source: rows read = accepted + quarantined, reasons, rows with invalid UTF-8"),
          of("rows_written", DataTypes.createMapType(StringType, LongType), "Rows written per table"),
          of("delta_versions", DataTypes.createMapType(StringType, LongType), "Delta version committed per table"),
          key("config_fingerprint", StringType, "SHA-256 of the effective configuration (secrets excluded)"),
          key("app_version", StringType, "ProfitLake version")));

  public static final TableSpec DIM_CUSTOMER = new TableSpec("dim_customer",
      "Accepted customers with their attributes; PII removed (no contact name, email only as keyed hash).",
      WriteMode.SNAPSHOT,
      List.of(
          key(CUSTOMER_ID, StringType, "Customer id from the CRM"),
          of("customer_name", StringType, "Company or person name"),
          of("contact_email_hash", StringType,
              "sha2(lower(trim(email)) || pepper, 256); null when no pepper was set (PROFITLAKE_PEPPER)"),
          of("industry", StringType, "Industry"),
          of("region", StringType, "Region"),
          of("country", StringType, "ISO 3166 alpha-2 country"),
          of("size_band", StringType, "SMALL, MEDIUM, LARGE or ENTERPRISE"),
          of("acquisition_date", DateType, "Date the customer was won"),
          of("acquisition_channel", StringType, "Channel it came through (REFERRAL, PAID_SEARCH, ...)"),
          of("acquisition_cost", MONEY, "Acquisition cost in base currency (null counted as 0)"),
          of("account_manager_id", StringType, "Sales rep managing the account (informational)"),
          of("churn_date", DateType, "Date the customer left, if it did"),
          runId()));

  public static final TableSpec DIM_PERIOD = new TableSpec("dim_period",
      "The processed periods (calendar months in the business time zone).",
      WriteMode.PERIOD_KEYED,
      List.of(
          key(PERIOD, StringType, "Period as yyyy-MM"),
          key("year", IntegerType, "Calendar year"),
          key("quarter", IntegerType, "Calendar quarter 1-4"),
          key("month", IntegerType, "Month 1-12"),
          key("first_day", DateType, "First day of the month"),
          key("last_day", DateType, "Last day of the month"),
          runId()));

  /**
   * The customer P&L. Its cost-to-serve columns follow the cost model: one per activity
   * ({@code cts_<activity>}), so the declaration is built from the activity list.
   */
  public static TableSpec customerProfitability(List<String> activityColumns) {
    List<ColumnSpec> columns = new java.util.ArrayList<>(List.of(
        key(CUSTOMER_ID, StringType, "Customer id"),
        key(PERIOD, StringType, "Period as yyyy-MM"),
        key("net_revenue", MONEY, "Net amount of SALE lines minus RETURN lines"),
        key("returns", MONEY, "Net amount of RETURN lines"),
        key("cogs", MONEY, "Cost amount of SALE lines minus RETURN lines"),
        key("gross_margin", MONEY, "net_revenue - cogs"),
        key("commissions", MONEY,
            "Sum over lines of round_half_even(net_amount x rep commission_rate, 2); negative for RETURN lines"),
        of("gross_margin_pct", PERCENT, "round_half_even(100 x gross_margin / net_revenue, 2); null when net_revenue = 0")));
    for (String activity : activityColumns) {
      columns.add(key(activity, MONEY, "Cost to serve of activity " + activity.substring(4)
          + ": the customer's share of its pool by minutes used (see cost_to_serve)"));
    }
    columns.addAll(List.of(
        key("cost_to_serve", MONEY, "Sum of the activity columns"),
        key("acquisition_cost", MONEY, "Acquisition cost plus the referral reward that brought the customer, "
            + "amortised over profitlake.cost-model.acquisition.amortisation-months; the rest in the churn month"),
        key("bad_debt", MONEY, "Invoice amounts written off in the period"),
        key("financing_cost", MONEY, "Cost of carrying late receivables: amount x annual rate / 365 per day late"),
        key("net_profit", MONEY,
            "gross_margin - commissions - cost_to_serve - acquisition_cost - bad_debt - financing_cost"),
        of("net_margin_pct", PERCENT, "round_half_even(100 x net_profit / net_revenue, 2); null when net_revenue = 0"),
        key("referral_value", MONEY, "Credited from the net profit of the customers it referred, directly and up to "
            + "max-depth levels down (referral_attribution); shown beside net_profit, never added into it"),
        key("total_relationship_value", MONEY, "net_profit + referral_value"),
        key("referred_customers_direct", LongType, "Customers it referred directly (the referral forest of this run)"),
        key("referred_customers_total", LongType, "Customers down its whole referral tree, at any depth"),
        key("referred_net_profit", MONEY, "Net profit in the period of all customers down its referral tree")));
    for (String component : Insights.trailingComponents(activityColumns)) {
      columns.add(key(Insights.t12m(component), MONEY, "Trailing 12 months: " + component + " summed over this period "
          + "and the 11 before it (periods without a row count 0; fewer at the start of the history)"));
    }
    columns.addAll(List.of(
        key(Insights.RANK, IntegerType, "Rank in the period by net_profit descending, ties by customer_id (1 = best)"),
        key(Insights.DECILE, IntegerType, "ntile(10) in rank order (1 = best tenth; the first deciles take the extra "
            + "customers)"),
        key(Insights.T12M_RANK, IntegerType, "Rank in the period by t12m_net_profit descending, ties by customer_id"),
        key(Insights.T12M_DECILE, IntegerType, "ntile(10) in t12m_rank order"),
        key(Insights.STATUS, StringType, "PROFITABLE (t12m_net_profit > band), UNPROFITABLE (< -band) or BREAKEVEN; "
            + "band = profitlake.cost-model.thresholds.status-band"),
        of(Insights.GROSS_MARGIN_RATIO, Segments.RATIO, "t12m_gross_margin / t12m_net_revenue, 6 decimals; null when "
            + "t12m_net_revenue <= 0"),
        of(Insights.COST_TO_SERVE_RATIO, Segments.RATIO, "t12m_cost_to_serve / t12m_net_revenue, 6 decimals; null when "
            + "t12m_net_revenue <= 0"),
        key(Insights.SEGMENT, StringType, "Shapiro's quadrant against the period's medians of the two ratios (strictly "
            + "above = high): PASSIVE (high margin, low cost to serve), CARRIAGE_TRADE (high, high), BARGAIN_BASEMENT "
            + "(low, low), AGGRESSIVE (low, high); NO_REVENUE when t12m_net_revenue <= 0"),
        key(Insights.UNPROFITABLE_IN_A_ROW, IntegerType, "Consecutive periods up to this one with "
            + "t12m_total_relationship_value < 0"),
        key(Insights.ACTION, StringType, "First matching rule on t12m figures: COLLECT, PROTECT, GROW, "
            + "KEEP_FOR_REFERRALS, REVIEW_RELATIONSHIP, REPRICE, REDUCE_COST_TO_SERVE (README: Insights)"),
        runId()));
    return new TableSpec("customer_profitability",
        "The customer P&L per period, in base currency. A customer has a row from its first period with a non-zero "
            + "component through 11 periods after its last one (capped at the last processed period); quiet periods "
            + "show 0. Summing net_profit over customers gives company profit.",
        WriteMode.PERIOD_KEYED, columns);
  }

  public static final TableSpec REFERRAL_ATTRIBUTION = new TableSpec("referral_attribution",
      "What each referrer is credited from the net profit of a customer it referred, level by level up the chain "
          + "(level 1 = direct referrer), within the window after the referral. Beside net profit, never in it: summing "
          + "net_profit over customers still gives company profit, and sum(referral_value) = sum(attributed_amount).",
      WriteMode.PERIOD_KEYED,
      List.of(
          key("beneficiary_customer_id", StringType, "Referrer credited"),
          key("referred_customer_id", StringType, "Customer whose net profit is shared"),
          key(PERIOD, StringType, "Period as yyyy-MM"),
          key("level", IntegerType, "1 = direct referrer, 2 = its referrer, ..."),
          key("base_amount", MONEY, "The referred customer's net profit in the period (0 when negative, unless "
              + "attribute-losses = true)"),
          key("share", DataTypes.createDecimalType(9, 6), "Share of the level (profitlake.cost-model.referral.shares)"),
          key("attributed_amount", MONEY, "round_half_even(base_amount x share, 2)"),
          key("model", StringType, "Attribution model: fixed-share-chain"),
          runId()));

  public static final TableSpec COST_TO_SERVE = new TableSpec("cost_to_serve",
      "Allocation lineage, trace the dollar: what each customer drew from each activity's pool in a period, by its "
          + "minutes (time-driven activity-based costing, stage 2). Sums per pool and period to the allocated "
          + "amount of cost_pool_reconciliation.",
      WriteMode.PERIOD_KEYED,
      List.of(
          key(CUSTOMER_ID, StringType, "Customer id"),
          key(PERIOD, StringType, "Period as yyyy-MM"),
          key("activity", StringType, "Activity of the cost model"),
          key("pool_id", StringType, "Resource pool the activity draws minutes from"),
          key("stage", IntegerType, "Allocation stage: 2 = resource pool to customer (stage 1, shared to resource "
              + "pools, is in cost_pool_reconciliation)"),
          key("driver", StringType, "Built-in driver of the activity (ticket, call, sales_activity, order, "
              + "return_line, invoice)"),
          key("driver_quantity", LongType, "Units of the driver in the period"),
          key("minutes", DataTypes.createDecimalType(24, 4), "Minutes by the time equation, per unit rounded to 4 decimals"),
          of("rate", DataTypes.createDecimalType(24, 10), "Pool cost per minute, for display: C / max(capacity, used) "
              + "(time-driven) or C / used (full absorption)"),
          key("allocated_amount", MONEY, "Amount allocated: largest-remainder split of the pool's allocated total "
              + "by minutes"),
          runId()));

  public static final TableSpec COST_POOL_RECONCILIATION = new TableSpec("cost_pool_reconciliation",
      "The books of every cost pool and period: amount + inflows = outflows + allocated + unused_capacity, exactly. "
          + "A non-zero difference fails the run (exit 5).",
      WriteMode.PERIOD_KEYED,
      List.of(
          key("pool_id", StringType, "Pool of the cost model"),
          key(PERIOD, StringType, "Period as yyyy-MM"),
          key("pool_type", StringType, "RESOURCE (allocated to customers) or SHARED (spread over resource pools)"),
          of("mode", StringType, "time-driven or full-absorption (resource pools)"),
          of("capacity_minutes", DataTypes.createDecimalType(24, 4), "Practical capacity in minutes per period"),
          of("used_minutes", DataTypes.createDecimalType(24, 4), "Minutes of all its activities over all customers"),
          key("amount", MONEY, "Cost of the pool in the period (cost_pools, base currency)"),
          key("inflows", MONEY, "Received from shared pools (stage 1)"),
          key("outflows", MONEY, "Passed on to resource pools (shared pools)"),
          key("allocated", MONEY, "Allocated to customers (sum of cost_to_serve)"),
          key("unused_capacity", MONEY, "Cost of capacity not used, not pushed to customers (time-driven)"),
          key("over_capacity", BooleanType, "Used minutes above practical capacity"),
          of("rate", DataTypes.createDecimalType(24, 10), "Cost per minute, for display"),
          key("difference", MONEY, "amount + inflows - outflows - allocated - unused_capacity; must be 0.00"),
          runId()));

  public static final TableSpec PROFITABILITY_MIGRATION = new TableSpec("profitability_migration",
      "A row per customer and period whose status differs from its status in the previous period, with the P&L "
          + "component whose signed t12m contribution to net profit moved most in the direction of the change.",
      WriteMode.PERIOD_KEYED,
      List.of(
          key(CUSTOMER_ID, StringType, "Customer id"),
          key(PERIOD, StringType, "Period of the new status (yyyy-MM)"),
          key("previous_period", StringType, "The period before (yyyy-MM)"),
          key("from_status", StringType, "Status in the previous period"),
          key("to_status", StringType, "Status in this period"),
          key("direction", StringType, "WORSENED or IMPROVED (PROFITABLE > BREAKEVEN > UNPROFITABLE)"),
          key("main_driver", StringType, "Component whose signed t12m contribution (net_revenue +, every cost -) "
              + "changed most negatively (worsened) or most positively (improved); ties to the first of net_revenue, "
              + "cogs, commissions, cts_<activity>..., acquisition_cost, bad_debt, financing_cost"),
          key("main_driver_change", MONEY, "That change of its signed t12m contribution"),
          key("previous_t12m_net_profit", MONEY, "t12m_net_profit in the previous period"),
          key("t12m_net_profit", MONEY, "t12m_net_profit in this period"),
          runId()));

  public static final TableSpec WHALE_CURVE = new TableSpec("whale_curve",
      "Cumulative share of the period's total net profit against the share of customers, customers in rank order: "
          + "1,000 points, the last the end point at exactly 1 (100%). Shares are null when total net profit <= 0.",
      WriteMode.PERIOD_KEYED,
      List.of(
          key(PERIOD, StringType, "Period as yyyy-MM"),
          key("point", IntegerType, "j = 1..1000"),
          key("customer_share", WhaleCurve.SHARE, "j / 1000"),
          key("customers_included", LongType, "ceil(n x j / 1000): the best customers counted at this point"),
          key("cumulative_profit", MONEY, "Net profit of those customers"),
          of("cumulative_profit_share", WhaleCurve.SHARE, "cumulative_profit / total net profit, 6 decimals "
              + "(1 = 100%); null when the total is <= 0"),
          runId()));

  public static final TableSpec WHALE_CURVE_SUMMARY = new TableSpec("whale_curve_summary",
      "The whale curve of each period in a few numbers: how high it peaks, where, and what the unprofitable "
          + "customers destroy.",
      WriteMode.PERIOD_KEYED,
      List.of(
          key(PERIOD, StringType, "Period as yyyy-MM"),
          key("customers", LongType, "Customers with a row in the period (n)"),
          key("total_net_profit", MONEY, "Sum of their net profit"),
          key("peak_customers", LongType, "k: the shortest prefix (in rank order) reaching the highest cumulative "
              + "profit, over all n prefixes"),
          key("peak_customer_share", WhaleCurve.SHARE, "k / n, 6 decimals"),
          key("peak_cumulative_profit", MONEY, "The highest cumulative profit"),
          of("peak_profit_share", WhaleCurve.SHARE, "Peak height: peak_cumulative_profit / total_net_profit "
              + "(1.5 = 150%); null when total_net_profit <= 0"),
          key("unprofitable_customers", LongType, "Customers with net_profit < 0"),
          key("unprofitable_customer_share", WhaleCurve.SHARE, "unprofitable_customers / n, 6 decimals"),
          key("profit_destroyed", MONEY, "Sum of their negative net profit, as a positive amount"),
          key("shares_defined", BooleanType, "false when total_net_profit <= 0: the profit shares are then null"),
          runId()));

  /**
   * customer_value: its t12m columns follow the cost model (every t12m column of the customer P&L, one per
   * activity among them), so the declaration is built from the activity list.
   */
  public static TableSpec customerValue(List<String> activityColumns) {
    List<String> headline = List.of("net_revenue", "net_profit", "referral_value", "total_relationship_value");
    List<ColumnSpec> columns = new java.util.ArrayList<>(List.of(
        key(CUSTOMER_ID, StringType, "Customer id (every customer with a customer_profitability row up to "
            + "as_of_period)"),
        key("as_of_period", StringType, "The last processed period of the run that wrote it"),
        key("t12m_net_revenue", MONEY, "Net revenue, trailing 12 months to as_of_period (0.00 when LAPSED)"),
        key("t12m_net_profit", MONEY, "Net profit, trailing 12 months (0.00 when LAPSED)"),
        key("t12m_referral_value", MONEY, "Referral value, trailing 12 months (0.00 when LAPSED)"),
        key("t12m_total_relationship_value", MONEY, "Net profit + referral value, trailing 12 months (0.00 when "
            + "LAPSED)"),
        of(Insights.T12M_RANK, IntegerType, "Rank by t12m net profit in as_of_period (1 = best); null when LAPSED"),
        of(Insights.T12M_DECILE, IntegerType, "Decile by t12m net profit (1 = best tenth); null when LAPSED"),
        key(Insights.STATUS, StringType, "PROFITABLE, BREAKEVEN or UNPROFITABLE in as_of_period; LAPSED when the "
            + "customer has no row in it (quiet for 12 periods or more)"),
        of(Insights.SEGMENT, StringType, "Shapiro's quadrant or NO_REVENUE; null when LAPSED"),
        of(Insights.ACTION, StringType, "Recommended action; null when LAPSED"),
        key(Insights.UNPROFITABLE_IN_A_ROW, IntegerType, "Periods unprofitable in a row (0 when LAPSED)"),
        key("first_period", StringType, "First period with a row in the lakehouse"),
        key("periods_with_rows", LongType, "Periods with a row, up to as_of_period"),
        key("lifetime_net_revenue", MONEY, "Net revenue over every period up to as_of_period"),
        key("lifetime_net_profit", MONEY, "Net profit over every period up to as_of_period"),
        key("lifetime_referral_value", MONEY, "Referral value over every period up to as_of_period"),
        key("lifetime_total_relationship_value", MONEY, "lifetime_net_profit + lifetime_referral_value"),
        of("last_active_period", StringType, "Last period up to as_of_period with a non-zero P&L component or "
            + "referral value (the test that opens a customer's row span)")));
    for (String component : Insights.trailingComponents(activityColumns)) {
      if (!headline.contains(component)) {
        columns.add(key(Insights.t12m(component), MONEY, "Trailing 12 months to as_of_period: " + component
            + " (as in customer_profitability; 0.00 when LAPSED)"));
      }
    }
    columns.add(runId());
    return new TableSpec("customer_value",
        "One row per customer with a customer_profitability row up to the last processed period: lifetime figures "
            + "over every period the lakehouse holds up to it; its t12m figures, status, segment, action and "
            + "unprofitable run in that period, or LAPSED (t12m 0.00, no rank, segment or action) when it has no "
            + "row in it.",
        WriteMode.SNAPSHOT, columns);
  }

  public static final TableSpec PROSPECT_SCORES = new TableSpec("prospect_scores",
      "Expected first-year net profit of each prospect from look-alike customers (industry, size_band, region, "
          + "lead_source = acquisition_channel), shrunk toward the parent cell (industry, size_band) and the global mean.",
      WriteMode.SNAPSHOT,
      List.of(
          key("prospect_id", StringType, "Prospect id"),
          of("industry", StringType, "Industry"),
          of("size_band", StringType, "Size band"),
          of("region", StringType, "Region"),
          of("lead_source", StringType, "Channel it would come through"),
          of("expected_first_year_profit", MONEY, "Shrunk estimate of the net profit of its first 12 months, "
              + "HALF_EVEN to the cent; null with INSUFFICIENT_HISTORY"),
          of("cell_level", StringType, "Estimate used: CELL (look-alikes exist), PARENT (none; its industry and "
              + "size band), GLOBAL (neither); null with no eligible customer at all"),
          key("lookalike_count", LongType, "n: eligible customers in its cell"),
          key("parent_count", LongType, "n_p: eligible customers in its parent cell"),
          key("eligible_customers", LongType, "N: customers whose whole first year the history covers"),
          of("cell_mean_profit", MONEY, "Mean first-year net profit of the cell (null when n = 0)"),
          of("parent_mean_profit", MONEY, "Mean of the parent cell (null when n_p = 0)"),
          of("global_mean_profit", MONEY, "Mean of all eligible customers (null when N = 0)"),
          key("recommendation", StringType, "PURSUE (above pursue-threshold), NURTURE (> 0), DEPRIORITIZE (<= 0) or "
              + "INSUFFICIENT_HISTORY"),
          runId()));

  private static ColumnSpec scenario() {
    return key("scenario", StringType, "Scenario name from profitlake.scenarios, or baseline (the run's own results)");
  }

  private static final DataType MINUTES = DataTypes.createDecimalType(24, 4);
  private static final DataType RATE = DataTypes.createDecimalType(24, 10);

  public static final TableSpec SCENARIO_SUMMARY = new TableSpec("scenario_summary",
      "What the company keeps under each scenario (methods.md, Scenarios): the window's company P&L (the last 12 "
          + "processed periods) with the scenario's levers, beside the baseline. company_profit = customers' net "
          + "profit - unused capacity of the resource pools, so every cent of every pool counts once. An exited "
          + "customer's allocated cost stays unless capacity is cut. Price changes model no demand response: "
          + "volumes, costs and invoices stay as they were. Referral attribution is not replayed. Replaced by "
          + "every run.",
      WriteMode.SNAPSHOT,
      List.of(
          scenario(),
          key("description", StringType, "What the scenario does, from its configuration"),
          key("window_first_period", StringType, "First period of the window (yyyy-MM)"),
          key("window_last_period", StringType, "Last period of the window: the run's last processed period"),
          key("customers_kept", LongType, "Customers with a row in the window (baseline or scenario) that did not exit"),
          key("customers_exited", LongType, "Customers the exit lets go that have a row in the baseline window"),
          key("net_revenue", MONEY, "Net revenue over the window"),
          key("gross_margin", MONEY, "Gross margin over the window"),
          key("commissions", MONEY, "Commissions over the window"),
          key("cost_to_serve", MONEY, "Pool cost allocated to customers over the window"),
          key("unused_capacity", MONEY, "Pool cost not allocated (capacity not used), resource pools, over the window"),
          key("acquisition_cost", MONEY, "Acquisition instalments over the window (exited customers' included: "
              + "an exit is not a churn)"),
          key("bad_debt", MONEY, "Bad debt over the window (invoices issued before the window included)"),
          key("financing_cost", MONEY, "Financing cost over the window"),
          key("company_profit", MONEY, "Sum of net profit - unused_capacity"),
          key("change_in_company_profit", MONEY, "company_profit - the baseline's company_profit"),
          key("sunk_acquisition_cost", MONEY, "Exited customers' acquisition instalments in the window: they stay"),
          key("referral_value_at_risk", MONEY, "Exited customers' referral value in the baseline window"),
          key("exited_allocated_cost", MONEY, "What the exited customers were allocated in the baseline window: the "
              + "cost that stays as unused capacity unless capacity is cut"),
          runId()));

  public static final TableSpec SCENARIO_POOL_IMPACT = new TableSpec("scenario_pool_impact",
      "The books of every pool in every window period under each scenario, in the terms of "
          + "cost_pool_reconciliation: where an exited customer's cost goes (unused capacity of a time-driven pool, "
          + "the other customers of a full-absorption pool). Replaced by every run.",
      WriteMode.SNAPSHOT,
      List.of(
          scenario(),
          key("pool_id", StringType, "Pool of the cost model"),
          key(PERIOD, StringType, "Period as yyyy-MM"),
          key("pool_type", StringType, "RESOURCE or SHARED"),
          of("mode", StringType, "time-driven or full-absorption (resource pools)"),
          of("capacity_minutes", MINUTES, "Practical capacity in minutes (the scenario's, where it sets one)"),
          of("used_minutes", MINUTES, "Minutes of all its activities over all customers"),
          key("pool_cost", MONEY, "The pool's own cost in the period (times the scenario's cost_factor)"),
          key("inflows", MONEY, "Received from shared pools"),
          key("outflows", MONEY, "Passed on to resource pools (shared pools)"),
          of("rate", RATE, "Cost per minute, for display"),
          key("allocated", MONEY, "Allocated to customers"),
          key("unused_capacity", MONEY, "Cost of capacity not used (0 for shared and full-absorption pools unless "
              + "no minutes were used)"),
          key("over_capacity", BooleanType, "Used minutes above practical capacity"),
          runId()));

  public static final TableSpec SCENARIO_CUSTOMER = new TableSpec("scenario_customer",
      "Each customer with a row in the window under each scenario: its window figures and how its net profit "
          + "changes against the baseline (a full-absorption pool shifts an exited customer's cost onto the "
          + "others: this shows on whom). Replaced by every run.",
      WriteMode.SNAPSHOT,
      List.of(
          scenario(),
          key(CUSTOMER_ID, StringType, "Customer id"),
          key("exited", BooleanType, "Whether the scenario's exit lets the customer go"),
          key("net_revenue", MONEY, "Net revenue over the window under the scenario"),
          key("gross_margin", MONEY, "Gross margin over the window under the scenario"),
          key("cost_to_serve", MONEY, "Allocated cost to serve over the window under the scenario"),
          key("net_profit", MONEY, "Net profit over the window under the scenario; 0 for an exited customer"),
          key("baseline_net_profit", MONEY, "Net profit over the window in the baseline"),
          key("net_profit_change", MONEY, "net_profit - baseline_net_profit"),
          runId()));

  private static final DataType STATISTIC = DataTypes.createDecimalType(18, 6);

  public static final TableSpec CUSTOMER_LIFETIME_VALUE = new TableSpec("customer_lifetime_value",
      "What each customer is still worth (methods.md, Customer lifetime value): its purchase history as of the end "
          + "of the last processed period and, from the BG/NBD and Gamma-Gamma fits of the run (clv_model), P(alive), "
          + "the purchases and margin expected over the horizon and the discounted CLV, gross and net of its cost to "
          + "serve. A purchase occasion is a day with an accepted SALE line; its margin is net_amount - cost_amount in "
          + "base currency. Predictions are null when their fit did not converge. Replaced by every run.",
      WriteMode.SNAPSHOT,
      List.of(
          key(CUSTOMER_ID, StringType, "Customer id (every customer with at least one purchase occasion up to the "
              + "calibration end)"),
          key("calibration_end", DateType, "E: the last day of the last processed period"),
          key("x", LongType, "Repeat purchase occasions: occasions up to calibration_end - 1"),
          key("t_x", STATISTIC, "Time from the first to the last occasion, in time_unit"),
          key("T", STATISTIC, "Time from the first occasion to calibration_end, in time_unit"),
          of("m_x", MONEY, "Mean margin of the x repeat occasions (the first excluded); null when x = 0"),
          of("p_alive", STATISTIC, "Probability that the customer is still active (BG/NBD)"),
          of("expected_purchases_h", STATISTIC, "Expected purchase occasions over the horizon (months x 4.345 weeks)"),
          of("expected_margin_per_purchase", MONEY, "E[Z]: expected margin per occasion (Gamma-Gamma); the population "
              + "mean when x = 0 or m_x <= 0"),
          of("expected_gross_margin_h", MONEY, "expected_margin_per_purchase x expected_purchases_h: the undiscounted CLV"),
          of("clv_discounted", MONEY, "Expected margin of each month of the horizon, discounted at its end"),
          key("cost_per_occasion", MONEY, "(t12m cost_to_serve + t12m commissions) / occasions in those 12 periods, or "
              + "over every period when it had none in them; HALF_EVEN to cents. Assumes the cost to serve grows with "
              + "the purchases"),
          of("clv_net_discounted", MONEY, "Like clv_discounted with (expected_margin_per_purchase - cost_per_occasion) "
              + "per occasion: negative while clv_discounted is positive means worth its margin, not its service"),
          key("horizon", STATISTIC, "H = months x one month (4.345 weeks or 30.415 days), in time_unit"),
          key("months", IntegerType, "K: months of the horizon (clv.months)"),
          key("monthly_discount_rate", STATISTIC, "d (clv.monthly-discount-rate)"),
          key("time_unit", StringType, "weeks or days (clv.time-unit)"),
          runId()));

  public static final TableSpec CLV_MODEL = new TableSpec("clv_model",
      "The lifetime value models fitted by the run: BG/NBD (purchase occasions; r, alpha, a, b) and Gamma-Gamma "
          + "(margin per occasion; p, q, v), by maximum likelihood over grouped purchase histories. A model that did "
          + "not converge gives no predictions. Replaced by every run.",
      WriteMode.SNAPSHOT,
      List.of(
          key("model", StringType, "bgnbd or gamma_gamma"),
          of("r", DoubleType, "bgnbd: shape of the Gamma distribution of purchase rates (null for gamma_gamma, or "
              + "when there was nothing to fit); where the search stopped when it did not converge"),
          of("alpha", DoubleType, "bgnbd: scale of the Gamma distribution of purchase rates, in time_unit"),
          of("a", DoubleType, "bgnbd: first shape of the Beta distribution of dropout probabilities"),
          of("b", DoubleType, "bgnbd: second shape of the Beta distribution of dropout probabilities"),
          of("p", DoubleType, "gamma_gamma: shape of the Gamma distribution of a customer's margin per occasion (null "
              + "for bgnbd, or when there was nothing to fit)"),
          of("q", DoubleType, "gamma_gamma: shape of the Gamma distribution of its scale across customers"),
          of("v", DoubleType, "gamma_gamma: scale of the Gamma distribution of its scale across customers"),
          of("log_likelihood", DoubleType, "Log-likelihood of the fitted customers at those parameters"),
          key("iterations", IntegerType, "Optimiser iterations"),
          key("converged", BooleanType, "Whether the gradient of LL/N fell below 1e-9 within 1,000 iterations (and, "
              + "for BG/NBD, a + b > 1; for Gamma-Gamma, q > 1)"),
          of("message", StringType, "Why it did not converge; null when it did"),
          key("customers", LongType, "Customers the fit used (gamma_gamma: x > 0 and m_x > 0)"),
          key("groups", LongType, "Distinct groups the fit read: (x, t_x, T) or (x, sum of repeat margins)"),
          key("sample_fraction", DoubleType, "Share of customers fitted: 1, or 1/2^n when the groups exceeded "
              + "clv.max-fit-groups"),
          of("x_margin_correlation", DoubleType, "gamma_gamma: Pearson's correlation of x and m_x over the fitted "
              + "customers (the model assumes independence)"),
          key("time_unit", StringType, "weeks or days"),
          key("calibration_end", DateType, "The last day of the last processed period"),
          runId()));

  /** Every table this version writes, in creation order. */
  public static List<TableSpec> all(List<String> activityColumns) {
    return List.of(QUARANTINE, JOB_RUNS, DIM_CUSTOMER, DIM_PERIOD, customerProfitability(activityColumns), COST_TO_SERVE,
        COST_POOL_RECONCILIATION, REFERRAL_ATTRIBUTION, PROFITABILITY_MIGRATION, WHALE_CURVE, WHALE_CURVE_SUMMARY,
        customerValue(activityColumns), PROSPECT_SCORES, SCENARIO_SUMMARY, SCENARIO_POOL_IMPACT, SCENARIO_CUSTOMER, CUSTOMER_LIFETIME_VALUE,
        CLV_MODEL);
  }

}
