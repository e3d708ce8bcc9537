package io.profitlake.profitability;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/** The processed periods: every month from first to last, inclusive. */
public record Periods(YearMonth first, YearMonth last) {
  public Periods {
    if (last.isBefore(first)) {
      throw new IllegalArgumentException("last period " + last + " is before first " + first);
    }
  }

  public List<String> names() {
    List<String> names = new ArrayList<>();
    for (YearMonth month = first; !month.isAfter(last); month = month.plusMonths(1)) {
      names.add(month.toString());
    }
    return names;
  }

  /** The {@code count} periods before the first one, oldest first. */
  public List<String> preceding(int count) {
    List<String> names = new ArrayList<>();
    for (int back = count; back >= 1; back--) {
      names.add(first.minusMonths(back).toString());
    }
    return names;
  }

  /** The same index computed in Spark from a yyyy-MM column. */
  public static org.apache.spark.sql.Column index(String periodColumn) {
    return org.apache.spark.sql.functions.expr("year(to_date(" + periodColumn + " || '-01')) * 12 + month(to_date("
        + periodColumn + " || '-01')) - 1");
  }

  /** The yyyy-MM name of a period index column (the inverse of {@link #index(String)}). */
  public static org.apache.spark.sql.Column name(org.apache.spark.sql.Column index) {
    return org.apache.spark.sql.functions.date_format(org.apache.spark.sql.functions.make_date(
        org.apache.spark.sql.functions.floor(index.divide(12)).cast("int"),
        index.mod(12).plus(1).cast("int"), org.apache.spark.sql.functions.lit(1)), "yyyy-MM");
  }

  /** Months since year 0: consecutive periods differ by 1, which makes ranges and windows simple. */
  public static int index(YearMonth month) {
    return month.getYear() * 12 + month.getMonthValue() - 1;
  }

  @Override
  public String toString() {
    return first.equals(last) ? first.toString() : first + ".." + last;
  }
}
