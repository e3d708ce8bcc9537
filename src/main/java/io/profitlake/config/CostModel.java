package io.profitlake.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** The cost model of methods.md, parsed and checked once. Every amount and rate is exact. */
public record CostModel(
    String currency,
    Map<String, ResourcePool> pools,
    Map<String, SharedPool> sharedPools,
    Map<String, Activity> activities,
    int amortisationMonths,
    BigDecimal financingAnnualRate,
    ReferralModel referral,
    Thresholds thresholds) {

  public CostModel {
    pools = Map.copyOf(pools);
    sharedPools = Map.copyOf(sharedPools);
    activities = Map.copyOf(activities);
  }

  public enum AllocationMode {
    TIME_DRIVEN("time-driven"),
    FULL_ABSORPTION("full-absorption");

    private final String configName;

    AllocationMode(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    static AllocationMode byName(String name) {
      for (AllocationMode mode : values()) {
        if (mode.configName.equals(name)) {
          return mode;
        }
      }
      throw new IllegalArgumentException(name);
    }
  }

  /** A department whose cost lands on customers by the minutes of its activities. */
  public record ResourcePool(String id, BigDecimal capacityMinutes, AllocationMode mode) {}

  /** A pool spread over resource pools by fixed fractions (step-down stage 1). */
  public record SharedPool(String id, Map<String, BigDecimal> fractions) {
    public SharedPool {
      fractions = Map.copyOf(fractions);
    }
  }

  /** Minutes per unit = baseMinutes + sum(coefficient x attribute). */
  public record Activity(
      String id, String pool, Driver driver, BigDecimal baseMinutes, Map<String, BigDecimal> coefficients) {
    public Activity {
      coefficients = Map.copyOf(coefficients);
    }
  }

  public record ReferralModel(List<BigDecimal> shares, int windowMonths, boolean attributeLosses) {
    public ReferralModel {
      shares = List.copyOf(shares);
    }

    public int maxDepth() {
      return shares.size();
    }
  }

  public record Thresholds(
      BigDecimal statusBand,
      BigDecimal collectShare,
      int reviewAfterPeriods,
      BigDecimal pursueThreshold,
      int shrinkageK) {}

  /** Every pool id a cost row may name: resource pools and shared pools. */
  public java.util.Set<String> allPoolIds() {
    java.util.Set<String> ids = new java.util.TreeSet<>(pools.keySet());
    ids.addAll(sharedPools.keySet());
    return ids;
  }
}
