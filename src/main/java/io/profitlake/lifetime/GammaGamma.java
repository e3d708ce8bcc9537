package io.profitlake.lifetime;

import java.io.Serializable;
import org.apache.commons.math3.special.Gamma;

/**
 * The Gamma-Gamma model of the margin per purchase occasion (Fader and Hardie, 2013) with fitted (p, q, v): its
 * log-likelihood per (x, m_x) for the fit and the expected margin per purchase E[Z].
 */
public record GammaGamma(double p, double q, double v) implements Serializable {
  public GammaGamma {
    if (!(p > 0 && q > 0 && v > 0)) {
      throw new IllegalArgumentException("Gamma-Gamma parameters must be positive: p=" + p + ", q=" + q + ", v=" + v);
    }
  }

  static GammaGamma fromLog(double[] theta) {
    return new GammaGamma(Math.exp(theta[0]), Math.exp(theta[1]), Math.exp(theta[2]));
  }

  /** Whether E[Z] is finite: q <= 1 gives no mean (methods.md: converged = false, no values). */
  public boolean hasMean() {
    return q > 1;
  }

  /** vp / (q - 1): the expected margin of a customer with no repeat occasion or a mean margin <= 0. */
  public double populationMean() {
    return v * p / (q - 1);
  }

  /** E[Z | x, m_x] = p (v + x m_x) / (p x + q - 1); the population mean when x = 0 or m_x <= 0. */
  public double expectedMargin(long x, double meanMargin) {
    if (x == 0 || meanMargin <= 0) {
      return populationMean();
    }
    return p * (v + x * meanMargin) / (p * x + q - 1);
  }

  /**
   * The mean log-likelihood of the groups (x, m_x) with their counts, and its gradient with respect to
   * theta = ln(p, q, v).
   */
  static double meanLogLikelihood(double[] theta, FitGroups.Margins groups, double[] gradient) {
    double p = Math.exp(theta[0]);
    double q = Math.exp(theta[1]);
    double v = Math.exp(theta[2]);
    double lnGammaQ = Gamma.logGamma(q);
    double digammaQ = Gamma.digamma(q);
    double lnV = Math.log(v);
    // The lnGamma and digamma terms depend on the group only through x: once per distinct x.
    long[] xs = groups.distinctX();
    double[] lnGammaRatio = new double[xs.length];
    double[] digammaPxq = new double[xs.length];
    double[] digammaPx = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      double px = p * xs[i];
      lnGammaRatio[i] = Gamma.logGamma(px + q) - Gamma.logGamma(px);
      digammaPxq[i] = Gamma.digamma(px + q);
      digammaPx[i] = Gamma.digamma(px);
    }
    double sum = 0;
    double dp = 0;
    double dq = 0;
    double dv = 0;
    for (int g = 0; g < groups.size(); g++) {
      int i = groups.xIndex()[g];
      long x = xs[i];
      double m = groups.meanMargin()[g];
      double n = groups.count()[g];
      double px = p * x;
      double lnM = groups.lnMeanMargin()[g];
      double lnX = groups.lnX()[i];
      double lnVxm = Math.log(v + x * m);
      sum += n * (lnGammaRatio[i] - lnGammaQ + q * lnV + (px - 1) * lnM + px * lnX - (px + q) * lnVxm);
      dp += n * x * (digammaPxq[i] - digammaPx[i] + lnM + lnX - lnVxm);
      dq += n * (digammaPxq[i] - digammaQ + lnV - lnVxm);
      dv += n * (q / v - (px + q) / (v + x * m));
    }
    double total = groups.customers();
    gradient[0] = p * dp / total;
    gradient[1] = q * dq / total;
    gradient[2] = v * dv / total;
    return sum / total;
  }
}
