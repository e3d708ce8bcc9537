package io.profitlake.sample;

import java.time.YearMonth;

/**
 * What to generate. {@code linesFactor} scales transaction lines per customer and month (0.5 gives
 * about 50 lines per customer over 24 months).
 */
public record GeneratorOptions(int customers, int months, long seed, YearMonth start, String format,
    boolean badRows, double linesFactor) {
  public static final double DEFAULT_LINES_FACTOR = 0.5;

  public GeneratorOptions {
    if (customers < 1) {
      throw new IllegalArgumentException("customers must be at least 1, got " + customers);
    }
    if (months < 1) {
      throw new IllegalArgumentException("months must be at least 1, got " + months);
    }
    if (!format.equals("csv") && !format.equals("parquet") && !format.equals("json")) {
      throw new IllegalArgumentException("format must be csv, parquet or json, got " + format);
    }
    if (badRows && !format.equals("csv")) {
      throw new IllegalArgumentException("--bad-rows writes raw text rows and needs --format csv");
    }
  }
}
