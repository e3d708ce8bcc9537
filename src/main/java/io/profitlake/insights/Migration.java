package io.profitlake.insights;

import static io.profitlake.insights.Insights.INDEX;
import static io.profitlake.insights.Insights.NET_PROFIT;
import static io.profitlake.insights.Insights.STATUS;
import static io.profitlake.insights.Insights.t12m;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.profitlake.costing.Acquisition;
import io.profitlake.costing.Receivables;
import io.profitlake.currency.Money;
import io.profitlake.revenue.RevenueSide;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Status migrations (methods.md): a row where a customer's status differs from its status in the
 * previous period, naming the P&L component whose signed t12m contribution to net profit moved most
 * against the direction of the change.
 */
public final class Migration {
  public static final String WORSENED = "WORSENED";
  public static final String IMPROVED = "IMPROVED";
  private static final String PREVIOUS = "_prev_";

  private Migration() {}

  /**
   * The components that can drive a migration, in methods.md's order (ties go to the first):
   * net_revenue counts +, every cost -.
   */
  public static List<String> drivers(List<String> activityColumns) {
    List<String> drivers = new ArrayList<>(List.of(RevenueSide.NET_REVENUE, RevenueSide.COGS, RevenueSide.COMMISSIONS));
    drivers.addAll(activityColumns);
    drivers.addAll(List.of(Acquisition.ACQUISITION_COST, Receivables.BAD_DEBT, Receivables.FINANCING_COST));
    return drivers;
  }

  /** Adds the previous row's period index, status and t12m driver figures (the row before in time). */
  static Dataset<Row> withPrevious(Dataset<Row> timeline, List<String> activityColumns) {
    WindowSpec ordered = Window.partitionBy(col("customer_id")).orderBy(col(INDEX));
    Dataset<Row> rows = timeline
        .withColumn(PREVIOUS + INDEX, lag(col(INDEX), 1).over(ordered))
        .withColumn(PREVIOUS + STATUS, lag(col(STATUS), 1).over(ordered))
        .withColumn(PREVIOUS + t12m(NET_PROFIT), lag(col(t12m(NET_PROFIT)), 1).over(ordered));
    for (String driver : drivers(activityColumns)) {
      rows = rows.withColumn(PREVIOUS + t12m(driver), lag(col(t12m(driver)), 1).over(ordered));
    }
    return rows;
  }

  static Dataset<Row> dropPrevious(Dataset<Row> rows) {
    return rows.drop(java.util.Arrays.stream(rows.columns()).filter(c -> c.startsWith(PREVIOUS) || c.equals(INDEX))
        .toArray(String[]::new));
  }

  /**
   * customer_id, period, previous_period, from_status, to_status, direction, main_driver,
   * main_driver_change, previous_t12m_net_profit, t12m_net_profit. A customer's first period, or a
   * period after one without a row, has no previous status and so no migration.
   */
  static Dataset<Row> rows(Dataset<Row> withPrevious, List<String> activityColumns) {
    List<String> drivers = drivers(activityColumns);
    Dataset<Row> changed = withPrevious
        .where(col(PREVIOUS + INDEX).equalTo(col(INDEX).minus(1))
            .and(col(PREVIOUS + STATUS).isNotNull())
            .and(col(STATUS).notEqual(col(PREVIOUS + STATUS))));
    List<Column> changes = new ArrayList<>();
    for (String driver : drivers) {
      Column change = col(t12m(driver)).minus(coalesce(col(PREVIOUS + t12m(driver)), lit(0)));
      changes.add(driver.equals(RevenueSide.NET_REVENUE) ? change : change.unary_$minus());
    }
    Column[] all = changes.toArray(Column[]::new);
    Column worsened = Status.level(col(STATUS)).lt(Status.level(col(PREVIOUS + STATUS)));
    Column extreme = when(worsened, least(all)).otherwise(greatest(all));
    Column[] firstMatch = new Column[drivers.size()];
    for (int i = 0; i < drivers.size(); i++) {
      firstMatch[i] = when(changes.get(i).equalTo(col("_extreme")), lit(drivers.get(i)));
    }
    return changed
        .withColumn("_extreme", extreme)
        .select(
            col("customer_id"),
            col("period"),
            io.profitlake.profitability.Periods.name(col(PREVIOUS + INDEX)).as("previous_period"),
            col(PREVIOUS + STATUS).as("from_status"),
            col(STATUS).as("to_status"),
            when(worsened, lit(WORSENED)).otherwise(lit(IMPROVED)).as("direction"),
            coalesce(firstMatch).as("main_driver"),
            Money.of(col("_extreme")).as("main_driver_change"),
            col(PREVIOUS + t12m(NET_PROFIT)).as("previous_t12m_net_profit"),
            col(t12m(NET_PROFIT)).as(t12m(NET_PROFIT)));
  }
}
