package io.profitlake.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * BG/NBD and Gamma-Gamma against the CDNOW oracles of methods.md (oracles.json, derived with scipy and 40-digit
 * mpmath by the reference script): the fits, the likelihood, P(alive), the series for E[Y(t)], E[Z] and the
 * discounted CLV. The histories are worked out from the transaction file in plain Java ({@link Cdnow}).
 */
class ClvModelTest {
  private static final JsonNode ORACLES = Cdnow.oracles();

  private static BgNbd bgNbd(String set) {
    JsonNode p = ORACLES.at("/param_sets/" + set + "/bgnbd");
    return new BgNbd(p.get("r").asDouble(), p.get("alpha").asDouble(), p.get("a").asDouble(), p.get("b").asDouble());
  }

  private static GammaGamma gammaGamma(String set) {
    JsonNode p = ORACLES.at("/param_sets/" + set + "/gamma_gamma");
    return new GammaGamma(p.get("p").asDouble(), p.get("q").asDouble(), p.get("v").asDouble());
  }

  /** Groups (x, t_x days, T days, customers) of the calibration histories. */
  private static List<Row> historyGroups() {
    Map<List<Long>, Long> counts = new TreeMap<>((l, r) -> l.toString().compareTo(r.toString()));
    for (Cdnow.History h : Cdnow.histories().values()) {
      counts.merge(List.of(h.x(), (long) h.txDays(), (long) h.bigTDays()), 1L, Long::sum);
    }
    List<Row> rows = new ArrayList<>();
    counts.forEach((k, n) -> rows.add(RowFactory.create(k.get(0), k.get(1).intValue(), k.get(2).intValue(), n)));
    return rows;
  }

  private static List<Row> marginGroups() {
    Map<List<Long>, Long> counts = new TreeMap<>((l, r) -> l.toString().compareTo(r.toString()));
    for (Cdnow.History h : Cdnow.histories().values()) {
      if (h.x() > 0 && h.repeatCents() > 0) {
        counts.merge(List.of(h.x(), h.repeatCents()), 1L, Long::sum);
      }
    }
    List<Row> rows = new ArrayList<>();
    counts.forEach((k, n) -> rows.add(RowFactory.create(k.get(0), k.get(1), n)));
    return rows;
  }

  private static void assertRelative(double expected, double actual, double tolerance, String what) {
    assertEquals(expected, actual, Math.abs(expected) * tolerance, what);
  }

  /** The value rounded to 6 significant digits, as oracles.json stores them. */
  private static double significant6(double value) {
    return new BigDecimal(value).round(new java.math.MathContext(6, RoundingMode.HALF_EVEN)).doubleValue();
  }

  private static double round(double value, int places) {
    return new BigDecimal(value).setScale(places, RoundingMode.HALF_EVEN).doubleValue();
  }

  @Test
  void bgNbdFitOnCdnowGivesThePublishedParameters() {
    List<Row> groups = historyGroups();
    assertEquals(1016, groups.size(), "groups (x, t_x, T) of the 2,357 customers (methods.md, Fitting)");
    Fitted<BgNbd> fit = Fitted.bgNbd(groups, 7);
    assertTrue(fit.converged(), fit.reason());
    BgNbd m = fit.model().orElseThrow();
    // Published (Fader, Hardie & Lee 2005) to 3 dp, and the reference MLE to 1e-5 relative.
    assertEquals(List.of(0.243, 4.414, 0.793, 2.426), List.of(round(m.r(), 3), round(m.alpha(), 3), round(m.a(), 3),
        round(m.b(), 3)));
    assertEquals(-9582.4, round(fit.logLikelihood(), 1));
    JsonNode ref = ORACLES.at("/fits/bgnbd_from_transactions/params_full");
    assertRelative(ref.get("r").asDouble(), m.r(), 1e-5, "r");
    assertRelative(ref.get("alpha").asDouble(), m.alpha(), 1e-5, "alpha");
    assertRelative(ref.get("a").asDouble(), m.a(), 1e-5, "a");
    assertRelative(ref.get("b").asDouble(), m.b(), 1e-5, "b");
    assertRelative(ORACLES.at("/fits/bgnbd_from_transactions/log_likelihood").asDouble(), fit.logLikelihood(), 1e-9,
        "LL");
    assertEquals(2357, fit.customers());
    assertTrue(fit.iterations() <= MaximumLikelihood.MAX_ITERATIONS);
  }

  @Test
  void groupingGivesTheSameFitAsOneRowPerCustomer() {
    List<Row> perCustomer = new ArrayList<>();
    for (Cdnow.History h : Cdnow.histories().values()) {
      perCustomer.add(RowFactory.create(h.x(), h.txDays(), h.bigTDays(), 1L));
    }
    assertEquals(2357, perCustomer.size());
    BgNbd grouped = Fitted.bgNbd(historyGroups(), 7).model().orElseThrow();
    Fitted<BgNbd> ungrouped = Fitted.bgNbd(perCustomer, 7);
    assertEquals(1016, historyGroups().size());
    assertEquals(2357, ungrouped.groups());
    BgNbd single = ungrouped.model().orElseThrow();
    // Both stop at |gradient of LL/N| < 1e-9: the same maximum to about 1e-7 relative.
    assertRelative(grouped.r(), single.r(), 1e-6, "r");
    assertRelative(grouped.alpha(), single.alpha(), 1e-6, "alpha");
    assertRelative(grouped.a(), single.a(), 1e-6, "a");
    assertRelative(grouped.b(), single.b(), 1e-6, "b");
  }

  @Test
  void daysInsteadOfWeeksOnlyRescaleAlphaAndLeaveTheValueAlone() {
    // t_x and T 7 times larger: the likelihood has the same maximum with alpha 7 times larger (r, a, b unchanged),
    // and a month is 30.415 days = 7 x 4.345 weeks, so every prediction over the horizon is the same.
    // Each fit stops at |gradient of LL/N| < 1e-9, which pins the parameters to about 1e-7 relative on CDNOW.
    BgNbd weeks = Fitted.bgNbd(historyGroups(), 7).model().orElseThrow();
    BgNbd days = Fitted.bgNbd(historyGroups(), 1).model().orElseThrow();
    assertRelative(weeks.r(), days.r(), 1e-6, "r");
    assertRelative(7 * weeks.alpha(), days.alpha(), 1e-6, "alpha");
    assertRelative(weeks.a(), days.a(), 1e-6, "a");
    assertRelative(weeks.b(), days.b(), 1e-6, "b");
    Prediction.Horizon inWeeks = new Prediction.Horizon(7, 12, 0.01);
    Prediction.Horizon inDays = new Prediction.Horizon(1, 12, 0.01);
    assertRelative(7 * inWeeks.length(), inDays.length(), 1e-12, "horizon");
    assertRelative(inWeeks.discountedPurchases(weeks, 2, 213 / 7.0, 272 / 7.0),
        inDays.discountedPurchases(days, 2, 213, 272), 1e-6, "discounted purchases of customer 1");
  }

  @Test
  void gammaGammaFitOnCdnowGivesThePublishedParameters() {
    List<Row> groups = marginGroups();
    Fitted<GammaGamma> fit = Fitted.gammaGamma(groups);
    assertTrue(fit.converged(), fit.reason());
    GammaGamma m = fit.model().orElseThrow();
    assertEquals(List.of(6.25, 3.74, 15.44), List.of(round(m.p(), 2), round(m.q(), 2), round(m.v(), 2)));
    JsonNode ref = ORACLES.at("/fits/gamma_gamma_from_transactions");
    assertRelative(ref.at("/params_full/p").asDouble(), m.p(), 1e-5, "p");
    assertRelative(ref.at("/params_full/q").asDouble(), m.q(), 1e-5, "q");
    assertRelative(ref.at("/params_full/v").asDouble(), m.v(), 1e-5, "v");
    assertEquals(946, fit.customers());
    assertEquals(ref.get("groups").asLong(), fit.groups());
    assertEquals(ref.get("population_mean").asDouble(), significant6(m.populationMean()));
    // CDNOW: corr(x, m_x) = 0.11 (methods.md).
    assertEquals(0.11, round(Fitted.marginCorrelation(groups), 2));
  }

  @Test
  void everyPublishedOracleAtItsSixSignificantDigits() {
    int checked = 0;
    for (JsonNode oracle : ORACLES.get("oracles")) {
      String quantity = oracle.get("quantity").asText();
      JsonNode in = oracle.get("inputs");
      for (String set : List.of("published", "mle")) {
        BgNbd bg = bgNbd(set);
        GammaGamma gg = gammaGamma(set);
        JsonNode expected = oracle.at("/value/" + set);
        String id = oracle.get("id").asText() + " (" + set + ")";
        switch (quantity) {
          case "P(alive | x, t_x, T)" -> assertEquals(expected.asDouble(),
              significant6(bg.probabilityAlive(in.get("x").asLong(), in.get("t_x").asDouble(), in.get("T").asDouble())), id);
          case "E[Y(t) | x, t_x, T]" -> assertEquals(expected.asDouble(), significant6(bg.expectedPurchases(
              in.get("t").asDouble(), in.get("x").asLong(), in.get("t_x").asDouble(), in.get("T").asDouble())), id);
          case "E[X(t)]" -> {
            if (in.get("t").isArray()) {
              for (int i = 0; i < in.get("t").size(); i++) {
                assertEquals(expected.get(i).asDouble(),
                    significant6(bg.expectedPurchasesOfNewCustomer(in.get("t").get(i).asDouble())), id + " " + i);
              }
            } else {
              assertEquals(expected.asDouble(), significant6(bg.expectedPurchasesOfNewCustomer(in.get("t").asDouble())), id);
            }
          }
          case "E[Z | x, m_x]" -> assertEquals(expected.asDouble(),
              significant6(gg.expectedMargin(in.get("x").asLong(), in.get("m_x").asDouble())), id);
          case "discounted CLV (lifetimes convention)" -> {
            Prediction.Horizon horizon = new Prediction.Horizon(7, in.get("months").asInt(),
                in.get("monthly_discount_rate").asDouble());
            long x = in.get("x").asLong();
            double tx = in.get("t_x_days").asDouble() / 7;
            double bigT = in.get("T_days").asDouble() / 7;
            JsonNode detail = oracle.at("/detail/" + set);
            double previous = 0;
            for (int k = 1; k <= 12; k++) {
              double cumulative = bg.expectedPurchases(k * 4.345, x, tx, bigT);
              assertEquals(detail.get("expected_purchases_per_step").get(k - 1).asDouble(),
                  significant6(cumulative - previous), id + " step " + k);
              previous = cumulative;
            }
            double ez = gg.expectedMargin(x, in.get("m_x").asDouble());
            double discounted = horizon.discountedPurchases(bg, x, tx, bigT);
            assertEquals(expected.asDouble(), significant6(ez * discounted), id);
          }
          default -> throw new AssertionError("an oracle this test does not know: " + quantity);
        }
        checked++;
      }
    }
    assertEquals(2 * ORACLES.get("oracles").size(), checked);
  }

  @Test
  void seriesAgreesWithFortyDigitEquationTen() {
    BgNbd mle = bgNbd("mle");
    int checked = 0;
    for (JsonNode c : ORACLES.get("eq10_cross_check")) {
      if (c.has("mpmath_40_digits")) {
        double value = mle.expectedPurchases(c.get("t").asDouble(), c.get("x").asLong(), c.get("t_x").asDouble(),
            c.get("T").asDouble());
        // methods.md reaches 2e-13 with the reference's own parameters; oracles.json prints them to 12 significant
        // digits, which alone moves E[Y] by up to about 1e-11 relative.
        assertRelative(c.get("mpmath_40_digits").asDouble(), value, 1e-11, c.toString());
      } else {
        // a = 1 exactly: the removable singularity, where -expm1(eps L)/eps becomes -L.
        BgNbd atOne = new BgNbd(mle.r(), mle.alpha(), 1.0, mle.b());
        double value = atOne.expectedPurchases(c.get("t").asDouble(), c.get("x").asLong(), c.get("t_x").asDouble(),
            c.get("T").asDouble());
        assertRelative(c.get("stable_series").asDouble(), value, 1e-11, c.toString());
      }
      checked++;
    }
    assertEquals(26, checked);
  }

  @Test
  void aSeriesThatDoesNotConvergeNamesItsGroup() {
    BgNbd mle = bgNbd("mle");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> mle.expectedPurchases(1e12, 0, 0, 0.5));
    assertEquals("E[Y(1.0E12)] for the purchase history x=0, t_x=0.0, T=0.5 did not converge in 100000 terms of its "
        + "series: the horizon is too long for the history (alpha=" + mle.alpha() + ")", e.getMessage());
  }

  @Test
  void aFitWithoutRepeatPurchasesDoesNotConvergeAndSaysWhy() {
    // Everyone bought once: l = r ln(alpha / (alpha + T)) does not involve a or b, so they cannot be estimated.
    Fitted<BgNbd> fit = Fitted.bgNbd(List.of(RowFactory.create(0L, 0, 30, 5L), RowFactory.create(0L, 0, 10, 3L)), 7);
    assertFalse(fit.converged());
    assertTrue(fit.model().isEmpty());
    assertEquals("no customer with a repeat occasion: the dropout parameters a and b cannot be estimated", fit.reason());
    Fitted<GammaGamma> none = Fitted.gammaGamma(List.of());
    assertFalse(none.converged());
    assertEquals("no customer with a repeat occasion and a positive mean margin", none.reason());
  }

  @Test
  void aLikelihoodWithoutMaximumStopsWithoutConverging() {
    // LL/N = theta_0 rises for ever: the search must give up and say so, not throw.
    MaximumLikelihood.Outcome outcome = MaximumLikelihood.maximise(1, (theta, gradient) -> {
      gradient[0] = 1;
      return theta[0];
    });
    assertFalse(outcome.converged());
    assertFalse(outcome.reason().isBlank(), outcome.toString());
  }
}
