package io.profitlake.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.profitlake.config.Settings;
import io.profitlake.job.ProfitLakeJob;
import io.profitlake.job.RunOptions;
import io.profitlake.support.CatalogTestBase;
import io.profitlake.support.CsvFiles;
import io.profitlake.support.TestSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CDNOW acceptance test of methods.md ("Customer lifetime value"), all six checks, through a whole run: the
 * sample's 6,919 lines as SALE lines (net_amount = dollars, cost 0) of customers C1..C2357, periods 1997-01 to
 * 1997-09, so E = 1997-09-30. Customer C1 also has one support ticket in 1997-03, the only cost of a pool of
 * 90.00: its cost per occasion is 90.00 / 3 = 30.00.
 */
class CdnowAcceptanceTest extends CatalogTestBase {
  private static final JsonNode ORACLES = Cdnow.oracles();
  private static Map<String, Row> table;
  private static Map<String, Row> models;
  private static Settings settings;

  @BeforeAll
  static void runOnCdnow() throws IOException {
    java.nio.file.Path in = workDir.resolve("in");
    List<String> customers = new ArrayList<>(List.of("customer_id,customer_name,contact_name,contact_email,industry,"
        + "region,country,size_band,acquisition_date,acquisition_channel,acquisition_cost,account_manager_id,churn_date"));
    for (int id = 1; id <= 2357; id++) {
      customers.add("C" + id + ",Buyer " + id + ",B,b" + id + "@cdnow.example,MUSIC,US,US,SMALL,1997-01-01,ORGANIC,0,R1,");
    }
    CsvFiles.write(in, "customers", customers.toArray(String[]::new));
    List<String> lines = new ArrayList<>(List.of("transaction_id,order_id,customer_id,transaction_ts,product_id,"
        + "quantity,unit_price,discount_amount,net_amount,cost_amount,currency,channel,sales_rep_id,transaction_type"));
    int n = 0;
    for (Cdnow.Line line : Cdnow.lines()) {
      n++;
      lines.add("T" + n + ",O" + n + ",C" + line.customer() + "," + line.day() + "T12:00:00,CD,,,0," + line.dollars()
          + ",0,USD,WEB,,SALE");
    }
    CsvFiles.write(in, "transactions", lines.toArray(String[]::new));
    CsvFiles.write(in, "sales_reps", "rep_id,rep_name,team,commission_rate", "R1,Rita,A,0.05");
    CsvFiles.write(in, "fx_rates", "period,currency,rate_to_base");
    CsvFiles.write(in, "invoices", "invoice_id,customer_id,issue_date,due_date,amount,currency,paid_amount,paid_date,"
        + "written_off_amount,written_off_date");
    CsvFiles.write(in, "sales_activities", "activity_id,customer_id,rep_id,activity_ts,activity_type,duration_minutes");
    CsvFiles.write(in, "referrals", "referral_id,referrer_customer_id,referred_customer_id,referral_date,reward_amount");
    CsvFiles.write(in, "support_tickets",
        "ticket_id,customer_id,opened_ts,closed_ts,channel,category,priority,handle_minutes,escalated,reopen_count",
        "K1,C1,1997-03-10T09:00:00,1997-03-10T10:00:00,EMAIL,QUESTION,LOW,10,false,0");
    CsvFiles.write(in, "calls", "call_id,customer_id,call_ts,queue,wait_seconds,talk_seconds");
    List<String> pools = new ArrayList<>(List.of("period,pool_id,amount,currency"));
    for (int month = 1; month <= 9; month++) {
      pools.add("1997-0" + month + ",support," + (month == 3 ? "90.00" : "0.00") + ",USD");
    }
    CsvFiles.write(in, "cost_pools", pools.toArray(String[]::new));
    CsvFiles.write(in, "prospects", "prospect_id,industry,region,country,size_band,lead_source,created_date");
    settings = TestSettings.parseAlone(TestSettings.sourcesIn(in, lakehouseDir)
        + "profitlake.cost-model {\n"
        + "  pools { support { capacity-minutes = 1000, mode = full-absorption } }\n"
        + "  activities { handle_ticket { pool = support, driver = ticket, base-minutes = 10 } }\n"
        + "}\n");
    new ProfitLakeJob(spark, settings).run(new RunOptions(Optional.of(YearMonth.of(1997, 1)),
        Optional.of(YearMonth.of(1997, 9))));
    table = new HashMap<>();
    for (Row row : spark.table("profitability.customer_lifetime_value").collectAsList()) {
      table.put(row.getAs("customer_id"), row);
    }
    models = new HashMap<>();
    for (Row row : spark.table("profitability.clv_model").collectAsList()) {
      models.put(row.getAs("model"), row);
    }
  }

  private static double param(String model, String name) {
    return models.get(model).<Double>getAs(name);
  }

  private static BgNbd fitted() {
    return new BgNbd(param("bgnbd", "r"), param("bgnbd", "alpha"), param("bgnbd", "a"), param("bgnbd", "b"));
  }

  private static double round(double value, int places) {
    return new BigDecimal(value).setScale(places, RoundingMode.HALF_EVEN).doubleValue();
  }

  private static double decimal(Row row, String column) {
    return row.<BigDecimal>getAs(column).doubleValue();
  }

  private static void assertRounded(double expected, double actual, int places, String what) {
    assertEquals(expected, actual, 0.5 * Math.pow(10, -places) + 1e-6 * Math.abs(expected), what);
  }

  @Test
  void one_historiesEqualTheLifetimesSummary() {
    String[] csv = Cdnow.resource("cdnow_customers.csv").split("\n");
    assertEquals(2357, table.size(), "one row per customer with an occasion");
    int checked = 0;
    for (int i = 1; i < csv.length; i++) {
      String[] f = csv[i].trim().split(",");
      Row row = table.get("C" + f[0]);
      String id = "customer " + f[0];
      assertEquals(Long.parseLong(f[1]), row.<Long>getAs("x"), id);
      assertEquals(Double.parseDouble(f[2]), round(decimal(row, "t_x"), 2), id);
      assertEquals(Double.parseDouble(f[3]), round(decimal(row, "T"), 2), id);
      checked++;
    }
    assertEquals(2357, checked);
  }

  @Test
  void two_bgNbdParametersAreThePublishedOnes() {
    Row bgnbd = models.get("bgnbd");
    assertTrue(bgnbd.<Boolean>getAs("converged"));
    assertEquals(List.of(0.243, 4.414, 0.793, 2.426), List.of(round(param("bgnbd", "r"), 3),
        round(param("bgnbd", "alpha"), 3), round(param("bgnbd", "a"), 3), round(param("bgnbd", "b"), 3)));
    assertEquals(-9582.4, round(bgnbd.<Double>getAs("log_likelihood"), 1));
    JsonNode ref = ORACLES.at("/fits/bgnbd_from_transactions/params_full");
    for (String name : List.of("r", "alpha", "a", "b")) {
      assertEquals(ref.get(name).asDouble(), param("bgnbd", name), ref.get(name).asDouble() * 1e-5, name);
    }
    assertEquals(2357L, bgnbd.<Long>getAs("customers"));
    assertEquals(1016L, bgnbd.<Long>getAs("groups"));
    assertEquals(1.0, bgnbd.<Double>getAs("sample_fraction"));
    assertTrue(bgnbd.isNullAt(bgnbd.fieldIndex("p")), "gamma_gamma's parameters are null on the bgnbd row");
    assertEquals("weeks", bgnbd.getAs("time_unit"));
    assertEquals(java.sql.Date.valueOf("1997-09-30"), bgnbd.getAs("calibration_end"));
  }

  @Test
  void three_gammaGammaParametersAreThePublishedOnes() {
    Row gg = models.get("gamma_gamma");
    assertTrue(gg.<Boolean>getAs("converged"));
    assertEquals(List.of(6.25, 3.74, 15.44),
        List.of(round(param("gamma_gamma", "p"), 2), round(param("gamma_gamma", "q"), 2), round(param("gamma_gamma", "v"), 2)));
    assertEquals(946L, gg.<Long>getAs("customers"));
    assertEquals(0.11, round(gg.<Double>getAs("x_margin_correlation"), 2));
  }

  @Test
  void four_thePapersConditionalExpectation() {
    assertEquals(1.226, round(fitted().expectedPurchases(39, 2, 30.43, 38.86), 3));
  }

  @Test
  void five_holdoutMeansByCalibrationFrequency() {
    // Actual: distinct purchase days 1997-10-01..1998-06-30, counted here from the file; predicted: E[Y(39)] with
    // the run's fit from the run's t_x and T.
    Map<String, double[]> sums = new TreeMap<>();
    BgNbd model = fitted();
    for (Cdnow.History h : Cdnow.histories().values()) {
      Row row = table.get("C" + h.customer());
      long x = row.getAs("x");
      String key = x >= 7 ? "7+" : Long.toString(x);
      double[] s = sums.computeIfAbsent(key, k -> new double[3]);
      s[0]++;
      s[1] += h.holdoutDays();
      s[2] += model.expectedPurchases(39, x, decimal(row, "t_x"), decimal(row, "T"));
    }
    for (JsonNode expected : ORACLES.at("/holdout/by_calibration_frequency")) {
      double[] s = sums.get(expected.get("x_cal").asText());
      assertEquals(expected.get("customers").asDouble(), s[0]);
      assertEquals(expected.get("actual_mean").asDouble(), new BigDecimal(s[1] / s[0])
          .round(new java.math.MathContext(6, RoundingMode.HALF_EVEN)).doubleValue(), expected.toString());
      assertEquals(expected.get("predicted_mean").asDouble(), s[2] / s[0], 1e-4, expected.toString());
    }
  }

  @Test
  void six_atTheReferenceParametersEveryCustomerMatches() {
    // The job's histories and the job's predictions with the parameters fixed to param_sets.mle, unrounded, against
    // the reference (1e-6 relative); then the table's rounded values against the reference rounded.
    JsonNode mle = ORACLES.at("/param_sets/mle");
    BgNbd bg = new BgNbd(mle.at("/bgnbd/r").asDouble(), mle.at("/bgnbd/alpha").asDouble(), mle.at("/bgnbd/a").asDouble(),
        mle.at("/bgnbd/b").asDouble());
    GammaGamma gg = new GammaGamma(mle.at("/gamma_gamma/p").asDouble(), mle.at("/gamma_gamma/q").asDouble(),
        mle.at("/gamma_gamma/v").asDouble());
    LifetimeValue lifetimeValue = new LifetimeValue(settings.clv(), YearMonth.of(1997, 9));
    Map<String, Row> histories = new HashMap<>();
    Row[] all = (Row[]) lifetimeValue.histories(transactions()).collect();
    for (Row row : all) {
      histories.put(row.getAs("customer_id"), row);
    }
    Prediction.Horizon twelveMonths = lifetimeValue.horizon();
    String[] csv = Cdnow.resource("cdnow_clv_expected.csv").split("\n");
    int checked = 0;
    for (int i = 1; i < csv.length; i++) {
      String[] f = csv[i].trim().split(",");
      String id = "C" + f[0];
      Row h = histories.get(id);
      long x = h.getAs(LifetimeValue.X);
      int txDays = h.getAs(LifetimeValue.TX_DAYS);
      int bigTDays = h.getAs(LifetimeValue.T_DAYS);
      long cents = h.getAs(LifetimeValue.REPEAT_CENTS);
      assertEquals(Long.parseLong(f[1]), x, id);
      assertEquals(Integer.parseInt(f[2]), txDays, id);
      assertEquals(Integer.parseInt(f[3]), bigTDays, id);
      double tx = txDays / 7.0;
      double bigT = bigTDays / 7.0;
      double mx = x == 0 ? 0 : cents / (100.0 * x);
      double ez = gg.expectedMargin(x, mx);
      double[] actual = {mx, bg.probabilityAlive(x, tx, bigT), bg.expectedPurchases(39, x, tx, bigT), ez,
          ez * bg.expectedPurchases(39, x, tx, bigT), bg.expectedPurchases(twelveMonths.length(), x, tx, bigT),
          ez * twelveMonths.discountedPurchases(bg, x, tx, bigT)};
      for (int c = 0; c < actual.length; c++) {
        double expected = Double.parseDouble(f[4 + c]);
        assertEquals(expected, actual[c], Math.max(Math.abs(expected) * 1e-6, 1e-12), id + " column " + (4 + c));
      }
      // The table: the reference rounded (half a unit of the last place), give or take what separates the run's
      // own fit from the reference (it stops at |gradient of LL/N| < 1e-9: parameters within about 1e-7).
      Row row = table.get(id);
      assertRounded(Double.parseDouble(f[5]), decimal(row, "p_alive"), 6, id);
      assertRounded(Double.parseDouble(f[9]), decimal(row, "expected_purchases_h"), 6, id);
      assertRounded(Double.parseDouble(f[7]), decimal(row, "expected_margin_per_purchase"), 2, id);
      assertRounded(Double.parseDouble(f[10]), decimal(row, "clv_discounted"), 2, id);
      checked++;
    }
    assertEquals(2357, checked);
  }

  /** The run's transaction lines, read back from the CSV the test wrote (amounts in USD, the base currency). */
  private static org.apache.spark.sql.Dataset<Row> transactions() {
    return spark.read().option("header", "true")
        .schema("transaction_id string, order_id string, customer_id string, transaction_ts timestamp, "
            + "product_id string, quantity decimal(18,4), unit_price decimal(18,4), discount_amount decimal(18,2), "
            + "net_amount decimal(18,2), cost_amount decimal(18,2), currency string, channel string, "
            + "sales_rep_id string, transaction_type string")
        .csv(workDir.resolve("in").resolve("transactions").toString());
  }

  @Test
  void aboveMaxFitGroupsTheFitSamplesCustomersByHashAndStillPredictsForEveryone() {
    // 1,016 groups for 2,357 customers; at most 400 allowed. Spark's hash(customer_id) mod 2^n = 0 keeps about
    // 1/2^n of the customers: n = 1 leaves about 600 groups, n = 2 about 350.
    LifetimeValue sampled = new LifetimeValue(new Settings.Clv("weeks", 12, new BigDecimal("0.01"), 400),
        YearMonth.of(1997, 9));
    org.apache.spark.sql.Dataset<Row> histories = sampled.histories(transactions()).cache();
    try {
      LifetimeValue.Fits fits = sampled.fit(histories);
      long n = 0;
      long groups;
      long kept;
      do {
        n++;
        String where = "pmod(hash(customer_id), " + (1L << n) + ") = 0";
        groups = histories.where(where).select("x", "t_x_days", "T_days").distinct().count();
        kept = histories.where(where).count();
      } while (groups > 400);
      assertEquals(1.0 / (1L << n), fits.purchasesFraction());
      assertEquals(kept, fits.purchases().customers());
      assertEquals(groups, fits.purchases().groups());
      assertTrue(fits.purchases().converged(), fits.purchases().reason());
      // 946 customers in 760 groups fit under 400 only with a sample too.
      assertTrue(fits.marginsFraction() < 1, "gamma_gamma fraction " + fits.marginsFraction());
      assertTrue(fits.margins().groups() <= 400);
      // Predictions cover every customer, sampled or not.
      org.apache.spark.sql.Dataset<Row> customers = sampled.customers(histories,
          spark.table("profitability.customer_profitability"), fits);
      assertEquals(2357, customers.where("p_alive IS NOT NULL AND clv_discounted IS NOT NULL").count());
    } finally {
      histories.unpersist();
    }
  }

  @Test
  void aFitThatCannotConvergeIsWrittenSoWithoutPredictions() {
    // Only the first purchase day of each customer: nobody buys twice, so BG/NBD cannot estimate a and b and
    // Gamma-Gamma has no one to fit.
    LifetimeValue lifetimeValue = new LifetimeValue(settings.clv(), YearMonth.of(1997, 9));
    org.apache.spark.sql.Dataset<Row> firstDays = transactions().withColumn("day", org.apache.spark.sql.functions
        .to_date(org.apache.spark.sql.functions.col("transaction_ts")))
        .withColumn("first", org.apache.spark.sql.functions.min("day").over(
            org.apache.spark.sql.expressions.Window.partitionBy("customer_id")))
        .where("day = first").drop("day", "first");
    org.apache.spark.sql.Dataset<Row> histories = lifetimeValue.histories(firstDays);
    LifetimeValue.Fits fits = lifetimeValue.fit(histories);
    Map<String, Row> written = new HashMap<>();
    for (Row row : lifetimeValue.models(spark, fits).collectAsList()) {
      written.put(row.getAs("model"), row);
    }
    assertEquals(false, written.get("bgnbd").getAs("converged"));
    assertEquals("no customer with a repeat occasion: the dropout parameters a and b cannot be estimated",
        written.get("bgnbd").getAs("message"));
    assertEquals(false, written.get("gamma_gamma").getAs("converged"));
    assertEquals("no customer with a repeat occasion and a positive mean margin", written.get("gamma_gamma").getAs("message"));
    List<Row> customers = lifetimeValue.customers(histories, spark.table("profitability.customer_profitability"), fits)
        .collectAsList();
    assertEquals(2357, customers.size());
    for (Row row : customers) {
      assertEquals(0L, row.<Long>getAs("x"));
      assertTrue(row.isNullAt(row.fieldIndex("p_alive")));
      assertTrue(row.isNullAt(row.fieldIndex("clv_discounted")));
      assertTrue(row.isNullAt(row.fieldIndex("clv_net_discounted")));
    }
  }

  @Test
  void netOfCostToServe() {
    // C1: one ticket, the pool's 90.00 in full, 3 occasions in the 12 periods: 30.00 per occasion. Its CLV is
    // E[Z] x D = 36.27 with E[Z] = 24.6539 and D = 36.27397811 / 24.6539187 = 1.471327 discounted purchases:
    // net (24.6539 - 30.00) x 1.471327 = -7.87. Worth its margin, not its service.
    Row c1 = table.get("C1");
    assertEquals(new BigDecimal("30.00"), c1.getAs("cost_per_occasion"));
    assertEquals(new BigDecimal("36.27"), c1.getAs("clv_discounted"));
    assertEquals(new BigDecimal("-7.87"), c1.getAs("clv_net_discounted"));
    // Every other customer costs nothing to serve: net = gross.
    for (Row row : table.values()) {
      if (!row.getAs("customer_id").equals("C1")) {
        assertEquals(new BigDecimal("0.00"), row.getAs("cost_per_occasion"));
        assertEquals(row.<BigDecimal>getAs("clv_discounted"), row.getAs("clv_net_discounted"));
      }
    }
    // The BI view flags exactly that customer.
    assertEquals(List.of("C1"), spark.sql("SELECT customer_id FROM profitability.v_customer_lifetime_value "
        + "WHERE worth_margin_not_service").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals(new BigDecimal("52.140000"), c1.getAs("horizon"));
    assertEquals(12, c1.<Integer>getAs("months"));
  }
}
