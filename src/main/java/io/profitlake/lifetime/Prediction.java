package io.profitlake.lifetime;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF6;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One customer's forward-looking value from the fitted models (methods.md, Predictions and Discounted CLV). A Spark
 * UDF, because the series for E[Y(H)] and the special functions have no built-in equivalent; it computes in
 * double, as a statistical expectation must, and rounds HALF_EVEN once at the end: money to cents, probabilities
 * and counts to 6 decimals.
 */
final class Prediction implements UDF6<Long, Integer, Integer, Long, BigDecimal, Long, Row> {
  static final StructType TYPE = new StructType()
      .add("t_x", DataTypes.createDecimalType(18, 6))
      .add("T", DataTypes.createDecimalType(18, 6))
      .add("m_x", DataTypes.createDecimalType(18, 2))
      .add("p_alive", DataTypes.createDecimalType(18, 6))
      .add("expected_purchases_h", DataTypes.createDecimalType(18, 6))
      .add("expected_margin_per_purchase", DataTypes.createDecimalType(18, 2))
      .add("expected_gross_margin_h", DataTypes.createDecimalType(18, 2))
      .add("clv_discounted", DataTypes.createDecimalType(18, 2))
      .add("cost_per_occasion", DataTypes.createDecimalType(18, 2))
      .add("clv_net_discounted", DataTypes.createDecimalType(18, 2));

  /**
   * The horizon of the CLV: K monthly steps of s = 4.345 weeks (30.415 days), each discounted at its end.
   *
   * @param unitDays 7 (weeks) or 1 (days)
   */
  record Horizon(int unitDays, int months, double monthlyDiscountRate) implements Serializable {
    static final double DAYS_PER_MONTH = 30.415;

    /** One month in the model's unit. */
    double step() {
      return unitDays == 7 ? 4.345 : DAYS_PER_MONTH;
    }

    /** H = K s. */
    double length() {
      return months * step();
    }

    /** Sum over k of (E[Y(k s)] - E[Y((k-1) s)]) / (1 + d)^k: the CLV per unit of margin per purchase. */
    double discountedPurchases(BgNbd model, long x, double tx, double bigT) {
      return purchases(model, x, tx, bigT)[0];
    }

    /** {discounted purchases, E[Y(H)]}: the last step's cumulative value is the undiscounted count over H. */
    double[] purchases(BgNbd model, long x, double tx, double bigT) {
      double previous = 0;
      double sum = 0;
      for (int k = 1; k <= months; k++) {
        double cumulative = model.expectedPurchases(k * step(), x, tx, bigT);
        sum += (cumulative - previous) / Math.pow(1 + monthlyDiscountRate, k);
        previous = cumulative;
      }
      return new double[] {sum, previous};
    }
  }

  private final BgNbd purchases;
  private final GammaGamma margins;
  private final Horizon horizon;

  /**
   * @param purchases the BG/NBD fit, or null when it did not converge (then no prediction at all)
   * @param margins the Gamma-Gamma fit, or null (then no margin and no CLV)
   */
  Prediction(BgNbd purchases, GammaGamma margins, Horizon horizon) {
    this.purchases = purchases;
    this.margins = margins;
    this.horizon = horizon;
  }

  /**
   * @param x repeat occasions
   * @param txDays days from the first to the last occasion
   * @param bigTDays days from the first occasion to the calibration end
   * @param repeatCents the margin of the x repeat occasions, in cents
   * @param cost cost to serve and commissions the cost per occasion divides
   * @param occasions the occasions it divides by (0: no cost per occasion)
   */
  @Override
  public Row call(Long x, Integer txDays, Integer bigTDays, Long repeatCents, BigDecimal cost, Long occasions) {
    double tx = txDays / (double) horizon.unitDays();
    double bigT = bigTDays / (double) horizon.unitDays();
    BigDecimal meanMargin = x == 0 ? null
        : BigDecimal.valueOf(repeatCents, 2).divide(BigDecimal.valueOf(x), 2, RoundingMode.HALF_EVEN);
    BigDecimal costPerOccasion = occasions == 0 ? BigDecimal.ZERO.setScale(2)
        : cost.divide(BigDecimal.valueOf(occasions), 2, RoundingMode.HALF_EVEN);
    BigDecimal pAlive = null;
    BigDecimal expectedPurchases = null;
    BigDecimal marginPerPurchase = null;
    BigDecimal grossMargin = null;
    BigDecimal clv = null;
    BigDecimal clvNet = null;
    if (purchases != null) {
      double[] steps = horizon.purchases(purchases, x, tx, bigT);
      double discounted = steps[0];
      double eyh = steps[1];
      pAlive = decimal(purchases.probabilityAlive(x, tx, bigT), 6);
      expectedPurchases = decimal(eyh, 6);
      if (margins != null) {
        double ez = margins.expectedMargin(x, x == 0 ? 0 : repeatCents / (100.0 * x));
        marginPerPurchase = decimal(ez, 2);
        grossMargin = decimal(ez * eyh, 2);
        clv = decimal(ez * discounted, 2);
        clvNet = decimal((ez - costPerOccasion.doubleValue()) * discounted, 2);
      }
    }
    return RowFactory.create(decimal(tx, 6), decimal(bigT, 6), meanMargin, pAlive, expectedPurchases, marginPerPurchase,
        grossMargin, clv, costPerOccasion, clvNet);
  }

  private static BigDecimal decimal(double value, int scale) {
    return new BigDecimal(value).setScale(scale, RoundingMode.HALF_EVEN);
  }
}
