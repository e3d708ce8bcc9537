package io.profitlake.costing;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.profitlake.config.CostModel;
import io.profitlake.currency.Money;
import io.profitlake.failure.JobFailure;
import io.profitlake.profitability.Periods;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The cost-to-serve stage: driver units, time equations, pool allocation and reconciliation. */
public final class CostToServe {
  public static final String COST_TO_SERVE = "cost_to_serve";
  private static final String ACTIVITY_PREFIX = "cts_";

  private CostToServe() {}

  /** The customer P&L column of an activity's cost to serve. */
  public static String activityColumn(String activityId) {
    return ACTIVITY_PREFIX + activityId;
  }

  public static List<String> activityColumns(CostModel model) {
    return new TreeSet<>(model.activities().keySet()).stream().map(CostToServe::activityColumn).toList();
  }

  /**
   * @param lines allocation lineage: customer x period x activity (the cost_to_serve table)
   * @param reconciliation pool x period books (the cost_pool_reconciliation table)
   * @param perCustomer customer_id, period, one column per activity and cost_to_serve (sparse)
   */
  public record Result(Dataset<Row> lines, Dataset<Row> reconciliation, Dataset<Row> perCustomer,
      List<Dataset<Row>> cached) {
    /** Frees the frames kept in memory for the writes. */
    public void release() {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * @param poolCosts accepted cost_pools in base currency (period, pool_id, amount)
   */
  public static Result compute(SparkSession spark, DriverUnits.Inputs inputs, Dataset<Row> poolCosts, CostModel model,
      Periods periods) {
    Dataset<Row> costs = poolCosts.where(col("period").isin(periods.names().toArray()))
        .select(col("period"), col("pool_id"), col("amount"));
    requireEveryPool(costs, model, periods);
    Dataset<Row> usage = ActivityUsage.perCustomer(DriverUnits.units(inputs, periods), model).persist();
    PoolAllocation.Result allocation = PoolAllocation.allocate(spark, costs, usage, model);
    Dataset<Row> lines = allocation.customerLines();
    List<String> activities = new ArrayList<>(new TreeSet<>(model.activities().keySet()));
    Dataset<Row> pivot = lines.groupBy(col("customer_id"), col("period"))
        .pivot(ActivityUsage.ACTIVITY, new ArrayList<>(activities))
        .agg(sum(col("allocated_amount")));
    List<Column> columns = new ArrayList<>(List.of(col("customer_id"), col("period")));
    Column total = lit(BigDecimal.ZERO);
    for (String activity : activities) {
      Column amount = coalesce(col(activity), lit(BigDecimal.ZERO)).cast(Money.TYPE);
      columns.add(amount.as(activityColumn(activity)));
      total = total.plus(amount);
    }
    columns.add(Money.of(total).as(COST_TO_SERVE));
    List<Dataset<Row>> cached = new ArrayList<>(allocation.cached());
    cached.add(usage);
    return new Result(lines, allocation.reconciliation(), pivot.select(columns.toArray(Column[]::new)), cached);
  }

  /** At most this many missing pool costs are named in the error; the rest are counted. */
  static final int NAMED_MISSING = 20;

  /** A pool with no cost row in a processed period is an input error: a missing cost is not a zero cost. */
  static void requireEveryPool(Dataset<Row> costs, CostModel model, Periods periods) {
    // The cost rows of the processed periods are about pools x periods (a few hundred): their keys come back in
    // one job, and the expected pairs are checked here rather than by an anti-join and a sort of their own.
    Set<List<String>> present = new HashSet<>();
    for (Row row : costs.select(col("period"), col("pool_id")).collectAsList()) {
      present.add(List.of(row.getString(0), row.getString(1)));
    }
    List<String> missing = new ArrayList<>();
    Set<String> pools = new TreeSet<>(model.allPoolIds());
    for (String period : new TreeSet<>(periods.names())) {
      for (String pool : pools) {
        if (!present.contains(List.of(period, pool))) {
          missing.add(pool + " in " + period);
        }
      }
    }
    if (!missing.isEmpty()) {
      int more = missing.size() - NAMED_MISSING;
      throw JobFailure.inputContract("source cost_pools has no cost for "
          + String.join(", ", missing.subList(0, Math.min(NAMED_MISSING, missing.size())))
          + (more > 0 ? " (and " + more + " more)" : "") + ": a missing cost is not a zero cost; add the rows "
          + "(amount 0 if the pool really cost nothing) or narrow --from/--to");
    }
  }
}
