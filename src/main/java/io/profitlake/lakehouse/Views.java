package io.profitlake.lakehouse;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.execution.command.ViewHelper;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Views for BI tools, declared once: made in the catalog by every run that finds them missing or
 * different, over the tables it writes, so that a SQL client gets the usual questions answered without
 * knowing the table layout.
 */
public final class Views {
  private Views() {}

  /** A view: its name, comment, and the query over the database's tables ({@code %s} = the database). */
  public record View(String name, String comment, String query) {
    String ddl(String database) {
      return "CREATE OR REPLACE VIEW " + database + "." + name + " COMMENT '" + TableSpec.escape(comment) + "' AS "
          + query(database);
    }

    String query(String database) {
      return query.replace("%s", database);
    }
  }

  public static final View CUSTOMER_LEAGUE = new View("v_customer_league",
      "The latest period's customers in rank order with name, P&L, t12m figures, status, segment and action.",
      "SELECT p.period, p.rank, p.customer_id, d.customer_name, d.industry, d.region, d.size_band, p.net_revenue, "
          + "p.gross_margin, p.cost_to_serve, p.net_profit, p.referral_value, p.t12m_rank, p.t12m_net_revenue, "
          + "p.t12m_net_profit, p.t12m_total_relationship_value, p.status, p.segment, p.recommended_action, "
          + "p.periods_unprofitable_in_a_row "
          + "FROM %s.customer_profitability p LEFT JOIN %s.dim_customer d ON d.customer_id = p.customer_id "
          + "WHERE p.period = (SELECT max(period) FROM %s.customer_profitability)");

  public static final View COMPANY_PNL = new View("v_company_pnl",
      "The company P&L per period, summed from the customer P&L, with the count of customers and unprofitable ones.",
      "SELECT period, count(*) AS customers, count_if(net_profit < 0) AS unprofitable_customers, "
          + "sum(net_revenue) AS net_revenue, sum(cogs) AS cogs, sum(gross_margin) AS gross_margin, "
          + "sum(commissions) AS commissions, sum(cost_to_serve) AS cost_to_serve, "
          + "sum(acquisition_cost) AS acquisition_cost, sum(bad_debt) AS bad_debt, "
          + "sum(financing_cost) AS financing_cost, sum(net_profit) AS net_profit, "
          + "sum(referral_value) AS referral_value "
          + "FROM %s.customer_profitability GROUP BY period");

  public static final View COST_TO_SERVE_BY_ACTIVITY = new View("v_cost_to_serve_by_activity",
      "Cost to serve per period, activity and pool: customers served, driver units, minutes and amount allocated.",
      "SELECT period, activity, pool_id, driver, count(DISTINCT customer_id) AS customers, "
          + "sum(driver_quantity) AS driver_quantity, sum(minutes) AS minutes, sum(allocated_amount) AS allocated_amount "
          + "FROM %s.cost_to_serve GROUP BY period, activity, pool_id, driver");

  public static final View SCENARIO_COMPARISON = new View("v_scenario_comparison",
      "Keep or exit: each scenario's company profit over the window beside the baseline's, with what moved it: "
          + "revenue and margin lost, cost to serve allocated, capacity left unused, and what an exit leaves behind.",
      "SELECT s.scenario, s.description, s.window_first_period, s.window_last_period, s.customers_kept, "
          + "s.customers_exited, s.company_profit, b.company_profit AS baseline_company_profit, "
          + "s.change_in_company_profit, s.net_revenue - b.net_revenue AS net_revenue_change, "
          + "s.gross_margin - b.gross_margin AS gross_margin_change, "
          + "s.cost_to_serve - b.cost_to_serve AS cost_to_serve_change, "
          + "s.unused_capacity - b.unused_capacity AS unused_capacity_change, s.exited_allocated_cost, "
          + "s.sunk_acquisition_cost, s.referral_value_at_risk "
          + "FROM %s.scenario_summary s JOIN %s.scenario_summary b ON b.scenario = 'baseline'");

  public static final View CUSTOMER_LIFETIME_VALUE = new View("v_customer_lifetime_value",
      "What each customer is still worth beside what it earned: lifetime value gross and net of its cost to serve "
          + "(customer_lifetime_value) with its name, t12m net profit, status, segment and action (customer_value). "
          + "worth_margin_not_service: a positive CLV that turns negative net of the cost to serve.",
      "SELECT l.customer_id, d.customer_name, d.industry, d.region, d.size_band, l.calibration_end, l.x, l.t_x, l.T, "
          + "l.m_x, l.p_alive, l.expected_purchases_h, l.expected_margin_per_purchase, l.clv_discounted, "
          + "l.cost_per_occasion, l.clv_net_discounted, "
          + "(l.clv_discounted > 0 AND l.clv_net_discounted < 0) AS worth_margin_not_service, "
          + "v.t12m_net_profit, v.lifetime_net_profit, v.status, v.segment, v.recommended_action "
          + "FROM %s.customer_lifetime_value l LEFT JOIN %s.dim_customer d ON d.customer_id = l.customer_id "
          + "LEFT JOIN %s.customer_value v ON v.customer_id = l.customer_id");

  public static final List<View> ALL = List.of(CUSTOMER_LEAGUE, COMPANY_PNL, COST_TO_SERVE_BY_ACTIVITY,
      SCENARIO_COMPARISON, CUSTOMER_LIFETIME_VALUE);

  /**
   * Creates every view the database lacks and replaces every one that differs from its declaration.
   * A view already as declared is left alone: replacing it costs the catalog calls and the analysis
   * of its query (about 2 s a run for the three, measured in the commit that made this change).
   */
  public static void create(SparkSession spark, String database) {
    for (View view : ALL) {
      if (isCurrent(spark, database, view)) {
        continue;
      }
      try {
        spark.sql(view.ddl(database));
      } catch (Exception e) {
        // Two runs replacing the same view at once: the metastore lets one create it; the other replaces it now.
        if (!spark.catalog().tableExists(database + "." + view.name())) {
          throw e;
        }
        spark.sql(view.ddl(database));
      }
    }
  }

  /**
   * Whether the catalog holds the view as declared: a view, with the declared query and comment, made by
   * this version of Spark under the SQL settings this session would give it (a view keeps the settings it
   * was made with, such as ANSI mode: a change of either makes it again).
   */
  public static boolean isCurrent(SparkSession spark, String database, View view) {
    SessionCatalog catalog = spark.sessionState().catalog();
    TableIdentifier id = new TableIdentifier(view.name(), scala.Option.apply(database));
    if (!catalog.tableExists(id)) {
      return false;
    }
    CatalogTable stored;
    try {
      stored = catalog.getTableMetadata(id);
    } catch (org.apache.spark.sql.AnalysisException | RuntimeException vanished) {
      return false;  // dropped meanwhile (another run replacing it): made again below
    }
    return stored.tableType().equals(CatalogTableType.VIEW())
        && view.query(database).equals(stored.viewText().getOrElse(() -> null))
        && view.comment().equals(stored.comment().getOrElse(() -> null))
        && spark.version().equals(stored.createVersion())
        && sqlSettings(stored.viewSQLConfigs())
            .equals(sqlSettings(ViewHelper.sqlConfigsToProps(spark.sessionState().conf(), "")));
  }

  /**
   * The Spark SQL settings among those a view captures. Others are left out: Delta's, for one, include the
   * run's commit tag, which differs from run to run and means nothing to a view.
   */
  private static Map<String, String> sqlSettings(scala.collection.Map<String, String> captured) {
    return CollectionConverters.asJava(captured).entrySet().stream()
        .filter(setting -> setting.getKey().startsWith("spark.sql."))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
