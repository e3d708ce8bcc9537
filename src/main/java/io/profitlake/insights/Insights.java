package io.profitlake.insights;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.profitlake.config.CostModel.Thresholds;
import io.profitlake.costing.CostToServe;
import io.profitlake.lineage.Lineage;
import io.profitlake.referral.ReferralAttribution;
import io.profitlake.revenue.RevenueSide;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The insights of methods.md (Ranking, whale curve, segments, status, actions) on top of the
 * customer P&L: trailing-12-month figures, status, ranks and deciles, Shapiro's segments, the run
 * of unprofitable periods, the recommended action, and the status migrations.
 *
 * <p>A run may process only some periods ({@code --from/--to}); the figures that look back (t12m
 * sums, the unprofitable run, the previous status) then continue from the rows the lakehouse holds
 * for the periods before, so that a period rerun gives the rows a full run would.
 */
public final class Insights {
  public static final String T12M = "t12m_";
  public static final String NET_PROFIT = "net_profit";
  public static final String TOTAL_RELATIONSHIP_VALUE = "total_relationship_value";
  public static final String RANK = "rank";
  public static final String DECILE = "decile";
  public static final String T12M_RANK = "t12m_rank";
  public static final String T12M_DECILE = "t12m_decile";
  public static final String STATUS = "status";
  public static final String SEGMENT = "segment";
  public static final String GROSS_MARGIN_RATIO = "t12m_gross_margin_ratio";
  public static final String COST_TO_SERVE_RATIO = "t12m_cost_to_serve_ratio";
  public static final String UNPROFITABLE_IN_A_ROW = "periods_unprofitable_in_a_row";
  public static final String ACTION = "recommended_action";

  /** How far the trailing figures look back: the period and the 11 before it. */
  public static final int TRAILING_PERIODS = 12;

  /** Marks the rows read back from the lakehouse for the periods before the processed ones. */
  static final String HISTORY = "_history";
  static final String INDEX = "_index";

  private Insights() {}

  /** The customer P&L with its insights, and the status migrations of the processed periods. */
  public record Result(Dataset<Row> profitability, Dataset<Row> migration) {}

  /**
   * The P&L components whose t12m sums are kept, in the order of methods.md's migration drivers
   * (net_revenue, cogs, commissions, each activity, acquisition_cost, bad_debt, financing_cost),
   * then the subtotals the rules read.
   */
  public static List<String> trailingComponents(List<String> activityColumns) {
    List<String> components = new ArrayList<>(Migration.drivers(activityColumns));
    components.addAll(List.of(RevenueSide.GROSS_MARGIN, CostToServe.COST_TO_SERVE, NET_PROFIT,
        ReferralAttribution.REFERRAL_VALUE, TOTAL_RELATIONSHIP_VALUE));
    return components;
  }

  /** The t12m column of a component. */
  public static String t12m(String component) {
    return T12M + component;
  }

  /**
   * @param current the processed periods' P&L rows (every component, net_profit, referral_value,
   *     total_relationship_value)
   * @param history the lakehouse's rows of the periods before the processed ones, as written by an
   *     earlier run (may be empty); only the last {@link #TRAILING_PERIODS} - 1 matter
   */
  public static Result enrich(Dataset<Row> current, Dataset<Row> history, List<String> activityColumns,
      Thresholds thresholds) {
    List<String> components = trailingComponents(activityColumns);
    List<String> present = List.of(history.columns());
    Dataset<Row> earlier = history.select(historyColumns(activityColumns).stream()
            .map(c -> present.contains(c) ? col(c) : lit(null).as(c))  // a table from before the insights: no carry-in
            .toArray(org.apache.spark.sql.Column[]::new))
        .withColumn(HISTORY, lit(true));
    Dataset<Row> timeline = current.withColumn(HISTORY, lit(false)).unionByName(earlier, true);

    Dataset<Row> trailing = Trailing.sums(timeline, components);
    Dataset<Row> withStatus = Status.withStatus(trailing, thresholds.statusBand());
    Dataset<Row> withRun = Status.withUnprofitableRun(withStatus);
    // Cut here: the ranking, segment and migration steps below each reread it.
    Dataset<Row> withPrevious = Lineage.cut(Migration.withPrevious(withRun, activityColumns)
        .where(col(HISTORY).equalTo(lit(false)))
        .drop(HISTORY));

    Dataset<Row> ranked = Ranking.withRanks(withPrevious);
    Dataset<Row> segmented = Segments.withSegments(ranked);
    Dataset<Row> profitability = Actions.withAction(segmented, thresholds);
    Dataset<Row> migration = Migration.rows(withPrevious, activityColumns);
    return new Result(Migration.dropPrevious(profitability), migration);
  }

  /** Columns the history rows must bring (a table written before the insights existed lacks some). */
  public static List<String> historyColumns(List<String> activityColumns) {
    List<String> columns = new ArrayList<>(List.of("customer_id", "period", STATUS, UNPROFITABLE_IN_A_ROW));
    for (String component : trailingComponents(activityColumns)) {
      columns.add(component);
      columns.add(t12m(component));
    }
    return columns;
  }
}
