package io.profitlake.currency;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Conversion to the base currency (methods.md, Currency): each row's amounts times the rate of its
 * event's period, rounded HALF_EVEN to cents at once, so everything downstream sums booked cents.
 */
public final class Currency {
  private Currency() {}

  /**
   * @param rows rows with a currency column and a period column (yyyy-MM)
   * @param fxRates accepted fx_rates (period, currency, rate_to_base)
   * @param amounts the money columns to convert in place (null stays null)
   */
  public static Dataset<Row> toBase(Dataset<Row> rows, Dataset<Row> fxRates, String baseCurrency,
      String periodColumn, String currencyColumn, List<String> amounts) {
    // fx_rates is months x currencies: small enough to broadcast to every task.
    Dataset<Row> rates = functions.broadcast(fxRates.select(
        col("period").as("_fx_period"), col("currency").as("_fx_currency"), col("rate_to_base").as("_fx_rate")));
    Dataset<Row> joined = rows.join(rates,
        col(periodColumn).equalTo(col("_fx_period")).and(col(currencyColumn).equalTo(col("_fx_currency"))), "left");
    for (String amount : amounts) {
      Column converted = when(col(currencyColumn).equalTo(lit(baseCurrency)), col(amount))
          .otherwise(bround(col(amount).multiply(col("_fx_rate")), 2));
      joined = joined.withColumn(amount, Money.of(converted));
    }
    return joined.drop("_fx_period", "_fx_currency", "_fx_rate");
  }
}
