package io.profitlake.currency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class MoneyTest {
  @Test
  void formatsToTheCentWithThousandsSeparatorsInEveryLocale() {
    Locale before = Locale.getDefault();
    try {
      // A German default would write 1.234,50: the CLI summary and the report must not depend on the machine.
      Locale.setDefault(Locale.GERMANY);
      assertEquals("1,234.50", Money.format(new BigDecimal("1234.50")));
      assertEquals("-1,234,567.01", Money.format(new BigDecimal("-1234567.01")));
      assertEquals("0.00", Money.format(new BigDecimal("0")));
      assertEquals("999.99", Money.format(new BigDecimal("999.99")));
    } finally {
      Locale.setDefault(before);
    }
  }
}
