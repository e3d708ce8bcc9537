package io.profitlake.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import io.profitlake.config.ConfigurationError;
import io.profitlake.config.Settings;
import io.profitlake.costing.CostToServe;
import io.profitlake.currency.Money;
import io.profitlake.insights.Insights;
import io.profitlake.insights.Segments;
import io.profitlake.lakehouse.Lakehouse;
import io.profitlake.lakehouse.TableSpec;
import io.profitlake.lakehouse.Tables;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management report: one self-contained HTML page of one period, drawn from the lakehouse as it stands
 * (the whale curve, profit by decile, cost to serve and unused capacity, the Shapiro segments, status
 * migrations, the best and worst customers with their actions, referral value, prospects and, when present,
 * the scenarios). It reads only: every figure is an aggregate of an output table, collected to the driver
 * (bounded: at most {@link #SCATTER_POINTS} points and {@link #LISTED} customers per list).
 */
public final class ManagementReport {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementReport.class);

  /** Customers drawn in the segment scatter; above it, a fixed hash sample (the counts stay exact). */
  static final int SCATTER_POINTS = 5_000;
  /** Customers in each list (best, worst, referrers, prospects). */
  static final int LISTED = 10;

  private static final String PERIOD = Tables.PERIOD;
  private static final String CUSTOMER_ID = Tables.CUSTOMER_ID;
  private static final List<String> SEGMENT_ORDER = List.of("PASSIVE", "CARRIAGE_TRADE", "BARGAIN_BASEMENT",
      "AGGRESSIVE");
  private static final Map<String, Color> SEGMENT_COLOURS = Map.of("PASSIVE", Charts.PROFIT, "CARRIAGE_TRADE",
      Charts.NEUTRAL, "BARGAIN_BASEMENT", new Color(0xef6c00), "AGGRESSIVE", Charts.LOSS);

  private final SparkSession spark;
  private final Settings settings;
  private final Lakehouse lakehouse;
  private final TableSpec profitabilityTable;

  public ManagementReport(SparkSession spark, Settings settings) {
    this.spark = spark;
    this.settings = settings;
    this.lakehouse = new Lakehouse(spark, settings.lakehouse());
    this.profitabilityTable = Tables.customerProfitability(CostToServe.activityColumns(settings.costModel()));
  }

  /** What the report holds and where it was written. */
  public record Written(Path file, String period, int figures, long bytes) {}

  /** Writes the report of the period (default: the last period in the lakehouse) to {@code out/}. */
  public Written write(Optional<YearMonth> requested, Path out) {
    openTables();
    String period = period(requested);
    String currency = settings.costModel().currency();
    LOG.info("report: drawing period {} from lakehouse {}", period, settings.lakehouse().path());
    Dataset<Row> pnl = lakehouse.read(profitabilityTable).where(col(PERIOD).equalTo(lit(period)));
    List<Figure> figures = new ArrayList<>();
    figures.add(whaleCurve(period, currency));
    figures.add(profitByDecile(pnl, period, currency));
    figures.add(costByActivity(period, currency));
    figures.add(unusedCapacity(period, currency));
    figures.add(segments(pnl, period));
    figures.add(migrations(period));
    figures.add(actions(pnl, period));
    figures.add(referralValue(pnl, period, currency));
    figures.add(prospects(currency));
    scenarios(currency).ifPresent(figures::add);
    LOG.info("report: {} figures drawn: {}", figures.size(), figures.stream().map(Figure::id).toList());
    HtmlPage page = new HtmlPage(period, currency, settings.lakehouse().path(), headline(pnl),
        figures, customers(pnl, true), customers(pnl, false));
    Path file = out.resolve("profitlake-report-" + period + ".html");
    try {
      Files.createDirectories(out);
      byte[] html = page.render().getBytes(StandardCharsets.UTF_8);
      Files.write(file, html);
      return new Written(file, period, figures.size(), html.length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + file, e);
    }
  }

  /** A session catalog learns the tables from the lakehouse folder; a missing table means no run made it yet. */
  private void openTables() {
    if (!lakehouse.databaseExists()) {
      throw new ConfigurationError("the lakehouse " + settings.lakehouse().path() + " has no database "
          + settings.lakehouse().database() + ": run `profitlake run` with the same configuration first");
    }
    List<TableSpec> missing = lakehouse.registerExisting(
        Tables.all(CostToServe.activityColumns(settings.costModel())));
    if (!missing.isEmpty()) {
      throw new ConfigurationError("the lakehouse " + settings.lakehouse().path() + " lacks tables "
          + missing.stream().map(TableSpec::name).toList() + ": run `profitlake run` with the same configuration "
          + "to make them");
    }
  }

  private String period(Optional<YearMonth> requested) {
    Row range = lakehouse.read(profitabilityTable)
        .agg(min(col(PERIOD)), max(col(PERIOD)),
            count_if(col(PERIOD).equalTo(lit(requested.map(YearMonth::toString).orElse("")))))
        .first();
    if (range.isNullAt(1)) {
      throw new ConfigurationError("customer_profitability in " + settings.lakehouse().path()
          + " is empty: run `profitlake run` first");
    }
    if (requested.isEmpty()) {
      return range.getString(1);
    }
    if (range.getLong(2) == 0) {
      throw new ConfigurationError("--period " + requested.get() + " has no rows in customer_profitability; the "
          + "lakehouse holds " + range.getString(0) + ".." + range.getString(1));
    }
    return requested.get().toString();
  }

  private HtmlPage.Headline headline(Dataset<Row> pnl) {
    Row row = pnl.agg(count(lit(1)), sum(col("net_revenue")), sum(col("net_profit")),
        count_if(col("net_profit").lt(0)), sum(col(Insights.t12m("net_profit"))),
        count_if(col(Insights.STATUS).equalTo("UNPROFITABLE"))).first();
    return new HtmlPage.Headline(row.getLong(0), row.getDecimal(1), row.getDecimal(2), row.getLong(3),
        row.getDecimal(4), row.getLong(5));
  }

  /** The whale curve of the period from whale_curve, its peak from whale_curve_summary. */
  private Figure whaleCurve(String period, String currency) {
    List<Row> summaries = lakehouse.read(Tables.WHALE_CURVE_SUMMARY).where(col(PERIOD).equalTo(lit(period)))
        .collectAsList();
    if (summaries.isEmpty()) {
      throw new ConfigurationError("whale_curve_summary in " + settings.lakehouse().path() + " has no row for " + period
          + " although customer_profitability has: rerun `profitlake run --from " + period + " --to " + period + "`");
    }
    Row summary = summaries.get(0);
    List<Row> points = lakehouse.read(Tables.WHALE_CURVE).where(col(PERIOD).equalTo(lit(period)))
        .select("customer_share", "cumulative_profit", "cumulative_profit_share").orderBy("point").collectAsList();
    boolean shares = summary.getAs("shares_defined");
    long customers = summary.getAs("customers");
    long peakCustomers = summary.getAs("peak_customers");
    BigDecimal peakCustomerShare = summary.getAs("peak_customer_share");
    BigDecimal peakProfitShare = summary.getAs("peak_profit_share");
    BigDecimal total = summary.getAs("total_net_profit");
    BigDecimal peakProfit = summary.getAs("peak_cumulative_profit");
    BigDecimal destroyed = summary.getAs("profit_destroyed");
    long unprofitable = summary.getAs("unprofitable_customers");
    List<Charts.Point> curve = points.stream().map(p -> new Charts.Point(
        percentOf(p.getDecimal(0)), shares ? percentOf(p.getDecimal(2)) : p.getDecimal(1).doubleValue())).toList();
    String peakLabel = "peak: the best " + Table.percent(peakCustomerShare) + " earn "
        + (shares ? Table.percent(peakProfitShare) : money(peakProfit, currency));
    byte[] png = Charts.curve("Whale curve, " + period, "customers, most profitable first (% of " + customers + ")",
        shares ? "cumulative net profit (% of the period's total)" : "cumulative net profit (" + currency + ")",
        curve, new Charts.Point(percentOf(peakCustomerShare),
            shares ? percentOf(peakProfitShare) : peakProfit.doubleValue()), peakLabel, shares);
    String caption = shares
        ? "Read the height of the hump: the most profitable " + Table.percent(peakCustomerShare) + " of customers ("
            + counted(peakCustomers) + " of " + counted(customers) + ") earn " + Table.percent(peakProfitShare)
            + " of the period's net profit of " + money(total, currency) + "; the other customers give back "
            + money(peakProfit.subtract(total), currency) + " of it. The " + counted(unprofitable)
            + " unprofitable customers destroy " + money(destroyed, currency) + ". A curve ending far below its peak "
            + "means the losers cost more than pruning or repricing them would."
        : "The period's total net profit is " + money(total, currency) + " (not above zero), so shares of it are "
            + "undefined and the curve shows cumulative net profit in " + currency + ": the best "
            + counted(peakCustomers) + " customers earn " + money(peakProfit, currency) + " and the "
            + counted(unprofitable) + " unprofitable ones destroy " + money(destroyed, currency) + ".";
    Table numbers = new Table.Builder("customers", "total_net_profit", "peak_customers", "peak_customer_share",
        "peak_cumulative_profit", "peak_profit_share", "unprofitable_customers", "profit_destroyed")
        .row(Table.Cell.count(customers), Table.Cell.money(total), Table.Cell.count(peakCustomers),
            Table.Cell.share(peakCustomerShare), Table.Cell.money(peakProfit), Table.Cell.share(peakProfitShare),
            Table.Cell.count(unprofitable), Table.Cell.money(destroyed))
        .build();
    return new Figure("whale-curve", "Whale curve: who makes the profit", png, caption, numbers);
  }

  /** Net profit of the period summed per decile (decile 1 = the best tenth by net profit). */
  private Figure profitByDecile(Dataset<Row> pnl, String period, String currency) {
    List<Row> rows = pnl.groupBy(Insights.DECILE)
        .agg(count(lit(1)).as("customers"), sum(col("net_revenue")).as("net_revenue"),
            sum(col("net_profit")).as("net_profit"))
        .orderBy(Insights.DECILE).collectAsList();
    Map<String, Double> bars = new LinkedHashMap<>();
    Table.Builder numbers = new Table.Builder("decile", "customers", "net_revenue", "net_profit");
    List<String> losing = new ArrayList<>();
    BigDecimal best = BigDecimal.ZERO;
    for (Row row : rows) {
      int decile = row.getInt(0);
      BigDecimal profit = row.getDecimal(3);
      bars.put(String.valueOf(decile), profit.doubleValue());
      numbers.row(Table.Cell.text(decile), Table.Cell.count(row.getLong(1)), Table.Cell.money(row.getDecimal(2)),
          Table.Cell.money(profit));
      if (profit.signum() < 0) {
        losing.add(String.valueOf(decile));
      }
      if (decile == 1) {
        best = profit;
      }
    }
    byte[] png = Charts.bars("Net profit by decile, " + period, "decile (1 = the best tenth of customers)",
        "net profit (" + currency + ")", bars, true, false);
    String caption = "Each bar is a tenth of the period's customers, ranked by net profit. The best tenth earns "
        + money(best, currency) + "; " + (losing.isEmpty() ? "no decile loses money."
        : "decile" + (losing.size() > 1 ? "s " : " ") + String.join(", ", losing) + " lose" + (losing.size() > 1 ? "" : "s")
            + " money (red): that is where repricing, cheaper service or an exit pays.");
    return new Figure("profit-by-decile", "Net profit by decile", png, caption, numbers.build());
  }

  /** What each activity cost the customers in the period (cost_to_serve, by activity and pool). */
  private Figure costByActivity(String period, String currency) {
    List<Row> rows = lakehouse.read(Tables.COST_TO_SERVE).where(col(PERIOD).equalTo(lit(period)))
        .groupBy("activity", "pool_id")
        .agg(sum(col("allocated_amount")).as("allocated"), sum(col("minutes")).as("minutes"),
            sum(col("driver_quantity")).as("driver_quantity"))
        .orderBy(col("allocated").desc(), col("activity")).collectAsList();
    Map<String, Double> bars = new LinkedHashMap<>();
    Table.Builder numbers = new Table.Builder("activity", "pool_id", "driver_quantity", "minutes", "allocated");
    BigDecimal total = BigDecimal.ZERO;
    for (Row row : rows) {
      bars.put(row.getString(0), row.getDecimal(2).doubleValue());
      numbers.row(Table.Cell.text(row.getString(0)), Table.Cell.text(row.getString(1)), Table.Cell.count(row.getLong(4)),
          Table.Cell.decimal(row.getDecimal(3)), Table.Cell.money(row.getDecimal(2)));
      total = total.add(row.getDecimal(2));
    }
    byte[] png = Charts.bars("Cost to serve by activity, " + period, "activity", "allocated to customers ("
        + currency + ")", bars, false, true);
    String caption = rows.isEmpty() ? "No activity cost was allocated in " + period + "."
        : "Where the " + money(total, currency) + " of cost to serve went: " + rows.get(0).getString(0) + " is the "
            + "largest activity (" + money(rows.get(0).getDecimal(2), currency) + ", "
            + Table.percent(share(rows.get(0).getDecimal(2), total)) + "). Each customer's share follows the minutes "
            + "its orders, tickets, calls, visits, returns and invoices took (time-driven activity-based costing).";
    return new Figure("cost-by-activity", "Cost to serve by activity", png, caption, numbers.build());
  }

  /** Each resource pool's cost in the period: what reached customers and what paid for capacity not used. */
  private Figure unusedCapacity(String period, String currency) {
    List<Row> rows = lakehouse.read(Tables.COST_POOL_RECONCILIATION)
        .where(col(PERIOD).equalTo(lit(period)).and(col("pool_type").equalTo("RESOURCE")))
        .select("pool_id", "mode", "capacity_minutes", "used_minutes", "amount", "inflows", "allocated",
            "unused_capacity")
        .orderBy("pool_id").collectAsList();
    Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
    Table.Builder numbers = new Table.Builder("pool_id", "mode", "capacity_minutes", "used_minutes", "pool_cost",
        "allocated", "unused_capacity", "unused_share");
    BigDecimal cost = BigDecimal.ZERO;
    BigDecimal unused = BigDecimal.ZERO;
    String mostIdle = null;
    BigDecimal mostIdleAmount = BigDecimal.ZERO;
    for (Row row : rows) {
      BigDecimal poolCost = row.getDecimal(4).add(row.getDecimal(5));
      BigDecimal allocated = row.getDecimal(6);
      BigDecimal idle = row.getDecimal(7);
      Map<String, Double> stack = new LinkedHashMap<>();
      stack.put("allocated to customers", allocated.doubleValue());
      stack.put("unused capacity", idle.doubleValue());
      bars.put(row.getString(0), stack);
      numbers.row(Table.Cell.text(row.getString(0)), Table.Cell.text(row.getString(1)),
          Table.Cell.decimal(row.getDecimal(2)), Table.Cell.decimal(row.getDecimal(3)), Table.Cell.money(poolCost),
          Table.Cell.money(allocated), Table.Cell.money(idle), Table.Cell.share(share(idle, poolCost)));
      cost = cost.add(poolCost);
      unused = unused.add(idle);
      if (idle.compareTo(mostIdleAmount) > 0) {
        mostIdle = row.getString(0);
        mostIdleAmount = idle;
      }
    }
    byte[] png = Charts.stackedBars("Resource pools: cost reaching customers and unused capacity, " + period,
        "resource pool", currency, bars, List.of(Charts.NEUTRAL, Charts.GREY));
    String caption = "Each bar is a resource pool's cost in " + period + " (its own plus its share of the shared "
        + "pools): blue reached customers by the minutes they used, grey paid for capacity nobody used. "
        + money(unused, currency) + " of " + money(cost, currency) + " (" + Table.percent(share(unused, cost))
        + ") is unused capacity" + (mostIdle == null ? "." : ", most in " + mostIdle + " ("
        + money(mostIdleAmount, currency) + "): capacity to cut or to fill, not a customer's cost.");
    return new Figure("unused-capacity", "Cost to serve by pool, with unused capacity", png, caption,
        numbers.build());
  }

  /** Shapiro's segments: gross margin ratio against cost-to-serve ratio, the period's medians as dividers. */
  private Figure segments(Dataset<Row> pnl, String period) {
    String margin = Insights.GROSS_MARGIN_RATIO;
    String cost = Insights.COST_TO_SERVE_RATIO;
    List<Row> counts = pnl.groupBy(Insights.SEGMENT).agg(count(lit(1)).as("customers"),
        sum(col(Insights.t12m("net_profit"))).as("t12m_net_profit")).collectAsList();
    List<Row> medians = Segments.median(pnl, margin, "margin_median")
        .join(Segments.median(pnl, cost, "cost_median"), PERIOD).collectAsList();
    List<Row> points = pnl.where(col(margin).isNotNull().and(col(cost).isNotNull()))
        .select(col(CUSTOMER_ID), col(cost), col(margin), col(Insights.SEGMENT))
        .orderBy(xxhash64(col(CUSTOMER_ID)), col(CUSTOMER_ID)).limit(SCATTER_POINTS).collectAsList();
    Map<String, List<Charts.Point>> groups = new LinkedHashMap<>();
    SEGMENT_ORDER.forEach(segment -> groups.put(segment, new ArrayList<>()));
    double[] xs = new double[points.size()];
    double[] ys = new double[points.size()];
    for (int i = 0; i < points.size(); i++) {
      Row row = points.get(i);
      xs[i] = row.getDecimal(1).doubleValue();
      ys[i] = row.getDecimal(2).doubleValue();
      groups.computeIfAbsent(row.getString(3), k -> new ArrayList<>()).add(new Charts.Point(xs[i], ys[i]));
    }
    // No customer with revenue: no ratios, no medians, nothing to draw.
    BigDecimal marginMedian = medians.isEmpty() ? null : medians.get(0).getDecimal(1);
    BigDecimal costMedian = medians.isEmpty() ? null : medians.get(0).getDecimal(2);
    // The axes show the middle 96% of the customers: a customer with almost no revenue has a ratio of 50 and
    // would squash everyone else into a corner. The counts below are exact; the few outside are counted.
    double[] xRange = logWindow(xs);
    double[] yRange = window(ys);
    long outside = points.stream().filter(r -> {
      double x = r.getDecimal(1).doubleValue();
      double y = r.getDecimal(2).doubleValue();
      return x < xRange[0] || x > xRange[1] || y < yRange[0] || y > yRange[1];
    }).count();
    byte[] png = points.isEmpty() ? null : Charts.scatter("Customer segments (Shapiro), " + period,
        "cost to serve / net revenue, t12m (log scale)", "gross margin / net revenue, t12m", groups, SEGMENT_COLOURS,
        costMedian.doubleValue(), marginMedian.doubleValue(), xRange, yRange);
    Map<String, Row> bySegment = new LinkedHashMap<>();
    counts.forEach(row -> bySegment.put(row.getString(0), row));
    Table.Builder numbers = new Table.Builder("segment", "customers", "t12m_net_profit");
    List<String> order = new ArrayList<>(SEGMENT_ORDER);
    bySegment.keySet().stream().filter(s -> !order.contains(s)).sorted().forEach(order::add);
    for (String segment : order) {
      Row row = bySegment.get(segment);
      numbers.row(Table.Cell.text(segment), Table.Cell.count(row == null ? 0 : row.getLong(1)),
          Table.Cell.money(row == null ? BigDecimal.ZERO : row.getDecimal(2)));
    }
    numbers.row(Table.Cell.text("median gross margin ratio"), Table.Cell.decimal(marginMedian), Table.Cell.text(""));
    numbers.row(Table.Cell.text("median cost-to-serve ratio"), Table.Cell.decimal(costMedian), Table.Cell.text(""));
    long drawn = points.size();
    String caption = "Each dot is a customer, placed by its trailing-12-month gross margin and cost to serve, both "
        + "per unit of net revenue; the lines are the period's medians. Top left, PASSIVE customers pay well and "
        + "cost little: protect them. Top right, CARRIAGE_TRADE pay well and cost much: watch the service. Bottom "
        + "left, BARGAIN_BASEMENT are cheap on both. Bottom right, AGGRESSIVE demand low prices and high service: "
        + "reprice or reduce their cost to serve. "
        + (drawn == SCATTER_POINTS ? "Drawn: a fixed sample of " + counted(drawn) + " customers; the table counts all. "
        : "") + (outside > 0 ? counted(outside) + " customers with extreme ratios lie outside the axes. " : "")
        + "Customers without t12m net revenue (NO_REVENUE) have no ratios and are only counted.";
    return new Figure("segments", "Customer segments (Shapiro)", png, caption, numbers.build());
  }

  /** Status changes of the period, by from and to status. */
  private Figure migrations(String period) {
    Dataset<Row> changes = lakehouse.read(Tables.PROFITABILITY_MIGRATION).where(col(PERIOD).equalTo(lit(period)));
    List<Row> rows = changes.groupBy("from_status", "to_status", "direction").agg(count(lit(1)).as("customers"))
        .orderBy(col("direction").desc(), col("customers").desc(), col("from_status"), col("to_status"))
        .collectAsList();
    List<Row> drivers = changes.where(col("direction").equalTo("WORSENED")).groupBy("main_driver")
        .agg(count(lit(1)).as("customers")).orderBy(col("customers").desc(), col("main_driver")).limit(1)
        .collectAsList();
    Map<String, Double> bars = new LinkedHashMap<>();
    Table.Builder numbers = new Table.Builder("from_status", "to_status", "direction", "customers");
    long worsened = 0;
    long improved = 0;
    for (Row row : rows) {
      bars.put(row.getString(0) + " → " + row.getString(1),
          (row.getString(2).equals("WORSENED") ? -1.0 : 1.0) * row.getLong(3));
      numbers.row(Table.Cell.text(row.getString(0)), Table.Cell.text(row.getString(1)), Table.Cell.text(row.getString(2)),
          Table.Cell.count(row.getLong(3)));
      if (row.getString(2).equals("WORSENED")) {
        worsened += row.getLong(3);
      } else {
        improved += row.getLong(3);
      }
    }
    byte[] png = rows.isEmpty() ? null : Charts.bars("Status migrations, " + period, "status change",
        "customers (worsened to the left, improved to the right)", bars, true, true);
    String caption = rows.isEmpty() ? "No customer changed status in " + period + "."
        : counted(worsened) + " customers worsened (red, to the left) and " + counted(improved) + " improved "
            + "(green, to the right) between the status of the period before and " + period + ", by trailing-12-month net profit."
            + (drivers.isEmpty() ? "" : " The component that most often drove a worsening: "
            + drivers.get(0).getString(0) + " (" + counted(drivers.get(0).getLong(1)) + " customers); "
            + "profitability_migration names it for each.");
    return new Figure("migrations", "Status migrations", png, caption, numbers.build());
  }

  /** Customers per recommended action, with what they earned over 12 months. */
  private Figure actions(Dataset<Row> pnl, String period) {
    List<Row> rows = pnl.groupBy(Insights.ACTION).agg(count(lit(1)).as("customers"),
        sum(col(Insights.t12m("net_profit"))).as("t12m_net_profit")).orderBy(col("customers").desc(),
        col(Insights.ACTION)).collectAsList();
    Map<String, Double> bars = new LinkedHashMap<>();
    Table.Builder numbers = new Table.Builder("recommended_action", "customers", "t12m_net_profit");
    for (Row row : rows) {
      bars.put(row.getString(0), (double) row.getLong(1));
      numbers.row(Table.Cell.text(row.getString(0)), Table.Cell.count(row.getLong(1)), Table.Cell.money(row.getDecimal(2)));
    }
    byte[] png = Charts.bars("Recommended actions, " + period, "action", "customers", bars, false, true);
    String caption = "How many customers each recommended action concerns in " + period + " and what they earned "
        + "over the trailing 12 months (table). The rules run in order on t12m figures: COLLECT overdue money first, "
        + "PROTECT the best, GROW the promising, KEEP_FOR_REFERRALS those whose referrals outweigh their loss, "
        + "REVIEW_RELATIONSHIP the long-standing losers, REPRICE or REDUCE_COST_TO_SERVE the rest that lose money. "
        + "The lists below name the best and worst customers.";
    return new Figure("actions", "Recommended actions", png, caption, numbers.build());
  }

  /** The ten best (or worst) customers by trailing-12-month net profit, with their action. */
  private Table customers(Dataset<Row> pnl, boolean best) {
    Dataset<Row> names = lakehouse.read(Tables.DIM_CUSTOMER).select(CUSTOMER_ID, "customer_name");
    List<Row> rows = pnl.join(names, new String[] {CUSTOMER_ID}, "left")
        .select(col(Insights.T12M_RANK), col(CUSTOMER_ID), col("customer_name"), col(Insights.t12m("net_revenue")),
            col(Insights.t12m("cost_to_serve")), col(Insights.t12m("net_profit")),
            col(Insights.t12m("referral_value")), col(Insights.STATUS), col(Insights.SEGMENT), col(Insights.ACTION))
        .orderBy(best ? col(Insights.T12M_RANK).asc() : col(Insights.T12M_RANK).desc()).limit(LISTED).collectAsList();
    Table.Builder table = new Table.Builder("t12m_rank", "customer_id", "customer_name", "t12m_net_revenue",
        "t12m_cost_to_serve", "t12m_net_profit", "t12m_referral_value", "status", "segment", "recommended_action");
    for (Row row : rows) {
      table.row(Table.Cell.count(row.getInt(0)), Table.Cell.text(row.getString(1)), Table.Cell.text(row.getString(2)),
          Table.Cell.money(row.getDecimal(3)), Table.Cell.money(row.getDecimal(4)), Table.Cell.money(row.getDecimal(5)),
          Table.Cell.money(row.getDecimal(6)), Table.Cell.text(row.getString(7)), Table.Cell.text(row.getString(8)),
          Table.Cell.text(row.getString(9)));
    }
    return table.build();
  }

  /** The referrers whose referred customers earned the most over 12 months, beside their own net profit. */
  private Figure referralValue(Dataset<Row> pnl, String period, String currency) {
    String value = Insights.t12m("referral_value");
    Row totals = pnl.agg(sum(col("referral_value")), sum(col(value)), count_if(col(value).gt(0))).first();
    List<Row> rows = pnl.where(col(value).gt(0))
        .select(col(CUSTOMER_ID), col(value), col(Insights.t12m("net_profit")), col("referred_customers_total"),
            col(Insights.ACTION))
        .orderBy(col(value).desc(), col(CUSTOMER_ID)).limit(LISTED).collectAsList();
    Map<String, Double> bars = new LinkedHashMap<>();
    Table.Builder numbers = new Table.Builder("customer_id", "t12m_referral_value", "t12m_net_profit",
        "referred_customers_total", "recommended_action");
    long losingReferrers = 0;
    for (Row row : rows) {
      bars.put(row.getString(0), row.getDecimal(1).doubleValue());
      numbers.row(Table.Cell.text(row.getString(0)), Table.Cell.money(row.getDecimal(1)), Table.Cell.money(row.getDecimal(2)),
          Table.Cell.count(row.getLong(3)), Table.Cell.text(row.getString(4)));
      if (row.getDecimal(2).signum() < 0) {
        losingReferrers++;
      }
    }
    BigDecimal periodValue = totals.getDecimal(0);
    byte[] png = rows.isEmpty() ? null : Charts.bars("Referral value, trailing 12 months to " + period,
        "referrer", "referral value (" + currency + ")", bars, false, true);
    String caption = rows.isEmpty() ? "No customer earned referral value in the 12 months to " + period + "."
        : counted(totals.getLong(2)) + " customers brought others whose profit credited them "
            + money(totals.getDecimal(1), currency) + " of referral value over the 12 months to " + period + " ("
            + money(periodValue, currency) + " in " + period + " itself). The ten largest are drawn; "
            + counted(losingReferrers) + " of them lose money on their own account, so cutting them off would "
            + "lose what their referrals bring. Referral value sits beside net profit, never inside it.";
    return new Figure("referral-value", "Referral value", png, caption, numbers.build());
  }

  /** Prospects by recommendation, and the best ones to pursue. */
  private Figure prospects(String currency) {
    Dataset<Row> scores = lakehouse.read(Tables.PROSPECT_SCORES);
    List<Row> rows = scores.groupBy("recommendation").agg(count(lit(1)).as("prospects"),
        sum(col("expected_first_year_profit")).as("expected")).orderBy("recommendation").collectAsList();
    List<Row> best = scores.where(col("recommendation").equalTo("PURSUE"))
        .select("prospect_id", "industry", "size_band", "region", "lead_source", "expected_first_year_profit",
            "cell_level", "lookalike_count")
        .orderBy(col("expected_first_year_profit").desc(), col("prospect_id")).limit(LISTED).collectAsList();
    Map<String, Double> bars = new LinkedHashMap<>();
    Table.Builder numbers = new Table.Builder("recommendation", "prospects", "expected_first_year_profit");
    long total = 0;
    for (Row row : rows) {
      bars.put(row.getString(0), (double) row.getLong(1));
      numbers.row(Table.Cell.text(row.getString(0)), Table.Cell.count(row.getLong(1)), Table.Cell.money(row.getDecimal(2)));
      total += row.getLong(1);
    }
    for (Row row : best) {
      numbers.row(Table.Cell.text("PURSUE " + row.getString(0) + " (" + row.getString(1) + ", " + row.getString(2)
              + ", " + row.getString(3) + ", " + row.getString(4) + "; " + row.getString(6) + " of "
              + row.getLong(7) + " look-alikes)"), Table.Cell.text(""), Table.Cell.money(row.getDecimal(5)));
    }
    byte[] png = rows.isEmpty() ? null : Charts.bars("Prospects by recommendation", "recommendation", "prospects",
        bars, false, false);
    String caption = rows.isEmpty() ? "No prospects were scored."
        : "Of " + counted(total) + " prospects, how many are worth a seller's first contact: PURSUE (expected "
            + "first-year net profit above the pursue threshold), NURTURE (positive), DEPRIORITIZE (zero or less), "
            + "INSUFFICIENT_HISTORY (no look-alike customer has a whole first year yet). The estimate comes from "
            + "look-alike customers (industry, size band, region, channel), shrunk toward broader cells when few; "
            + "the table lists the best prospects to call first.";
    return new Figure("prospects", "Prospect recommendations", png, caption, numbers.build());
  }

  /** The scenario summary, when `profitlake whatif` (or a run with scenarios) wrote one. */
  private Optional<Figure> scenarios(String currency) {
    List<Row> rows = lakehouse.read(Tables.SCENARIO_SUMMARY)
        .select("scenario", "window_first_period", "window_last_period", "customers_kept", "customers_exited",
            "company_profit", "change_in_company_profit", "referral_value_at_risk", "exited_allocated_cost")
        .orderBy(col("scenario").notEqual("baseline"), col("scenario")).collectAsList();
    if (rows.stream().noneMatch(row -> !row.getString(0).equals("baseline"))) {
      return Optional.empty();
    }
    Map<String, Double> bars = new LinkedHashMap<>();
    Table.Builder numbers = new Table.Builder("scenario", "customers_kept", "customers_exited", "company_profit",
        "change_in_company_profit", "referral_value_at_risk", "exited_allocated_cost");
    Row bestRow = null;
    for (Row row : rows) {
      if (!row.getString(0).equals("baseline")) {
        bars.put(row.getString(0), row.getDecimal(6).doubleValue());
        if (bestRow == null || row.getDecimal(6).compareTo(bestRow.getDecimal(6)) > 0) {
          bestRow = row;
        }
      }
      numbers.row(Table.Cell.text(row.getString(0)), Table.Cell.count(row.getLong(3)), Table.Cell.count(row.getLong(4)),
          Table.Cell.money(row.getDecimal(5)), Table.Cell.money(row.getDecimal(6)), Table.Cell.money(row.getDecimal(7)),
          Table.Cell.money(row.getDecimal(8)));
    }
    String window = rows.get(0).getString(1) + ".." + rows.get(0).getString(2);
    byte[] png = Charts.bars("Scenarios: change in company profit, " + window, "scenario",
        "change in company profit (" + currency + ")", bars, true, true);
    String caption = "What the company would keep over " + window + " under each scenario, against the baseline "
        + "(company profit = customers' net profit - unused capacity). The best is " + bestRow.getString(0) + " ("
        + money(bestRow.getDecimal(6), currency) + "). An exit frees a customer's allocated cost only where the "
        + "scenario also cuts capacity; otherwise that cost stays as unused capacity (exited_allocated_cost), and "
        + "the referral value at risk leaves with the customer.";
    return Optional.of(new Figure("scenarios", "Scenarios: keep, exit, reprice", png, caption, numbers.build()));
  }

  /** The 2nd to 98th percentile of the values, widened by 5% each side: the window a scatter axis shows. */
  static double[] window(double[] values) {
    if (values.length == 0) {
      return new double[] {0, 0};
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double low = sorted[(int) Math.floor(0.02 * (sorted.length - 1))];
    double high = sorted[(int) Math.ceil(0.98 * (sorted.length - 1))];
    double margin = Math.max(high - low, 1e-6) * 0.05;
    return new double[] {low - margin, high + margin};
  }

  /** Like {@link #window} for a log axis: the 2nd to 98th percentile of the positive values, widened by 20%. */
  static double[] logWindow(double[] values) {
    double[] positive = Arrays.stream(values).filter(v -> v > 0).toArray();
    double[] logs = window(Arrays.stream(positive).map(Math::log10).toArray());
    return positive.length == 0 ? new double[] {0, 0}
        : new double[] {Math.pow(10, logs[0]) / 1.2, Math.pow(10, logs[1]) * 1.2};
  }

  private static double percentOf(BigDecimal share) {
    return share.movePointRight(2).doubleValue();
  }

  private static BigDecimal share(BigDecimal part, BigDecimal whole) {
    return whole.signum() == 0 ? BigDecimal.ZERO : part.divide(whole, 6, RoundingMode.HALF_EVEN);
  }

  static String money(BigDecimal amount, String currency) {
    return Money.format(amount) + " " + currency;
  }

  private static String counted(long n) {
    return String.format(java.util.Locale.ROOT, "%,d", n);
  }
}
