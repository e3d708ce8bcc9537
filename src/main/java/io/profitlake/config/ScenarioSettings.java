package io.profitlake.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code profitlake.scenarios} (a list) against the cost model it replays: every lever names what exists,
 * every value is one the run can apply, and the first mistake fails the load with its key, value and what is
 * allowed. The keys are those of methods.md, "Scenarios" (snake_case, like the columns the criteria read).
 */
final class ScenarioSettings {
  private static final int MAX_FRACTION_SCALE = 6;
  private static final int MAX_COST_FACTOR_SCALE = 10;

  private ScenarioSettings() {}

  static List<Scenario> scenarios(StrictConfig root, CostModel model) {
    List<Scenario> scenarios = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (StrictConfig c : root.objectList("scenarios")) {
      c.onlyKeys("name", "description", "exit", "price_change", "pools", "activities");
      String name = c.string("name");
      if (!name.matches(SettingsLoader.IDENTIFIER)) {
        throw ConfigurationError.at(c.key("name"), "\"" + name + "\"",
            "must be an identifier (a letter or _, then letters, digits or _), such as exit_review");
      }
      if (name.toLowerCase(Locale.ROOT).equals(Scenario.BASELINE)) {
        throw ConfigurationError.at(c.key("name"), name, "is reserved for the run's own results; choose another name");
      }
      if (!names.add(name.toLowerCase(Locale.ROOT))) {
        throw ConfigurationError.at(c.key("name"), name, "names another scenario too; scenario names are unique");
      }
      scenarios.add(new Scenario(name, c.string("description"),
          c.has("exit") ? Optional.of(exit(c)) : Optional.empty(),
          c.has("price_change") ? priceChanges(c, "price_change") : List.of(),
          c.has("pools") ? pools(c, model) : Map.of(),
          c.has("activities") ? activities(c, model) : Map.of()));
    }
    return scenarios;
  }

  private static Scenario.Exit exit(StrictConfig scenario) {
    StrictConfig c = scenario.child("exit")
        .onlyKeys("status", "segment", "recommended_action", "t12m_decile", "customers");
    if (c.keys().isEmpty()) {
      throw ConfigurationError.at(scenario.key("exit"), "{}", "an exit needs at least one criterion: status, "
          + "segment, recommended_action, t12m_decile or customers (an exit of everyone is not a scenario)");
    }
    List<Integer> deciles = new ArrayList<>();
    for (String decile : values(c, "t12m_decile", null)) {
      if (!decile.matches("[1-9]|10")) {
        throw ConfigurationError.at(c.key("t12m_decile"), decile, "each decile must be a whole number from 1 to 10");
      }
      deciles.add(Integer.valueOf(decile));
    }
    List<String> customers = values(c, "customers", null);
    for (String customer : customers) {
      if (customer.isBlank()) {
        throw ConfigurationError.at(c.key("customers"), "\"\"", "a customer id cannot be empty");
      }
    }
    return new Scenario.Exit(values(c, "status", Scenario.STATUSES), values(c, "segment", Scenario.SEGMENTS),
        values(c, "recommended_action", Scenario.ACTIONS), deciles, customers);
  }

  /** A criterion's values (none when the key is absent), each one of {@code allowed} unless that is null. */
  private static List<String> values(StrictConfig c, String name, List<String> allowed) {
    if (!c.has(name)) {
      return List.of();
    }
    List<String> values = c.stringOrList(name);
    if (values.isEmpty()) {
      throw ConfigurationError.at(c.key(name), "[]", "an empty list matches nothing; give values or leave the key out");
    }
    for (String value : values) {
      if (allowed != null && !allowed.contains(value)) {
        throw ConfigurationError.at(c.key(name), value, "must be one of " + allowed);
      }
    }
    return values;
  }

  private static List<Scenario.PriceChange> priceChanges(StrictConfig scenario, String name) {
    List<StrictConfig> entries = scenario.objectList(name);
    List<String> allowed = new ArrayList<>(Scenario.SEGMENTS);
    allowed.add(Scenario.ALL_SEGMENTS);
    List<Scenario.PriceChange> changes = new ArrayList<>();
    Set<String> segments = new HashSet<>();
    for (StrictConfig entry : entries) {
      entry.onlyKeys("segment", "fraction");
      String segment = entry.oneOf("segment", allowed);
      if (segment.equals(Scenario.ALL_SEGMENTS) && entries.size() > 1) {
        throw ConfigurationError.at(entry.key("segment"), segment,
            "ALL changes every customer's prices, so it must be the only entry of " + scenario.key(name));
      }
      if (!segments.add(segment)) {
        throw ConfigurationError.at(entry.key("segment"), segment, "appears twice in " + scenario.key(name)
            + "; each segment at most once");
      }
      BigDecimal fraction = entry.decimal("fraction");
      if (fraction.compareTo(BigDecimal.ONE.negate()) <= 0 || fraction.stripTrailingZeros().scale() > MAX_FRACTION_SCALE) {
        throw ConfigurationError.at(entry.key("fraction"), fraction.toPlainString(),
            "must be a fraction above -1 with at most " + MAX_FRACTION_SCALE + " decimals (0.05 = 5% more)");
      }
      changes.add(new Scenario.PriceChange(segment, fraction));
    }
    if (changes.isEmpty()) {
      throw ConfigurationError.at(scenario.key(name), "[]", "give at least one { segment = ..., fraction = ... } "
          + "or leave the key out");
    }
    return changes;
  }

  private static Map<String, Scenario.PoolLever> pools(StrictConfig scenario, CostModel model) {
    Map<String, Scenario.PoolLever> levers = new LinkedHashMap<>();
    for (Map.Entry<String, StrictConfig> entry : scenario.objects("pools").entrySet()) {
      StrictConfig pool = entry.getValue();
      if (!model.pools().containsKey(entry.getKey())) {
        String why = model.sharedPools().containsKey(entry.getKey())
            ? "is a shared pool: no lever cuts a shared pool (its share flows into the resource pools)"
            : "names no resource pool of the cost model";
        throw ConfigurationError.at(scenario.child("pools").key(entry.getKey()), "{...}",
            why + "; resource pools are " + new TreeSet<>(model.pools().keySet()));
      }
      pool.onlyKeys("capacity_minutes", "cost_factor");
      if (pool.keys().isEmpty()) {
        throw ConfigurationError.at(scenario.child("pools").key(entry.getKey()), "{}",
            "a pool lever needs capacity_minutes, cost_factor or both");
      }
      Optional<BigDecimal> capacity = pool.has("capacity_minutes")
          ? Optional.of(pool.decimalAtLeast("capacity_minutes", BigDecimal.ZERO)) : Optional.empty();
      Optional<BigDecimal> factor = Optional.empty();
      if (pool.has("cost_factor")) {
        BigDecimal value = pool.decimalAtLeast("cost_factor", BigDecimal.ZERO);
        if (value.stripTrailingZeros().scale() > MAX_COST_FACTOR_SCALE) {
          throw ConfigurationError.at(pool.key("cost_factor"), value.toPlainString(),
              "must have at most " + MAX_COST_FACTOR_SCALE + " decimals");
        }
        factor = Optional.of(value);
      }
      levers.put(entry.getKey(), new Scenario.PoolLever(capacity, factor));
    }
    return levers;
  }

  private static Map<String, Scenario.TimeEquation> activities(StrictConfig scenario, CostModel model) {
    Map<String, Scenario.TimeEquation> equations = new LinkedHashMap<>();
    for (Map.Entry<String, StrictConfig> entry : scenario.objects("activities").entrySet()) {
      CostModel.Activity activity = model.activities().get(entry.getKey());
      StrictConfig equation = entry.getValue();
      if (activity == null) {
        throw ConfigurationError.at(scenario.child("activities").key(entry.getKey()), "{...}",
            "names no activity of the cost model; activities are " + new TreeSet<>(model.activities().keySet()));
      }
      equation.onlyKeys("base_minutes", "coefficients");
      BigDecimal base = equation.has("base_minutes")
          ? equation.decimalAtLeast("base_minutes", BigDecimal.ZERO) : BigDecimal.ZERO;
      Map<String, BigDecimal> coefficients = equation.has("coefficients") ? equation.decimalMap("coefficients") : Map.of();
      for (Map.Entry<String, BigDecimal> coefficient : coefficients.entrySet()) {
        if (!activity.driver().attributes().contains(coefficient.getKey())) {
          throw ConfigurationError.at(equation.child("coefficients").key(coefficient.getKey()),
              coefficient.getValue().toPlainString(), "unknown attribute of driver " + activity.driver().configName()
                  + " in activity " + activity.id() + "; allowed attributes are " + activity.driver().attributes());
        }
      }
      equations.put(entry.getKey(), new Scenario.TimeEquation(base, coefficients));
    }
    return equations;
  }
}
