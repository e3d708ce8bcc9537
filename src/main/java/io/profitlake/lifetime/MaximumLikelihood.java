package io.profitlake.lifetime;

import java.util.Arrays;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.optim.ConvergenceChecker;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;
import org.apache.commons.math3.util.Pair;

/**
 * Maximises a mean log-likelihood over log-parameters from theta = 0 without a penalty (methods.md, Fitting), with
 * Apache Commons Math, which Spark ships. Commons Math has no BFGS, so two of its optimisers share the work:
 * non-linear conjugate gradient (Polak-Ribiere, analytic gradient) climbs until the gradient is below 1e-5 (alone it
 * stalls at about 1e-7 on CDNOW: its line search compares likelihood values, which stop changing in double precision
 * there), then Levenberg-Marquardt solves the score equations (gradient = 0, Jacobian = the Hessian from
 * differences of the analytic gradient) to the criterion of methods.md: every component of the gradient of LL/N
 * below 1e-9, within 1,000 iterations of both together.
 */
final class MaximumLikelihood {
  static final double GRADIENT_TOLERANCE = 1e-9;
  static final int MAX_ITERATIONS = 1_000;
  /** Where the conjugate gradient hands over to Levenberg-Marquardt. */
  private static final double HANDOVER_TOLERANCE = 1e-5;
  /** Step in theta of the central differences of the gradient (the Hessian only steers the polish). */
  private static final double HESSIAN_STEP = 1e-5;

  private MaximumLikelihood() {}

  /** The mean log-likelihood at theta; fills {@code gradient} with its derivatives. */
  @FunctionalInterface
  interface MeanLogLikelihood {
    double at(double[] theta, double[] gradient);
  }

  /**
   * @param theta the maximum (or where the search stopped)
   * @param meanLogLikelihood LL/N there
   * @param reason why it did not converge, or empty
   */
  record Outcome(double[] theta, double meanLogLikelihood, int iterations, boolean converged, String reason) {}

  static Outcome maximise(int dimensions, MeanLogLikelihood f) {
    double[] start = new double[dimensions];
    int iterations = 0;
    double[] theta;
    try {
      NonLinearConjugateGradientOptimizer climb = climber(dimensions, f);
      theta = climb.optimize(new MaxIter(MAX_ITERATIONS), new MaxEval(Integer.MAX_VALUE),
          new ObjectiveFunction(t -> {
            double ll = f.at(t, new double[dimensions]);
            // A NaN would stop the line search without a word: outside the domain counts as far from the optimum.
            return Double.isFinite(ll) ? -ll : Double.MAX_VALUE;
          }),
          new ObjectiveFunctionGradient(t -> negated(gradient(f, t))), GoalType.MINIMIZE, new InitialGuess(start))
          .getPoint();
      iterations = climb.getIterations();
      if (!small(gradient(f, theta))) {
        LeastSquaresOptimizer.Optimum polished = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
            .model(scoreEquations(dimensions, f))
            .target(new double[dimensions])
            .start(theta)
            .checker((iteration, previous, current) -> small(current.getResiduals().toArray()))
            .maxIterations(MAX_ITERATIONS - iterations)
            .maxEvaluations(Integer.MAX_VALUE)
            .build());
        theta = polished.getPoint().toArray();
        iterations += polished.getIterations();
      }
    } catch (MathIllegalStateException | IllegalArgumentException stopped) {
      return new Outcome(start, Double.NaN, MAX_ITERATIONS, false, stopped.getMessage());
    }
    double[] gradient = new double[dimensions];
    double ll = f.at(theta, gradient);
    if (!Double.isFinite(ll) || Arrays.stream(theta).anyMatch(t -> !Double.isFinite(t))) {
      return new Outcome(theta, ll, iterations, false, "the search left the parameters' domain");
    }
    if (!small(gradient)) {
      return new Outcome(theta, ll, iterations, false, "the gradient of LL/N is still " + Arrays.toString(gradient)
          + " after " + iterations + " iterations");
    }
    return new Outcome(theta, ll, iterations, true, "");
  }

  /** Conjugate gradient that stops at the criterion or where the likelihood no longer changes. */
  private static NonLinearConjugateGradientOptimizer climber(int dimensions, MeanLogLikelihood f) {
    ConvergenceChecker<PointValuePair> done = (iteration, previous, current) ->
        near(gradient(f, current.getPoint())) || previous.getValue().equals(current.getValue());
    return new NonLinearConjugateGradientOptimizer(NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE, done,
        1e-10, 1e-10, 1e-2);
  }

  /** theta -> (the gradient, its Jacobian = the Hessian by central differences of the analytic gradient). */
  private static MultivariateJacobianFunction scoreEquations(int dimensions, MeanLogLikelihood f) {
    return point -> {
      double[] theta = point.toArray();
      double[][] hessian = new double[dimensions][dimensions];
      for (int j = 0; j < dimensions; j++) {
        double[] up = theta.clone();
        double[] down = theta.clone();
        up[j] += HESSIAN_STEP;
        down[j] -= HESSIAN_STEP;
        double[] gUp = gradient(f, up);
        double[] gDown = gradient(f, down);
        for (int i = 0; i < dimensions; i++) {
          hessian[i][j] = (gUp[i] - gDown[i]) / (2 * HESSIAN_STEP);
        }
      }
      RealVector value = new ArrayRealVector(gradient(f, theta), false);
      return new Pair<>(value, new Array2DRowRealMatrix(hessian, false));
    };
  }

  private static double[] gradient(MeanLogLikelihood f, double[] theta) {
    double[] g = new double[theta.length];
    f.at(theta, g);
    return g;
  }

  private static double[] negated(double[] g) {
    double[] n = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      n[i] = -g[i];
    }
    return n;
  }

  /** Near enough the maximum for Levenberg-Marquardt's quadratic convergence to take over. */
  private static boolean near(double[] gradient) {
    return Arrays.stream(gradient).allMatch(component -> Math.abs(component) < HANDOVER_TOLERANCE);
  }

  private static boolean small(double[] gradient) {
    return Arrays.stream(gradient).allMatch(component -> Math.abs(component) < GRADIENT_TOLERANCE);
  }
}
