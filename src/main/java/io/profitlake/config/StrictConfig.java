package io.profitlake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one config object by its full path and rejects keys it does not know, so that a typo in a
 * key fails at start instead of being silently ignored. Every read names the full key in its error.
 */
final class StrictConfig {
  private final Config config;
  private final String path;

  StrictConfig(Config config, String path) {
    this.config = config;
    this.path = path;
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + quoteIfNeeded(name);
  }

  /** Fails unless every key of this object is one of {@code allowed}. */
  StrictConfig onlyKeys(Collection<String> allowed) {
    Set<String> unknown = new TreeSet<>(config.root().keySet());
    unknown.removeAll(allowed);
    if (!unknown.isEmpty()) {
      String first = unknown.iterator().next();
      throw new ConfigurationError(
          "unknown key " + key(first) + ": allowed keys under " + path + " are " + new TreeSet<>(allowed));
    }
    return this;
  }

  StrictConfig onlyKeys(String... allowed) {
    return onlyKeys(List.of(allowed));
  }

  Set<String> keys() {
    return new TreeSet<>(config.root().keySet());
  }

  StrictConfig child(String name) {
    try {
      return new StrictConfig(config.getConfig(quoteIfNeeded(name)), key(name));
    } catch (ConfigException.WrongType e) {
      throw ConfigurationError.at(key(name), render(name), "must be an object { ... }");
    } catch (ConfigException.Missing e) {
      throw new ConfigurationError("missing key " + key(name));
    }
  }

  boolean has(String name) {
    return config.hasPath(quoteIfNeeded(name));
  }

  String string(String name) {
    ConfigValue value = value(name);
    if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST) {
      throw ConfigurationError.at(key(name), render(name), "must be a string");
    }
    return String.valueOf(value.unwrapped());
  }

  String oneOf(String name, List<String> allowed) {
    String value = string(name);
    if (!allowed.contains(value)) {
      throw ConfigurationError.at(key(name), value, "must be one of " + allowed);
    }
    return value;
  }

  boolean bool(String name) {
    try {
      return config.getBoolean(quoteIfNeeded(name));
    } catch (ConfigException.WrongType e) {
      throw ConfigurationError.at(key(name), render(name), "must be true or false");
    }
  }

  /** A decimal read from the config's text, never through a double, so 0.1 stays 0.1. */
  BigDecimal decimal(String name) {
    ConfigValue value = value(name);
    if (value.valueType() != ConfigValueType.NUMBER && value.valueType() != ConfigValueType.STRING) {
      throw ConfigurationError.at(key(name), render(name), "must be a number");
    }
    return parseDecimal(key(name), String.valueOf(value.unwrapped()), value);
  }

  BigDecimal decimalAtLeast(String name, BigDecimal min) {
    BigDecimal value = decimal(name);
    if (value.compareTo(min) < 0) {
      throw ConfigurationError.at(key(name), value.toPlainString(), "must be >= " + min.toPlainString());
    }
    return value;
  }

  BigDecimal decimalBetween(String name, BigDecimal min, BigDecimal max) {
    BigDecimal value = decimal(name);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw ConfigurationError.at(
          key(name), value.toPlainString(), "must be between " + min.toPlainString() + " and " + max.toPlainString());
    }
    return value;
  }

  /** A HOCON duration (30s, 10m, 1h), at least {@code min} ({@code minText} says what that is). */
  java.time.Duration durationAtLeast(String name, java.time.Duration min, String minText) {
    java.time.Duration value;
    try {
      value = config.getDuration(quoteIfNeeded(name));
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw ConfigurationError.at(key(name), render(name), "must be a duration such as 30s, 10m or 1h");
    }
    if (value.compareTo(min) < 0) {
      throw ConfigurationError.at(key(name), render(name), "must be at least " + minText);
    }
    return value;
  }

  int intAtLeast(String name, int min) {
    BigDecimal value = decimal(name);
    if (value.stripTrailingZeros().scale() > 0 || value.compareTo(BigDecimal.valueOf(min)) < 0
        || value.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
      throw ConfigurationError.at(key(name), value.toPlainString(), "must be a whole number >= " + min);
    }
    return value.intValueExact();
  }

  List<BigDecimal> decimalList(String name) {
    List<BigDecimal> result = new ArrayList<>();
    try {
      List<? extends ConfigValue> values = config.getList(quoteIfNeeded(name));
      for (ConfigValue value : values) {
        result.add(parseDecimal(key(name), String.valueOf(value.unwrapped()), value));
      }
    } catch (ConfigException.WrongType e) {
      throw ConfigurationError.at(key(name), render(name), "must be a list of numbers [0.10, 0.05]");
    }
    return result;
  }

  /** The objects of a list, each read under {@code <key>[i]}; an absent key is an empty list. */
  List<StrictConfig> objectList(String name) {
    if (!has(name)) {
      return List.of();
    }
    List<? extends ConfigValue> values;
    try {
      values = config.getList(quoteIfNeeded(name));
    } catch (ConfigException.WrongType e) {
      throw ConfigurationError.at(key(name), config.getValue(quoteIfNeeded(name)).render(ConfigRenderOptions.concise()),
          "must be a list [ { ... }, { ... } ]");
    }
    List<StrictConfig> result = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      ConfigValue value = values.get(i);
      if (value.valueType() != ConfigValueType.OBJECT) {
        throw ConfigurationError.at(key(name) + "[" + i + "]", value.render(ConfigRenderOptions.concise()),
            "must be an object { ... }");
      }
      result.add(new StrictConfig(((ConfigObject) value).toConfig(), key(name) + "[" + i + "]"));
    }
    return result;
  }

  /** One plain value or a list of them, as text: {@code status = UNPROFITABLE} or {@code status = [A, B]}. */
  List<String> stringOrList(String name) {
    ConfigValue value = value(name);
    if (value.valueType() == ConfigValueType.OBJECT) {
      throw ConfigurationError.at(key(name), render(name), "must be a value or a list of values");
    }
    List<String> result = new ArrayList<>();
    if (value.valueType() != ConfigValueType.LIST) {
      result.add(String.valueOf(value.unwrapped()));
      return result;
    }
    for (ConfigValue item : config.getList(quoteIfNeeded(name))) {
      if (item.valueType() == ConfigValueType.OBJECT || item.valueType() == ConfigValueType.LIST
          || item.valueType() == ConfigValueType.NULL) {
        throw ConfigurationError.at(key(name), render(name), "must be a value or a list of values");
      }
      result.add(String.valueOf(item.unwrapped()));
    }
    return result;
  }

  /** The entries of an object whose keys are free (names of pools, activities, Spark settings). */
  Map<String, String> stringMap(String name) {
    Map<String, String> result = new LinkedHashMap<>();
    StrictConfig child = child(name);
    for (Map.Entry<String, ConfigValue> entry : child.config.root().entrySet()) {
      ConfigValue value = entry.getValue();
      if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST) {
        throw ConfigurationError.at(child.key(entry.getKey()), value.render(), "must be a plain value");
      }
      result.put(entry.getKey(), String.valueOf(value.unwrapped()));
    }
    return result;
  }

  Map<String, BigDecimal> decimalMap(String name) {
    Map<String, BigDecimal> result = new LinkedHashMap<>();
    StrictConfig child = child(name);
    for (String key : child.keys()) {
      result.put(key, child.decimal(key));
    }
    return result;
  }

  Map<String, StrictConfig> objects(String name) {
    Map<String, StrictConfig> result = new LinkedHashMap<>();
    StrictConfig child = child(name);
    ConfigObject root = child.config.root();
    for (String key : new TreeSet<>(root.keySet())) {
      result.put(key, child.child(key));
    }
    return result;
  }

  private ConfigValue value(String name) {
    try {
      ConfigValue value = config.getValue(quoteIfNeeded(name));
      return value;
    } catch (ConfigException.Missing e) {
      throw new ConfigurationError("missing key " + key(name));
    }
  }

  private String render(String name) {
    try {
      return config.getValue(quoteIfNeeded(name)).render();
    } catch (ConfigException e) {
      return "?";
    }
  }

  private static BigDecimal parseDecimal(String key, String text, ConfigValue value) {
    try {
      return new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      throw ConfigurationError.at(key, value.render(), "must be a number");
    }
  }

  private static String quoteIfNeeded(String name) {
    return name.matches("[A-Za-z0-9_-]+") ? name : "\"" + name + "\"";
  }
}
