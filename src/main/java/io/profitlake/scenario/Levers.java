package io.profitlake.scenario;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.profitlake.config.Scenario;
import io.profitlake.insights.Insights;
import io.profitlake.lakehouse.Tables;
import io.profitlake.source.AcceptedRows;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;

/**
 * A scenario's view of the run's accepted rows (methods.md, Scenarios): its levers change only rows whose
 * period is in the window. The exited customers' lines, tickets, calls, sales activities and invoices issued in
 * the window are dropped; prices change on the SALE and RETURN lines of the segments named; a pool's own cost
 * is multiplied by its cost factor. Pool capacities and time equations change in the cost model instead
 * ({@link Scenario#applyTo}).
 */
public final class Levers {
  /** The column each source's window period is read from (the period the computation books the row in). */
  private static final Map<String, String> EVENT_TIME = Map.of(
      "transactions", "transaction_ts",
      "invoices", "issue_date",
      "support_tickets", "opened_ts",
      "calls", "call_ts",
      "sales_activities", "activity_ts");
  private static final String EXITED = "_exited";
  private static final String SEGMENT = "_segment";

  private Levers() {}

  /**
   * @param exited customer_id of the customers that leave at the start of the window
   * @param standing where each customer stood before the window (segments for the price changes), if known
   */
  public static AcceptedRows apply(AcceptedRows accepted, Scenario scenario, Dataset<Row> exited,
      Optional<Dataset<Row>> standing, ScenarioWindow window) {
    return source -> {
      Dataset<Row> rows = accepted.accepted(source);
      if (source.equals("cost_pools")) {
        return costFactors(rows, scenario, window);
      }
      if (source.equals("transactions")) {
        rows = priceChanges(rows, scenario, standing, window);
      }
      if (scenario.exit().isPresent() && EVENT_TIME.containsKey(source)) {
        rows = withoutExited(rows, exited, inWindow(EVENT_TIME.get(source), window));
      }
      return rows;
    };
  }

  private static Column inWindow(String timeColumn, ScenarioWindow window) {
    return date_format(col(timeColumn), "yyyy-MM").isin(window.periods().names().toArray());
  }

  private static Dataset<Row> withoutExited(Dataset<Row> rows, Dataset<Row> exited, Column inWindow) {
    // The exited customers are few next to the rows: broadcast, and no shuffle of the rows.
    return rows.join(broadcast(exited.select(col(Tables.CUSTOMER_ID), lit(true).as(EXITED))),
            new String[] {Tables.CUSTOMER_ID}, "left")
        .where(not(coalesce(col(EXITED), lit(false)).and(inWindow)))
        .select(columns(rows));
  }

  /** net_amount becomes round_half_even(net_amount x (1 + fraction), 2), in the line's currency. */
  private static Dataset<Row> priceChanges(Dataset<Row> lines, Scenario scenario, Optional<Dataset<Row>> standing,
      ScenarioWindow window) {
    if (scenario.priceChanges().isEmpty()) {
      return lines;
    }
    Column fraction;
    Dataset<Row> rows = lines;
    Scenario.PriceChange first = scenario.priceChanges().get(0);
    if (first.segment().equals(Scenario.ALL_SEGMENTS)) {
      fraction = lit(first.fraction());
    } else if (standing.isEmpty()) {
      return lines;
    } else {
      rows = lines.join(standing.get().select(col(Tables.CUSTOMER_ID), col(Insights.SEGMENT).as(SEGMENT)),
          new String[] {Tables.CUSTOMER_ID}, "left");
      Column byCase = null;
      for (Scenario.PriceChange change : scenario.priceChanges()) {
        Column segment = col(SEGMENT).equalTo(lit(change.segment()));
        byCase = byCase == null ? when(segment, lit(change.fraction())) : byCase.when(segment, lit(change.fraction()));
      }
      fraction = byCase;
    }
    DataType amountType = lines.schema().apply("net_amount").dataType();
    Column priced = col("transaction_type").isin("SALE", "RETURN").and(inWindow("transaction_ts", window))
        .and(fraction.isNotNull());
    Column changed = bround(col("net_amount").multiply(lit(BigDecimal.ONE).plus(fraction)), 2);
    return rows.withColumn("net_amount", when(priced, changed).otherwise(col("net_amount")).cast(amountType))
        .select(columns(lines));
  }

  /** A pool's own cost in a window period times its cost factor, rounded HALF_EVEN to cents. */
  private static Dataset<Row> costFactors(Dataset<Row> costs, Scenario scenario, ScenarioWindow window) {
    Column amount = col("amount");
    Column inWindow = col("period").isin(window.periods().names().toArray());
    boolean any = false;
    for (Map.Entry<String, Scenario.PoolLever> lever : scenario.pools().entrySet()) {
      if (lever.getValue().costFactor().isPresent()) {
        any = true;
        BigDecimal factor = lever.getValue().costFactor().get();
        amount = when(inWindow.and(col("pool_id").equalTo(lit(lever.getKey()))),
            bround(col("amount").multiply(lit(factor)), 2)).otherwise(amount);
      }
    }
    if (!any) {
      return costs;
    }
    return costs.withColumn("amount", amount.cast(costs.schema().apply("amount").dataType())).select(columns(costs));
  }

  private static Column[] columns(Dataset<Row> frame) {
    String[] names = frame.columns();
    Column[] columns = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      columns[i] = col(names[i]);
    }
    return columns;
  }
}
