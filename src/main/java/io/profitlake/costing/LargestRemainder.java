package io.profitlake.costing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitlake.currency.Money;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * The largest-remainder rule (methods.md): each part gets floor(share) in cents, then the cents left
 * go one each to the parts with the largest remainders, ties to the smaller key. The parts add up
 * to the total exactly. Runs per group with window functions; nothing is collected. Shares that do
 * not add up to the total (cents left below zero or above the number of parts) leave the parts off
 * the total, which the pool reconciliation turns into a failed run (exit 5).
 */
public final class LargestRemainder {
  private LargestRemainder() {}

  /**
   * @param parts one row per part: the group columns, the group's total (DECIMAL, cents) and the part's
   *     exact share in currency units (the shares of a group sum to its total)
   * @param tieBreak columns ordering parts with equal remainders (smaller first)
   * @param out name of the DECIMAL(18,2) column to add
   */
  public static Dataset<Row> split(Dataset<Row> parts, List<String> group, String totalColumn, String shareColumn,
      List<String> tieBreak, String out) {
    Column[] groupColumns = group.stream().map(c -> col(c)).toArray(Column[]::new);
    WindowSpec byGroup = Window.partitionBy(groupColumns);
    List<Column> order = new ArrayList<>();
    order.add(col("_lr_remainder").desc());
    tieBreak.forEach(c -> order.add(col(c).asc()));
    WindowSpec ranked = byGroup.orderBy(order.toArray(Column[]::new));
    Column shareCents = col(shareColumn).multiply(lit(100));
    return parts
        .withColumn("_lr_floor", floor(shareCents).cast(DataTypes.createDecimalType(20, 0)))
        .withColumn("_lr_remainder", shareCents.minus(col("_lr_floor")))
        .withColumn("_lr_left", col(totalColumn).multiply(lit(100)).cast(DataTypes.createDecimalType(20, 0))
            .minus(sum(col("_lr_floor")).over(byGroup)))
        .withColumn("_lr_rank", row_number().over(ranked))
        .withColumn(out, col("_lr_floor").plus(when(col("_lr_rank").leq(col("_lr_left")), lit(1)).otherwise(lit(0)))
            .divide(lit(100)).cast(Money.TYPE))
        .drop("_lr_floor", "_lr_remainder", "_lr_left", "_lr_rank");
  }
}
