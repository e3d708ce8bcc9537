package io.profitlake.lifetime;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The purchase histories a fit reads, grouped: both likelihoods depend on a customer only through its group, so
 * the driver holds one entry per group with its count instead of one per customer.
 */
final class FitGroups {
  private FitGroups() {}

  /**
   * BG/NBD groups (x, t_x, T) in the model's unit.
   *
   * @param distinctX the distinct x values, ascending; {@code xIndex[g]} points into it
   */
  record Histories(long[] distinctX, int[] xIndex, double[] tx, double[] bigT, double[] count, double customers) {
    int size() {
      return tx.length;
    }

    /**
     * @param rows (x, t_x days, T days, customers)
     * @param unitDays days per unit: 7 for weeks, 1 for days
     */
    static Histories of(List<Row> rows, int unitDays) {
      int size = rows.size();
      long[] x = new long[size];
      double[] tx = new double[size];
      double[] bigT = new double[size];
      double[] count = new double[size];
      double customers = 0;
      for (int g = 0; g < size; g++) {
        Row row = rows.get(g);
        x[g] = row.getLong(0);
        tx[g] = row.getInt(1) / (double) unitDays;
        bigT[g] = row.getInt(2) / (double) unitDays;
        count[g] = row.getLong(3);
        customers += count[g];
      }
      long[] distinct = Arrays.stream(x).distinct().sorted().toArray();
      int[] index = new int[size];
      for (int g = 0; g < size; g++) {
        index[g] = Arrays.binarySearch(distinct, x[g]);
      }
      return new Histories(distinct, index, tx, bigT, count, customers);
    }
  }

  /**
   * Gamma-Gamma groups (x, m_x) of the customers with x > 0 and m_x > 0, with what the likelihood reads of them
   * that never changes during a fit: ln m_x per group, ln x per distinct x.
   *
   * @param distinctX the distinct x values, ascending; {@code xIndex[g]} points into it, as {@code lnX}
   */
  record Margins(long[] x, double[] meanMargin, double[] count, double customers, long[] distinctX, int[] xIndex,
      double[] lnMeanMargin, double[] lnX) {
    int size() {
      return x.length;
    }

    /**
     * @param rows (x, s_x in cents, customers): m_x = s_x / x, exact up to the one rounding of the division
     */
    static Margins of(List<Row> rows) {
      int size = rows.size();
      long[] x = new long[size];
      double[] mean = new double[size];
      double[] lnMean = new double[size];
      double[] count = new double[size];
      double customers = 0;
      for (int g = 0; g < size; g++) {
        Row row = rows.get(g);
        x[g] = row.getLong(0);
        mean[g] = row.getLong(1) / (100.0 * x[g]);
        lnMean[g] = Math.log(mean[g]);
        count[g] = row.getLong(2);
        customers += count[g];
      }
      long[] distinct = Arrays.stream(x).distinct().sorted().toArray();
      int[] index = new int[size];
      for (int g = 0; g < size; g++) {
        index[g] = Arrays.binarySearch(distinct, x[g]);
      }
      double[] lnX = Arrays.stream(distinct).mapToDouble(Math::log).toArray();
      return new Margins(x, mean, count, customers, distinct, index, lnMean, lnX);
    }

    /** Pearson's correlation of x and m_x over the customers (null when either does not vary). */
    Double correlation() {
      double sx = 0;
      double sm = 0;
      for (int g = 0; g < size(); g++) {
        sx += count[g] * x[g];
        sm += count[g] * meanMargin[g];
      }
      double mx = sx / customers;
      double mm = sm / customers;
      double cov = 0;
      double vx = 0;
      double vm = 0;
      for (int g = 0; g < size(); g++) {
        double dx = x[g] - mx;
        double dm = meanMargin[g] - mm;
        cov += count[g] * dx * dm;
        vx += count[g] * dx * dx;
        vm += count[g] * dm * dm;
      }
      return vx > 0 && vm > 0 ? cov / Math.sqrt(vx * vm) : null;
    }
  }
}
