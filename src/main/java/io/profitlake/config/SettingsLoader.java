package io.profitlake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import io.profitlake.config.CostModel.Activity;
import io.profitlake.config.CostModel.AllocationMode;
import io.profitlake.config.CostModel.ReferralModel;
import io.profitlake.config.CostModel.ResourcePool;
import io.profitlake.config.CostModel.SharedPool;
import io.profitlake.config.CostModel.Thresholds;
import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Layers the config (reference.conf &lt; conf/application.conf or the given file &lt; system
 * properties) and turns it into {@link Settings}, failing on the first key that is unknown or invalid.
 */
public final class SettingsLoader {
  private static final String ROOT = "profitlake";

  private SettingsLoader() {}

  /**
   * @param file the --config file; null means {@code -Dconfig.file} if set, else conf/application.conf
   *     when it exists, else the defaults alone
   */
  public static Settings load(File file) {
    return load(file, null);
  }

  /**
   * Like {@link #load(File)}, with the cost model taken from its own file when {@code costModelFile} is given:
   * that file's {@code profitlake.cost-model} replaces the pools, shared pools and activities of every other
   * layer (they are never merged with the sample's), and its other cost-model keys override theirs (the rest
   * keeps the defaults). {@code -Dkey=value} still wins.
   */
  public static Settings load(File file, File costModelFile) {
    Config layered;
    try {
      Config app = ConfigFactory.empty();
      File chosen = file;
      if (chosen == null && System.getProperty("config.file") != null) {
        chosen = new File(System.getProperty("config.file"));
      }
      if (chosen == null && new File("conf/application.conf").isFile()) {
        chosen = new File("conf/application.conf");
      }
      if (chosen != null) {
        if (!chosen.isFile()) {
          throw new ConfigurationError("config file " + chosen + " does not exist (give an existing file to --config)");
        }
        // Absolute, so that `include "x.conf"` resolves beside the file even for a bare file name.
        app = ConfigFactory.parseFile(chosen.getAbsoluteFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      }
      Config base = app.withFallback(ConfigFactory.defaultReference(SettingsLoader.class.getClassLoader()));
      Config costModel = ConfigFactory.empty();
      if (costModelFile != null) {
        costModel = costModelFile(costModelFile);
        for (String replaced : List.of("pools", "shared-pools", "activities")) {
          // Emptied, not removed: the file's objects then merge with nothing (and an absent one stays empty).
          base = base.withValue(COST_MODEL + "." + replaced, com.typesafe.config.ConfigValueFactory.fromMap(Map.of()));
        }
      }
      layered =
          ConfigFactory.systemProperties()
              .withFallback(costModel)
              .withFallback(base)
              .resolve(ConfigResolveOptions.defaults());
    } catch (ConfigException.Parse e) {
      throw new ConfigurationError("cannot parse config: " + e.getMessage());
    } catch (ConfigException e) {
      throw new ConfigurationError("invalid config: " + e.getMessage());
    }
    return fromConfig(layered);
  }

  private static final String COST_MODEL = ROOT + ".cost-model";

  /** A file that holds only {@code profitlake.cost-model { ... }} (the form of conf/cost-model.conf). */
  private static Config costModelFile(File file) {
    if (!file.isFile()) {
      throw new ConfigurationError("cost model file " + file + " does not exist (give an existing file to --cost-model)");
    }
    Config config = ConfigFactory.parseFile(file.getAbsoluteFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    if (!config.hasPath(COST_MODEL)) {
      throw new ConfigurationError("cost model file " + file + " holds no profitlake.cost-model { pools { ... }, "
          + "activities { ... } } (conf/cost-model.conf is an example)");
    }
    List<String> other = config.root().keySet().stream().filter(k -> !k.equals(ROOT)).sorted().toList();
    List<String> otherUnderRoot = config.getConfig(ROOT).root().keySet().stream().filter(k -> !k.equals("cost-model"))
        .sorted().toList();
    if (!other.isEmpty() || !otherUnderRoot.isEmpty()) {
      throw new ConfigurationError("cost model file " + file + " may hold only profitlake.cost-model, found also "
          + java.util.stream.Stream.concat(other.stream(), otherUnderRoot.stream().map(k -> ROOT + "." + k)).toList()
          + " (put those in the --config file)");
    }
    return config;
  }

  /**
   * The scenarios of a file that holds only {@code profitlake.scenarios = [ ... ]} (the form of conf/scenarios.conf
   * which a run's config may include), checked against the cost model they replay.
   */
  public static List<Scenario> scenarios(File file, CostModel model) {
    if (!file.isFile()) {
      throw new ConfigurationError("scenario file " + file + " does not exist (give an existing file to --scenarios)");
    }
    Config config;
    try {
      config = ConfigFactory.parseFile(file.getAbsoluteFile(), ConfigParseOptions.defaults().setAllowMissing(false))
          .resolve();
    } catch (ConfigException.Parse e) {
      throw new ConfigurationError("cannot parse scenario file: " + e.getMessage());
    } catch (ConfigException e) {
      throw new ConfigurationError("invalid scenario file: " + e.getMessage());
    }
    if (!config.hasPath(ROOT + ".scenarios")) {
      throw new ConfigurationError("scenario file " + file + " holds no profitlake.scenarios = [ { name = ..., "
          + "description = ..., ... } ] (conf/scenarios.conf is an example)");
    }
    StrictConfig root = new StrictConfig(config, "").onlyKeys(ROOT);
    return ScenarioSettings.scenarios(root.child(ROOT).onlyKeys("scenarios"), model);
  }

  /** Parses an already layered config (tests hand in literal HOCON over the reference). */
  public static Settings fromConfig(Config config) {
    StrictConfig root =
        new StrictConfig(config.getConfig(ROOT), ROOT)
            .onlyKeys("time-zone", "lakehouse", "sources", "quarantine", "sample", "pepper", "spark", "cost-model",
                "scenarios", "clv", "job-runs");
    ZoneId zone = zone(root);
    Settings.Lakehouse lakehouse = lakehouse(root.child("lakehouse"));
    Map<String, Settings.SourceLocation> sources = sources(root.child("sources"));
    BigDecimal maxRate =
        root.child("quarantine").onlyKeys("max-rate").decimalBetween("max-rate", BigDecimal.ZERO, BigDecimal.ONE);
    Settings.Sample sample = sample(root.child("sample"));
    String pepperText = root.string("pepper");
    Optional<String> pepper = pepperText.isEmpty() ? Optional.empty() : Optional.of(pepperText);
    Settings.Spark spark = spark(root.child("spark"));
    CostModel costModel = costModel(root.child("cost-model"));
    List<Scenario> scenarios = ScenarioSettings.scenarios(root, costModel);
    return new Settings(zone, lakehouse, sources, maxRate, sample, pepper, spark, costModel, scenarios,
        clv(root.child("clv")), jobRuns(root.child("job-runs")), fingerprint(config, pepper), effectiveLines(config));
  }

  private static Settings.JobRuns jobRuns(StrictConfig c) {
    c.onlyKeys("heartbeat-every", "abandoned-after");
    java.time.Duration every = c.durationAtLeast("heartbeat-every", java.time.Duration.ofSeconds(1), "1s");
    // A live run can be a heartbeat late (a slow store, a long pause of its JVM): never mistaken for a dead one.
    java.time.Duration abandoned = c.durationAtLeast("abandoned-after", every.multipliedBy(2),
        "twice heartbeat-every (" + every.multipliedBy(2).toSeconds() + "s)");
    return new Settings.JobRuns(every, abandoned);
  }

  private static Settings.Clv clv(StrictConfig c) {
    c.onlyKeys("time-unit", "months", "monthly-discount-rate", "max-fit-groups");
    return new Settings.Clv(c.oneOf("time-unit", Settings.Clv.TIME_UNITS), c.intAtLeast("months", 1),
        c.decimalBetween("monthly-discount-rate", BigDecimal.ZERO, BigDecimal.ONE), c.intAtLeast("max-fit-groups", 1));
  }

  private static ZoneId zone(StrictConfig root) {
    String text = root.string("time-zone");
    try {
      return ZoneId.of(text);
    } catch (DateTimeException e) {
      throw ConfigurationError.at(root.key("time-zone"), text, "must be a time zone id such as UTC or Europe/Berlin");
    }
  }

  /** A database or table name the job accepts from config: plain SQL identifier, at most 128 characters. */
  public static final String IDENTIFIER = "^[A-Za-z_][A-Za-z0-9_]{0,127}$";

  private static Settings.Lakehouse lakehouse(StrictConfig c) {
    c.onlyKeys("path", "database", "warehouse", "metastore-uri");
    String path = c.string("path");
    if (path.isBlank()) {
      throw ConfigurationError.at(c.key("path"), "\"\"", "must name the lakehouse folder");
    }
    String database = c.string("database");
    // Spliced into SQL (CREATE DATABASE, the views): only a plain identifier can never inject anything.
    if (!database.matches(IDENTIFIER)) {
      throw ConfigurationError.at(c.key("database"), "\"" + database + "\"",
          "must be a plain identifier (a letter or _, then letters, digits or _, at most 128 characters), "
              + "such as profitability");
    }
    Settings.Lakehouse lakehouse = new Settings.Lakehouse(path, database, c.string("warehouse"), c.string("metastore-uri"));
    if (!LakehousePaths.isUnder(lakehouse.warehouseLocation(), lakehouse.root())) {
      throw ConfigurationError.at(c.key("warehouse"), "\"" + lakehouse.warehouse() + "\"",
          "must lie under the lakehouse root " + lakehouse.root() + " (profitlake.lakehouse.path): "
              + "the job writes nowhere else; leave it empty for <path>/warehouse");
    }
    return lakehouse;
  }

  private static Map<String, Settings.SourceLocation> sources(StrictConfig c) {
    c.onlyKeys(Settings.SOURCE_NAMES);
    Map<String, Settings.SourceLocation> result = new LinkedHashMap<>();
    for (String name : Settings.SOURCE_NAMES) {
      if (!c.has(name)) {
        throw new ConfigurationError("missing key " + c.key(name) + " { path = ..., format = csv }");
      }
      StrictConfig source = c.child(name).onlyKeys("path", "format");
      String path = source.string("path");
      String format = source.oneOf("format", Settings.FORMATS);
      result.put(name, new Settings.SourceLocation(name, path, format));
    }
    return result;
  }

  private static Settings.Sample sample(StrictConfig c) {
    c.onlyKeys("generate-if-missing", "dir", "customers", "months", "seed", "start-period");
    String start = c.string("start-period");
    YearMonth startPeriod;
    try {
      startPeriod = YearMonth.parse(start);
    } catch (DateTimeParseException e) {
      throw ConfigurationError.at(c.key("start-period"), start, "must be a month as yyyy-MM");
    }
    return new Settings.Sample(
        c.bool("generate-if-missing"),
        c.string("dir"),
        c.intAtLeast("customers", 1),
        c.intAtLeast("months", 1),
        c.decimal("seed").longValueExact(),
        startPeriod);
  }

  private static Settings.Spark spark(StrictConfig c) {
    c.onlyKeys("master", "shuffle-partitions", "code-generation", "checkpoint-dir", "conf");
    String partitions = c.string("shuffle-partitions").trim();
    if (!partitions.equals("auto") && !partitions.matches("\\d+")) {
      throw ConfigurationError.at(c.key("shuffle-partitions"), "\"" + partitions + "\"",
          "must be auto or a whole number >= 1");
    }
    int shufflePartitions = partitions.equals("auto") ? Settings.Spark.AUTO : c.intAtLeast("shuffle-partitions", 1);
    Settings.CodeGeneration codeGeneration = Settings.CodeGeneration.valueOf(
        c.oneOf("code-generation", List.of("auto", "on", "off")).toUpperCase(Locale.ROOT));
    String checkpointDir = c.string("checkpoint-dir").trim();
    return new Settings.Spark(c.string("master"), shufflePartitions, codeGeneration,
        checkpointDir.isEmpty() ? "" : LakehousePaths.absolute(checkpointDir), c.stringMap("conf"));
  }

  static CostModel costModel(StrictConfig c) {
    c.onlyKeys(
        "currency", "pools", "shared-pools", "activities", "acquisition", "financing", "referral", "thresholds");
    String currency = c.string("currency");
    if (!currency.matches("[A-Z]{3}")) {
      throw ConfigurationError.at(c.key("currency"), currency, "must be an ISO 4217 code such as USD");
    }

    Map<String, ResourcePool> pools = new LinkedHashMap<>();
    for (Map.Entry<String, StrictConfig> entry : c.objects("pools").entrySet()) {
      StrictConfig pool = entry.getValue().onlyKeys("capacity-minutes", "mode");
      BigDecimal capacity = pool.decimalAtLeast("capacity-minutes", BigDecimal.ZERO);
      List<String> modes = List.of(AllocationMode.TIME_DRIVEN.configName(), AllocationMode.FULL_ABSORPTION.configName());
      String mode = pool.has("mode") ? pool.oneOf("mode", modes) : AllocationMode.TIME_DRIVEN.configName();
      pools.put(entry.getKey(), new ResourcePool(entry.getKey(), capacity, AllocationMode.byName(mode)));
    }

    Map<String, SharedPool> shared = new LinkedHashMap<>();
    for (Map.Entry<String, StrictConfig> entry : c.objects("shared-pools").entrySet()) {
      StrictConfig pool = entry.getValue().onlyKeys("fractions");
      if (pools.containsKey(entry.getKey())) {
        throw ConfigurationError.at(pool.key("fractions"), entry.getKey(), "a shared pool cannot also be a resource pool");
      }
      Map<String, BigDecimal> fractions = pool.decimalMap("fractions");
      BigDecimal sum = BigDecimal.ZERO;
      for (Map.Entry<String, BigDecimal> fraction : fractions.entrySet()) {
        String key = pool.child("fractions").key(fraction.getKey());
        if (!pools.containsKey(fraction.getKey())) {
          throw ConfigurationError.at(key, fraction.getValue().toPlainString(),
              "names no resource pool; resource pools are " + new java.util.TreeSet<>(pools.keySet()));
        }
        if (fraction.getValue().signum() < 0 || fraction.getValue().compareTo(BigDecimal.ONE) > 0) {
          throw ConfigurationError.at(key, fraction.getValue().toPlainString(), "must be between 0 and 1");
        }
        sum = sum.add(fraction.getValue());
      }
      if (sum.compareTo(BigDecimal.ONE) != 0) {
        throw ConfigurationError.at(pool.key("fractions"), fractions.toString().replace(", ", ","),
            "fractions must sum to 1, they sum to " + sum.toPlainString());
      }
      shared.put(entry.getKey(), new SharedPool(entry.getKey(), fractions));
    }

    Map<String, Activity> activities = new LinkedHashMap<>();
    for (Map.Entry<String, StrictConfig> entry : c.objects("activities").entrySet()) {
      StrictConfig activity = entry.getValue().onlyKeys("pool", "driver", "base-minutes", "coefficients");
      if (!entry.getKey().matches("[a-z][a-z0-9_]*")) {
        throw ConfigurationError.at(c.child("activities").key(entry.getKey()), "{...}",
            "an activity id names a column (cts_<id>): lower-case letters, digits and _, starting with a letter");
      }
      String pool = activity.string("pool");
      if (!pools.containsKey(pool)) {
        throw ConfigurationError.at(activity.key("pool"), pool,
            "must name a resource pool; resource pools are " + new java.util.TreeSet<>(pools.keySet()));
      }
      String driverName = activity.string("driver");
      Driver driver = Driver.byName(driverName).orElseThrow(() ->
          ConfigurationError.at(activity.key("driver"), driverName, "must be one of " + Driver.names()));
      BigDecimal base = activity.has("base-minutes") ? activity.decimalAtLeast("base-minutes", BigDecimal.ZERO) : BigDecimal.ZERO;
      Map<String, BigDecimal> coefficients = activity.has("coefficients") ? activity.decimalMap("coefficients") : Map.of();
      for (String attribute : coefficients.keySet()) {
        if (!driver.attributes().contains(attribute)) {
          throw ConfigurationError.at(activity.child("coefficients").key(attribute), coefficients.get(attribute).toPlainString(),
              "unknown attribute of driver " + driver.configName() + " in activity " + entry.getKey()
                  + "; allowed attributes are " + driver.attributes());
        }
      }
      activities.put(entry.getKey(), new Activity(entry.getKey(), pool, driver, base, coefficients));
    }

    int months = c.child("acquisition").onlyKeys("amortisation-months").intAtLeast("amortisation-months", 1);
    BigDecimal rate = c.child("financing").onlyKeys("annual-rate").decimalBetween("annual-rate", BigDecimal.ZERO, BigDecimal.ONE);

    StrictConfig referral = c.child("referral").onlyKeys("shares", "window-months", "attribute-losses");
    List<BigDecimal> shares = referral.decimalList("shares");
    for (BigDecimal share : shares) {
      if (share.signum() < 0 || share.compareTo(BigDecimal.ONE) > 0) {
        throw ConfigurationError.at(referral.key("shares"), shares, "each share must be between 0 and 1");
      }
    }
    if (shares.isEmpty()) {
      throw ConfigurationError.at(referral.key("shares"), "[]", "needs at least one level");
    }
    ReferralModel referralModel =
        new ReferralModel(new ArrayList<>(shares), referral.intAtLeast("window-months", 1), referral.bool("attribute-losses"));

    StrictConfig t = c.child("thresholds")
        .onlyKeys("status-band", "collect-share", "review-after-periods", "pursue-threshold", "shrinkage-k");
    Thresholds thresholds = new Thresholds(
        t.decimalAtLeast("status-band", BigDecimal.ZERO),
        t.decimalBetween("collect-share", BigDecimal.ZERO, BigDecimal.ONE),
        t.intAtLeast("review-after-periods", 1),
        t.decimal("pursue-threshold"),
        t.intAtLeast("shrinkage-k", 0));

    return new CostModel(currency, pools, shared, activities, months, rate, referralModel, thresholds);
  }

  /** Keys whose values are secrets: printed only as set or not set. */
  private static final java.util.regex.Pattern SECRET =
      java.util.regex.Pattern.compile("(?i).*(pepper|password|passwd|secret|token|credential|access\\.key).*");

  /** Every leaf setting under profitlake, sorted by path, one per line, secrets redacted. */
  static List<String> effectiveLines(Config config) {
    Config settings = config.getConfig(ROOT);
    return settings.entrySet().stream()
        .map(entry -> {
          String path = ROOT + "." + entry.getKey();
          String value = entry.getValue().render(ConfigRenderOptions.concise().setJson(true));
          if (SECRET.matcher(entry.getKey()).matches()) {
            boolean set = !value.equals("\"\"") && !value.equals("null");
            value = set ? "*** (set)" : "(not set)";
          }
          return path + " = " + value;
        })
        .sorted()
        .toList();
  }

  /** SHA-256 of the effective config without the pepper: two runs with equal fingerprints used equal settings. */
  private static String fingerprint(Config config, Optional<String> pepper) {
    Config withoutSecret = config.getConfig(ROOT).withoutPath("pepper");
    String rendered = withoutSecret.root().render(ConfigRenderOptions.concise().setJson(true));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(rendered.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
