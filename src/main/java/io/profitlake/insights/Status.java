package io.profitlake.insights;

import static io.profitlake.insights.Insights.HISTORY;
import static io.profitlake.insights.Insights.INDEX;
import static io.profitlake.insights.Insights.NET_PROFIT;
import static io.profitlake.insights.Insights.STATUS;
import static io.profitlake.insights.Insights.TOTAL_RELATIONSHIP_VALUE;
import static io.profitlake.insights.Insights.UNPROFITABLE_IN_A_ROW;
import static io.profitlake.insights.Insights.t12m;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/** Status on t12m net profit, and the run of periods with a negative t12m relationship value. */
public final class Status {
  public static final String PROFITABLE = "PROFITABLE";
  public static final String BREAKEVEN = "BREAKEVEN";
  public static final String UNPROFITABLE = "UNPROFITABLE";
  /** customer_value only: a customer with rows up to the last period but none in it (quiet for 12 periods). */
  public static final String LAPSED = "LAPSED";

  private Status() {}

  /** PROFITABLE when t12m net profit > band, UNPROFITABLE when < -band, else BREAKEVEN. */
  public static Column of(Column t12mNetProfit, BigDecimal band) {
    return when(t12mNetProfit.gt(lit(band)), lit(PROFITABLE))
        .when(t12mNetProfit.lt(lit(band.negate())), lit(UNPROFITABLE))
        .otherwise(lit(BREAKEVEN));
  }

  /** Worse statuses rank lower: PROFITABLE 2 > BREAKEVEN 1 > UNPROFITABLE 0. */
  static Column level(Column status) {
    return when(status.equalTo(lit(PROFITABLE)), lit(2)).when(status.equalTo(lit(BREAKEVEN)), lit(1)).otherwise(lit(0));
  }

  static Dataset<Row> withStatus(Dataset<Row> rows, BigDecimal band) {
    return rows.withColumn(STATUS, when(col(HISTORY), col(STATUS)).otherwise(of(col(t12m(NET_PROFIT)), band)));
  }

  /**
   * periods_unprofitable_in_a_row: consecutive periods up to this one whose t12m total relationship
   * value is negative. A run ends at a period that is not negative or that has no row; a row read
   * back from the lakehouse carries its stored run, so a period rerun continues it.
   */
  static Dataset<Row> withUnprofitableRun(Dataset<Row> rows) {
    WindowSpec ordered = Window.partitionBy(col("customer_id")).orderBy(col(INDEX));
    WindowSpec upToHere = ordered.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column negative = col(t12m(TOTAL_RELATIONSHIP_VALUE)).lt(lit(0));
    Column previousIndex = lag(col(INDEX), 1).over(ordered);
    // The index of the last period that is not part of the run (the run is the periods after it).
    Column runBreak = when(col(HISTORY), col(INDEX).minus(coalesce(col(UNPROFITABLE_IN_A_ROW), lit(0))))
        .when(not(negative), col(INDEX))
        .when(previousIndex.isNull().or(previousIndex.notEqual(col(INDEX).minus(1))), col(INDEX).minus(1));
    return rows.withColumn("_run_break", runBreak)
        .withColumn(UNPROFITABLE_IN_A_ROW, when(col(HISTORY), col(UNPROFITABLE_IN_A_ROW))
            .when(negative, col(INDEX).minus(max(col("_run_break")).over(upToHere)))
            .otherwise(lit(0)).cast(DataTypes.IntegerType))
        .drop("_run_break");
  }
}
