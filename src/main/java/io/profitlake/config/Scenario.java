package io.profitlake.config;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A what-if of methods.md, "Scenarios": the run's computation replayed over the last 12 processed periods with
 * some customers gone, prices changed, pool capacity or cost cut, or activities re-engineered. Parsed and checked
 * at load ({@link ScenarioSettings}); a scenario without levers equals the baseline (ScenarioRunTest).
 *
 * @param exit who leaves at the start of the window, if anyone
 * @param priceChanges new net amounts per segment (empty: prices as they were)
 * @param pools new practical capacity or cost factor per resource pool
 * @param activities new time equations, each replacing its activity's whole equation
 */
public record Scenario(String name, String description, Optional<Exit> exit, List<PriceChange> priceChanges,
    Map<String, PoolLever> pools, Map<String, TimeEquation> activities) {

  /** Reserved for the run's own results in the scenario tables. */
  public static final String BASELINE = "baseline";

  /** A price change that applies to every customer (then the only entry of the list). */
  public static final String ALL_SEGMENTS = "ALL";

  /** The values the exit criteria and price changes may name, as the insights write them to customer_value. */
  public static final List<String> STATUSES = List.of("PROFITABLE", "BREAKEVEN", "UNPROFITABLE", "LAPSED");
  public static final List<String> SEGMENTS = List.of("PASSIVE", "CARRIAGE_TRADE", "BARGAIN_BASEMENT", "AGGRESSIVE",
      "NO_REVENUE");
  public static final List<String> ACTIONS = List.of("COLLECT", "PROTECT", "GROW", "KEEP_FOR_REFERRALS",
      "REVIEW_RELATIONSHIP", "REPRICE", "REDUCE_COST_TO_SERVE");

  public Scenario {
    priceChanges = List.copyOf(priceChanges);
    pools = Map.copyOf(pools);
    activities = Map.copyOf(activities);
  }

  /**
   * Who exits: every criterion given must hold, a list matches any of its values (an empty list is a criterion
   * not given). Read from customer_value as of the period before the window.
   */
  public record Exit(List<String> statuses, List<String> segments, List<String> recommendedActions,
      List<Integer> t12mDeciles, List<String> customers) {
    public Exit {
      statuses = List.copyOf(statuses);
      segments = List.copyOf(segments);
      recommendedActions = List.copyOf(recommendedActions);
      t12mDeciles = List.copyOf(t12mDeciles);
      customers = List.copyOf(customers);
    }

    /** Whether a criterion other than the explicit customer list is given (those need the period before). */
    public boolean usesCustomerValue() {
      return !statuses.isEmpty() || !segments.isEmpty() || !recommendedActions.isEmpty() || !t12mDeciles.isEmpty();
    }
  }

  /** net_amount x (1 + fraction) for the SALE and RETURN lines of a segment's customers, or of all. */
  public record PriceChange(String segment, BigDecimal fraction) {}

  /** A resource pool's new practical capacity and/or the factor on its own cost_pools amount. */
  public record PoolLever(Optional<BigDecimal> capacityMinutes, Optional<BigDecimal> costFactor) {}

  /** Minutes per unit = base + sum(coefficient x attribute); what it omits counts 0. */
  public record TimeEquation(BigDecimal baseMinutes, Map<String, BigDecimal> coefficients) {
    public TimeEquation {
      coefficients = Map.copyOf(coefficients);
    }
  }

  /**
   * The cost model the scenario's allocation runs on: the pools' new capacities and the activities' new time
   * equations (pools, drivers and shared pools unchanged). The cost factor applies to the cost rows instead.
   */
  public CostModel applyTo(CostModel model) {
    Map<String, CostModel.ResourcePool> newPools = new LinkedHashMap<>(model.pools());
    pools.forEach((id, lever) -> lever.capacityMinutes().ifPresent(capacity -> newPools.put(id,
        new CostModel.ResourcePool(id, capacity, model.pools().get(id).mode()))));
    Map<String, CostModel.Activity> newActivities = new LinkedHashMap<>(model.activities());
    activities.forEach((id, equation) -> {
      CostModel.Activity activity = model.activities().get(id);
      newActivities.put(id, new CostModel.Activity(id, activity.pool(), activity.driver(), equation.baseMinutes(),
          equation.coefficients()));
    });
    return new CostModel(model.currency(), newPools, model.sharedPools(), newActivities, model.amortisationMonths(),
        model.financingAnnualRate(), model.referral(), model.thresholds());
  }
}
