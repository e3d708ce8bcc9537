package io.profitlake.lifetime;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.profitlake.config.Settings;
import io.profitlake.costing.CostToServe;
import io.profitlake.currency.Money;
import io.profitlake.revenue.RevenueSide;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Customer lifetime value as of the last processed period (methods.md, Customer lifetime value): purchase
 * histories per customer (distributed), the BG/NBD and Gamma-Gamma fits on the driver over the aggregated groups,
 * and the predictions per customer (distributed).
 */
public final class LifetimeValue {
  private static final Logger LOG = LoggerFactory.getLogger(LifetimeValue.class);

  static final String X = "x";
  static final String TX_DAYS = "t_x_days";
  static final String T_DAYS = "T_days";
  static final String REPEAT_CENTS = "repeat_margin_cents";
  static final String OCCASIONS = "occasions";
  static final String OCCASIONS_T12M = "occasions_t12m";
  private static final int TRAILING_PERIODS = 12;

  private final Settings.Clv settings;
  private final YearMonth last;

  /** @param last the last processed period: its last day is the calibration end E */
  public LifetimeValue(Settings.Clv settings, YearMonth last) {
    this.settings = settings;
    this.last = last;
  }

  /** E: the last day of the last processed period. */
  public LocalDate calibrationEnd() {
    return last.atEndOfMonth();
  }

  /** The two fits of a run, with what clv_model records of them. */
  public record Fits(Fitted<BgNbd> purchases, Fitted<GammaGamma> margins, double purchasesFraction,
      double marginsFraction, Double correlation) {}

  /**
   * One row per customer with an occasion up to E: x, t_x and T in days, the margin of its repeat occasions in cents,
   * its occasions in all and in the 12 periods ending with the last one. Lazy; the run materialises it, since the
   * fits and the predictions all read it.
   *
   * @param transactions accepted transaction lines with their amounts in base currency and a period column
   */
  public Dataset<Row> histories(Dataset<Row> transactions) {
    LocalDate end = calibrationEnd();
    LocalDate trailingStart = last.minusMonths(TRAILING_PERIODS - 1).atDay(1);
    Dataset<Row> days = transactions
        .where(col("transaction_type").equalTo(lit("SALE")))
        .withColumn("day", to_date(col("transaction_ts")))
        .where(col("day").leq(lit(Date.valueOf(end))))
        .groupBy(col("customer_id"), col("day"))
        .agg(sum(col("net_amount").minus(col("cost_amount"))).as("margin"));
    return days.groupBy(col("customer_id"))
        .agg(min(col("day")).as("first_day"), max(col("day")).as("last_day"), count(lit(1)).as(OCCASIONS),
            sum(col("margin")).as("total_margin"), min_by(col("margin"), col("day")).as("first_margin"),
            sum(when(col("day").geq(lit(Date.valueOf(trailingStart))), 1).otherwise(0)).cast(DataTypes.LongType)
                .as(OCCASIONS_T12M))
        .select(col("customer_id"),
            col(OCCASIONS).minus(1).as(X),
            datediff(col("last_day"), col("first_day")).as(TX_DAYS),
            datediff(lit(Date.valueOf(end)), col("first_day")).as(T_DAYS),
            // Margins are booked cents (Currency rounds each converted line), so the sum in cents is exact.
            col("total_margin").minus(col("first_margin")).multiply(100).cast(DataTypes.LongType).as(REPEAT_CENTS),
            col(OCCASIONS), col(OCCASIONS_T12M));
  }

  /**
   * Fits both models on the driver. Each collects its groups (at most clv.max-fit-groups rows: the one place the
   * job brings data to the driver, as methods.md prescribes), sampling customers above that. Never throws for a
   * fit that fails: it comes back with converged = false and is logged as a warning.
   */
  public Fits fit(Dataset<Row> histories) {
    Sampled purchases = sampledGroups(histories, List.of(col(X), col(TX_DAYS), col(T_DAYS)), lit(true));
    Sampled margins = sampledGroups(histories, List.of(col(X), col(REPEAT_CENTS)),
        col(X).gt(0).and(col(REPEAT_CENTS).gt(0)));
    long started = System.nanoTime();
    Fitted<BgNbd> bgNbd = Fitted.bgNbd(purchases.groups(), settings.unitDays());
    Fitted<GammaGamma> gammaGamma = Fitted.gammaGamma(margins.groups());
    double fitSeconds = (System.nanoTime() - started) / 1e9;
    warnUnlessConverged("BG/NBD", bgNbd);
    warnUnlessConverged("Gamma-Gamma", gammaGamma);
    LOG.info("lifetime value fits: BG/NBD {} after {} iterations on {} customers in {} groups (fraction {}); "
            + "Gamma-Gamma {} after {} iterations on {} customers in {} groups (fraction {}); {} s on the driver",
        bgNbd.model().map(Object::toString).orElse("none"), bgNbd.iterations(), bgNbd.customers(), bgNbd.groups(),
        purchases.fraction(), gammaGamma.model().map(Object::toString).orElse("none"), gammaGamma.iterations(),
        gammaGamma.customers(), gammaGamma.groups(), margins.fraction(), String.format("%.1f", fitSeconds));
    return new Fits(bgNbd, gammaGamma, purchases.fraction(), margins.fraction(),
        Fitted.marginCorrelation(margins.groups()));
  }

  /**
   * customer_lifetime_value: every customer of the histories with its predictions (null where a fit is missing).
   *
   * @param profitability customer_profitability rows up to the last period (cost to serve and commissions)
   */
  public Dataset<Row> customers(Dataset<Row> histories, Dataset<Row> profitability, Fits fits) {
    Column servedCost = col(CostToServe.COST_TO_SERVE).plus(col(RevenueSide.COMMISSIONS));
    String trailingFirst = last.minusMonths(TRAILING_PERIODS - 1).toString();
    Dataset<Row> costs = profitability
        .where(col("period").leq(lit(last.toString())))
        .groupBy(col("customer_id"))
        .agg(sum(when(col("period").geq(lit(trailingFirst)), servedCost).otherwise(lit(BigDecimal.ZERO)))
                .as("cost_t12m"),
            sum(servedCost).as("cost_all"));
    Prediction prediction = new Prediction(fits.purchases().model().orElse(null), fits.margins().model().orElse(null),
        horizon());
    UserDefinedFunction predict = udf(prediction, Prediction.TYPE);
    Column cost = when(col(OCCASIONS_T12M).gt(0), coalesce(col("cost_t12m"), lit(BigDecimal.ZERO)))
        .otherwise(coalesce(col("cost_all"), lit(BigDecimal.ZERO)));
    Column occasions = when(col(OCCASIONS_T12M).gt(0), col(OCCASIONS_T12M)).otherwise(col(OCCASIONS));
    Dataset<Row> predicted = histories.join(costs, new String[] {"customer_id"}, "left")
        .select(col("customer_id"), col(X),
            predict.apply(col(X), col(TX_DAYS), col(T_DAYS), col(REPEAT_CENTS), Money.of(cost), occasions).as("v"));
    List<Column> columns = new ArrayList<>(List.of(col("customer_id"), lit(Date.valueOf(calibrationEnd()))
        .as("calibration_end"), col(X)));
    for (String field : Prediction.TYPE.fieldNames()) {
      columns.add(col("v." + field).as(field));
    }
    columns.add(lit(horizon().length()).as("horizon"));
    columns.add(lit(settings.months()).as("months"));
    columns.add(lit(settings.monthlyDiscountRate()).as("monthly_discount_rate"));
    columns.add(lit(settings.timeUnit()).as("time_unit"));
    return predicted.select(columns.toArray(Column[]::new));
  }

  /** clv_model: one row per model. */
  public Dataset<Row> models(SparkSession spark, Fits fits) {
    Date end = Date.valueOf(calibrationEnd());
    List<Row> rows = List.of(
        modelRow("bgnbd", fits.purchases(), List.of("r", "alpha", "a", "b"), fits.purchasesFraction(), null, end),
        modelRow("gamma_gamma", fits.margins(), List.of("p", "q", "v"), fits.marginsFraction(), fits.correlation(), end));
    return spark.createDataFrame(rows, MODEL_ROW);
  }

  private static final StructType MODEL_ROW = new StructType()
      .add("model", DataTypes.StringType, false)
      .add("r", DataTypes.DoubleType)
      .add("alpha", DataTypes.DoubleType)
      .add("a", DataTypes.DoubleType)
      .add("b", DataTypes.DoubleType)
      .add("p", DataTypes.DoubleType)
      .add("q", DataTypes.DoubleType)
      .add("v", DataTypes.DoubleType)
      .add("log_likelihood", DataTypes.DoubleType)
      .add("iterations", DataTypes.IntegerType, false)
      .add("converged", DataTypes.BooleanType, false)
      .add("message", DataTypes.StringType)
      .add("customers", DataTypes.LongType, false)
      .add("groups", DataTypes.LongType, false)
      .add("sample_fraction", DataTypes.DoubleType, false)
      .add("x_margin_correlation", DataTypes.DoubleType)
      .add("time_unit", DataTypes.StringType, false)
      .add("calibration_end", DataTypes.DateType, false);

  /** The parameter columns of clv_model, in order: BG/NBD's, then Gamma-Gamma's. */
  private static final List<String> PARAMETERS = List.of("r", "alpha", "a", "b", "p", "q", "v");

  private Row modelRow(String model, Fitted<?> fit, List<String> names, double fraction, Double correlation, Date end) {
    List<Object> values = new ArrayList<>(List.of(model));
    for (String parameter : PARAMETERS) {
      int i = names.indexOf(parameter);
      values.add(i >= 0 && i < fit.parameters().length ? fit.parameters()[i] : null);
    }
    values.addAll(java.util.Arrays.asList(Double.isFinite(fit.logLikelihood()) ? fit.logLikelihood() : null,
        fit.iterations(), fit.converged(), fit.converged() ? null : fit.reason(), fit.customers(), fit.groups(),
        fraction, correlation, settings.timeUnit(), end));
    return RowFactory.create(values.toArray());
  }

  Prediction.Horizon horizon() {
    return new Prediction.Horizon(settings.unitDays(), settings.months(), settings.monthlyDiscountRate().doubleValue());
  }

  private record Sampled(List<Row> groups, double fraction) {}

  /**
   * The groups with their customer counts, at most clv.max-fit-groups of them: all customers when they fit, else
   * those with hash(customer_id) mod 2^n = 0 (Spark's Murmur3, seed 42), n the smallest that fits.
   */
  private Sampled sampledGroups(Dataset<Row> histories, List<Column> keys, Column eligible) {
    int limit = settings.maxFitGroups();
    for (int n = 0; n < 31; n++) {
      Column kept = n == 0 ? eligible : eligible.and(pmod(hash(col("customer_id")), lit(1L << n)).equalTo(0));
      List<Row> groups = new ArrayList<>(histories.where(kept).groupBy(keys.toArray(Column[]::new))
          .agg(count(lit(1)).as("customers")).limit(limit + 1).collectAsList());
      if (groups.size() <= limit) {
        // In key order, whatever order the tasks returned them in: the sums of the likelihood, and so the fitted
        // parameters to the last bit, are the same on every run.
        groups.sort(LifetimeValue::compareKeys);
        return new Sampled(groups, 1.0 / (1L << n));
      }
      LOG.info("lifetime value: more than {} groups (clv.max-fit-groups) with 1/{} of the customers; sampling half "
          + "as many", limit, 1L << n);
    }
    throw new IllegalStateException("no sample of the customers has at most " + limit + " groups");
  }

  private static int compareKeys(Row left, Row right) {
    for (int i = 0; i < left.length() - 1; i++) {
      int c = Long.compare(((Number) left.get(i)).longValue(), ((Number) right.get(i)).longValue());
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static void warnUnlessConverged(String model, Fitted<?> fit) {
    if (!fit.converged()) {
      LOG.warn("the {} fit did not converge ({}): customer_lifetime_value gets no predictions from it", model,
          fit.reason());
    }
  }
}
