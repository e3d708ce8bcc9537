package io.profitlake.job;

import java.time.YearMonth;
import java.util.Optional;

/** What the user asked of one run: an optional period range. */
public record RunOptions(Optional<YearMonth> from, Optional<YearMonth> to) {
  public static RunOptions allPeriods() {
    return new RunOptions(Optional.empty(), Optional.empty());
  }
}
