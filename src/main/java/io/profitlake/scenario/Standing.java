package io.profitlake.scenario;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.profitlake.config.Scenario;
import io.profitlake.insights.Insights;
import io.profitlake.insights.Status;
import io.profitlake.lakehouse.Tables;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where each customer stood in the period before a scenario's window, as customer_value would say as of that
 * period (methods.md, customer_value): what the exit criteria and the price changes by segment read.
 */
public final class Standing {
  private Standing() {}

  /**
   * @param profitability customer_profitability rows (every period the lakehouse holds)
   * @return customer_id, status, segment, recommended_action, t12m_decile: one row per customer with a row up to
   *     {@code before}; a customer without a row in it is LAPSED, with null segment, action and decile
   */
  public static Dataset<Row> asOf(Dataset<Row> profitability, YearMonth before) {
    Column inBefore = col(Tables.PERIOD).equalTo(lit(before.toString()));
    // One row per customer and period: the values of the row in `before`, if any, are the maximum over it.
    return profitability.where(col(Tables.PERIOD).leq(lit(before.toString())))
        .groupBy(col(Tables.CUSTOMER_ID))
        .agg(max(when(inBefore, col(Insights.STATUS))).as(Insights.STATUS),
            max(when(inBefore, col(Insights.SEGMENT))).as(Insights.SEGMENT),
            max(when(inBefore, col(Insights.ACTION))).as(Insights.ACTION),
            max(when(inBefore, col(Insights.T12M_DECILE))).as(Insights.T12M_DECILE))
        .withColumn(Insights.STATUS, coalesce(col(Insights.STATUS), lit(Status.LAPSED)));
  }

  /**
   * The customers an exit lets go (customer_id): every criterion given holds. Without a standing (the window
   * starts at the first processed period) only the explicit customer list can match.
   */
  public static Dataset<Row> exited(SparkSession spark, Scenario.Exit exit, Optional<Dataset<Row>> standing) {
    Dataset<Row> listed = spark.createDataset(exit.customers(), Encoders.STRING()).toDF(Tables.CUSTOMER_ID);
    if (standing.isEmpty() || !exit.usesCustomerValue()) {
      return listed.distinct();
    }
    Column matches = lit(true);
    matches = matches.and(criterion(Insights.STATUS, exit.statuses()));
    matches = matches.and(criterion(Insights.SEGMENT, exit.segments()));
    matches = matches.and(criterion(Insights.ACTION, exit.recommendedActions()));
    matches = matches.and(criterion(Insights.T12M_DECILE, exit.t12mDeciles()));
    matches = matches.and(criterion(Tables.CUSTOMER_ID, exit.customers()));
    return standing.get().where(matches).select(col(Tables.CUSTOMER_ID));
  }

  /** A list matches any of its values; a null value never matches; an empty list is a criterion not given. */
  private static Column criterion(String column, List<?> values) {
    return values.isEmpty() ? lit(true) : coalesce(col(column).isin(values.toArray()), lit(false));
  }
}
