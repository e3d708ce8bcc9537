package io.profitlake.lifetime;

import java.io.Serializable;
import org.apache.commons.math3.special.Gamma;

/**
 * The BG/NBD model of Fader, Hardie and Lee (2005) with fitted (r, alpha, a, b): its log-likelihood per
 * purchase history (x, t_x, T) for the fit, and the predictions of methods.md, "Customer lifetime value".
 * Times are in the model's unit (weeks or days).
 */
public record BgNbd(double r, double alpha, double a, double b) implements Serializable {
  /** Terms summed before the series for E[Y(H)] is given up: only H above about 5,000 x (alpha + T) needs more. */
  static final int MAX_SERIES_TERMS = 100_000;

  public BgNbd {
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) {
      throw new IllegalArgumentException("BG/NBD parameters must be positive: r=" + r + ", alpha=" + alpha + ", a=" + a
          + ", b=" + b);
    }
  }

  /** The fitted parameters from theta = ln(r, alpha, a, b). */
  static BgNbd fromLog(double[] theta) {
    return new BgNbd(Math.exp(theta[0]), Math.exp(theta[1]), Math.exp(theta[2]), Math.exp(theta[3]));
  }

  /** Whether E[Y(H)] can be evaluated: the series needs C = a + b + x - 1 > 0 for every x, so a + b > 1. */
  public boolean predictsPurchases() {
    return a + b > 1;
  }

  /**
   * The log-likelihood of the purchase histories (methods.md, BG/NBD likelihood) divided by their number, and
   * its gradient with respect to theta = ln(r, alpha, a, b), over weighted groups. The lnGamma and digamma
   * terms that depend on x are computed once per distinct x.
   *
   * @param gradient filled with d(LL/N)/d(theta)
   */
  static double meanLogLikelihood(double[] theta, FitGroups.Histories groups, double[] gradient) {
    double r = Math.exp(theta[0]);
    double alpha = Math.exp(theta[1]);
    double a = Math.exp(theta[2]);
    double b = Math.exp(theta[3]);
    long[] xs = groups.distinctX();
    int k = xs.length;
    double[] lnGammaRx = new double[k];
    double[] digammaRx = new double[k];
    double[] lnGammaBx = new double[k];
    double[] digammaBx = new double[k];
    double[] lnGammaAbx = new double[k];
    double[] digammaAbx = new double[k];
    for (int i = 0; i < k; i++) {
      lnGammaRx[i] = Gamma.logGamma(r + xs[i]);
      digammaRx[i] = Gamma.digamma(r + xs[i]);
      lnGammaBx[i] = Gamma.logGamma(b + xs[i]);
      digammaBx[i] = Gamma.digamma(b + xs[i]);
      lnGammaAbx[i] = Gamma.logGamma(a + b + xs[i]);
      digammaAbx[i] = Gamma.digamma(a + b + xs[i]);
    }
    double lnGammaR = Gamma.logGamma(r);
    double digammaR = Gamma.digamma(r);
    double lnGammaB = Gamma.logGamma(b);
    double digammaB = Gamma.digamma(b);
    double lnGammaAb = Gamma.logGamma(a + b);
    double digammaAb = Gamma.digamma(a + b);
    double lnAlpha = Math.log(alpha);
    double lnA = Math.log(a);

    double sum = 0;
    double dr = 0;
    double dAlpha = 0;
    double da = 0;
    double db = 0;
    for (int g = 0; g < groups.size(); g++) {
      int i = groups.xIndex()[g];
      long x = xs[i];
      double tx = groups.tx()[g];
      double bigT = groups.bigT()[g];
      double n = groups.count()[g];
      double a1 = lnGammaRx[i] - lnGammaR + r * lnAlpha;
      double a2 = lnGammaAb + lnGammaBx[i] - lnGammaB - lnGammaAbx[i];
      double lnAlphaT = Math.log(alpha + bigT);
      double a3 = -(r + x) * lnAlphaT;
      // w3 and w4: the shares of the two terms inside the log, the weights of their derivatives.
      double w3 = 1;
      double w4 = 0;
      double lnAlphaTx = 0;
      double lnSum = a3;
      if (x > 0) {
        lnAlphaTx = Math.log(alpha + tx);
        double a4 = lnA - Math.log(b + x - 1) - (r + x) * lnAlphaTx;
        double m = Math.max(a3, a4);
        double e3 = Math.exp(a3 - m);
        double e4 = Math.exp(a4 - m);
        lnSum = m + Math.log(e3 + e4);
        w3 = e3 / (e3 + e4);
        w4 = e4 / (e3 + e4);
      }
      sum += n * (a1 + a2 + lnSum);
      dr += n * (digammaRx[i] - digammaR + lnAlpha - w3 * lnAlphaT - w4 * lnAlphaTx);
      dAlpha += n * (r / alpha - w3 * (r + x) / (alpha + bigT) - (x > 0 ? w4 * (r + x) / (alpha + tx) : 0));
      da += n * (digammaAb - digammaAbx[i] + w4 / a);
      db += n * (digammaAb + digammaBx[i] - digammaB - digammaAbx[i] - (x > 0 ? w4 / (b + x - 1) : 0));
    }
    double total = groups.customers();
    gradient[0] = r * dr / total;
    gradient[1] = alpha * dAlpha / total;
    gradient[2] = a * da / total;
    gradient[3] = b * db / total;
    return sum / total;
  }

  /** P(alive | x, t_x, T): 1 for x = 0; 0 when D > 700 (e^D overflows long before it matters). */
  public double probabilityAlive(long x, double tx, double bigT) {
    if (x == 0) {
      return 1;
    }
    double d = Math.log(a) - Math.log(b + x - 1) + (r + x) * Math.log((alpha + bigT) / (alpha + tx));
    return d > 700 ? 0 : 1 / (1 + Math.exp(d));
  }

  /**
   * E[Y(H) | x, t_x, T], eq. 10 after Euler's transformation of 2F1 (methods.md), finite at a = 1.
   *
   * @throws IllegalStateException when the series has not converged after {@link #MAX_SERIES_TERMS} terms
   */
  public double expectedPurchases(double horizon, long x, double tx, double bigT) {
    if (horizon == 0) {
      return 0;
    }
    double z = horizon / (alpha + bigT + horizon);
    // ln((alpha+T)/(alpha+T+H)) by log1p: the ratio is near 1 for short horizons, where a plain log loses digits.
    double lnRatio = -Math.log1p(horizon / (alpha + bigT));
    double epsilon = a - 1;
    double bigA = a + b - 1 - r;
    double c = a + b + x - 1;
    double series = 0;
    double term = bigA * z / c;
    int n = 1;
    while (true) {
      series += term;
      double ratio = Math.abs((bigA + n) * (a + n - 1) * z / ((c + n) * (n + 1)));
      if (Math.abs(term) <= 1e-16 * Math.abs(series) && ratio < 1) {
        break;
      }
      if (n >= MAX_SERIES_TERMS) {
        throw new IllegalStateException("E[Y(" + horizon + ")] for the purchase history x=" + x + ", t_x=" + tx + ", T="
            + bigT + " did not converge in " + MAX_SERIES_TERMS + " terms of its series: the horizon is too long "
            + "for the history (alpha=" + alpha + ")");
      }
      term *= (bigA + n) * (a + n - 1) * z / ((c + n) * (n + 1));
      n++;
    }
    double leading = epsilon == 0 ? -lnRatio : -Math.expm1(epsilon * lnRatio) / epsilon;
    return c * (leading - Math.exp(epsilon * lnRatio) * series) * probabilityAlive(x, tx, bigT);
  }

  /** E[X(t)] (eq. 9): expected purchases of a new customer in (0, t], eq. 10 with x = t_x = T = 0. */
  public double expectedPurchasesOfNewCustomer(double t) {
    return expectedPurchases(t, 0, 0, 0);
  }
}
