package io.profitlake.scenario;

import io.profitlake.profitability.Periods;
import java.time.YearMonth;
import java.util.Optional;

/**
 * The periods a scenario replays and reports: the 12 processed periods ending with the last one (all of them if
 * fewer), and the period before them, whose customer standing the exit criteria and price changes read (none
 * when the window starts at the first processed period).
 */
public record ScenarioWindow(Periods periods, Optional<YearMonth> before) {
  /** Periods in a window: a year, as the trailing figures. */
  public static final int PERIODS = 12;

  public static ScenarioWindow of(Periods processed) {
    YearMonth start = processed.last().minusMonths(PERIODS - 1L);
    if (!start.isAfter(processed.first())) {
      return new ScenarioWindow(processed, Optional.empty());
    }
    return new ScenarioWindow(new Periods(start, processed.last()), Optional.of(start.minusMonths(1)));
  }
}
