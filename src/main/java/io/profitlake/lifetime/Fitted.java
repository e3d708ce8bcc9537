package io.profitlake.lifetime;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.sql.Row;

/**
 * A fitted model, or why there is none: what clv_model records per model and run.
 *
 * @param model the parameters when the fit converged and the model predicts (else empty: no predictions)
 * @param logLikelihood LL at the parameters where the search stopped (NaN when it never evaluated one)
 * @param customers customers the fit used (after sampling)
 * @param groups distinct groups it used
 * @param reason why it did not converge, or empty
 */
public record Fitted<M extends Serializable>(Optional<M> model, double[] parameters, double logLikelihood,
    int iterations, boolean converged, long customers, long groups, String reason) {

  /** BG/NBD over groups (x, t_x days, T days, customers): converged only with a + b > 1 (methods.md). */
  public static Fitted<BgNbd> bgNbd(List<Row> groups, int unitDays) {
    FitGroups.Histories histories = FitGroups.Histories.of(groups, unitDays);
    if (histories.size() == 0) {
      return none(0, "no customer with a purchase occasion");
    }
    if (java.util.Arrays.stream(histories.distinctX()).allMatch(x -> x == 0)) {
      // Without a repeat occasion the likelihood does not depend on a and b: nothing to estimate them from.
      return none(histories.size(), "no customer with a repeat occasion: the dropout parameters a and b cannot be "
          + "estimated");
    }
    MaximumLikelihood.Outcome outcome = MaximumLikelihood.maximise(4,
        (theta, gradient) -> BgNbd.meanLogLikelihood(theta, histories, gradient));
    return of(outcome, histories.customers(), histories.size(), BgNbd::fromLog, BgNbd::predictsPurchases,
        "a + b <= 1: the series for the expected purchases needs a + b > 1");
  }

  /** Gamma-Gamma over groups (x, s_x cents, customers) with x > 0 and s_x > 0: converged only with q > 1. */
  public static Fitted<GammaGamma> gammaGamma(List<Row> groups) {
    FitGroups.Margins margins = FitGroups.Margins.of(groups);
    if (margins.size() == 0) {
      return none(0, "no customer with a repeat occasion and a positive mean margin");
    }
    MaximumLikelihood.Outcome outcome = MaximumLikelihood.maximise(3,
        (theta, gradient) -> GammaGamma.meanLogLikelihood(theta, margins, gradient));
    return of(outcome, margins.customers(), margins.size(), GammaGamma::fromLog, GammaGamma::hasMean,
        "q <= 1: the margin per purchase has no finite mean");
  }

  /**
   * The fit as clv_model records it: a model only when the search converged and the model can predict.
   *
   * @param usable whether the fitted model gives finite predictions; else {@code unusable} says why not
   */
  private static <M extends Serializable> Fitted<M> of(MaximumLikelihood.Outcome outcome, double customers, int groups,
      Function<double[], M> model, Predicate<M> usable, String unusable) {
    double[] params = exp(outcome.theta());
    double ll = outcome.meanLogLikelihood() * customers;
    if (!outcome.converged()) {
      return new Fitted<>(Optional.empty(), params, ll, outcome.iterations(), false, (long) customers, groups,
          outcome.reason());
    }
    M fitted = model.apply(outcome.theta());
    if (!usable.test(fitted)) {
      return new Fitted<>(Optional.empty(), params, ll, outcome.iterations(), false, (long) customers, groups, unusable);
    }
    return new Fitted<>(Optional.of(fitted), params, ll, outcome.iterations(), true, (long) customers, groups, "");
  }

  /** Pearson's correlation of x and m_x over the groups of a Gamma-Gamma fit (null when either is constant). */
  public static Double marginCorrelation(List<Row> groups) {
    FitGroups.Margins margins = FitGroups.Margins.of(groups);
    return margins.size() == 0 ? null : margins.correlation();
  }

  private static <M extends Serializable> Fitted<M> none(long groups, String reason) {
    return new Fitted<>(Optional.empty(), new double[0], Double.NaN, 0, false, 0, groups, reason);
  }

  private static double[] exp(double[] theta) {
    double[] params = new double[theta.length];
    for (int i = 0; i < theta.length; i++) {
      params[i] = Math.exp(theta[i]);
    }
    return params;
  }
}
