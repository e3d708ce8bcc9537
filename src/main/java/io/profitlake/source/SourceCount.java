package io.profitlake.source;

import java.util.Map;

/** What one source gave (reasons in name order): read = accepted + quarantined, with the reasons and the rows with invalid UTF-8. */
public record SourceCount(String source, long read, long accepted, long quarantined, long invalidUtf8Rows,
    Map<String, Long> byReason) {
  public SourceCount {
    byReason = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(byReason));
  }

  /** Quarantined share of rows read; 0 for an empty source. */
  public java.math.BigDecimal quarantineRate() {
    if (read == 0) {
      return java.math.BigDecimal.ZERO;
    }
    return java.math.BigDecimal.valueOf(quarantined).divide(java.math.BigDecimal.valueOf(read), 6, java.math.RoundingMode.HALF_EVEN);
  }
}
