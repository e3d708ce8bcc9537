package io.profitlake.config;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Everything a run needs, parsed once from the layered config and checked in the constructors. */
public record Settings(
    ZoneId timeZone,
    Lakehouse lakehouse,
    Map<String, SourceLocation> sources,
    BigDecimal quarantineMaxRate,
    Sample sample,
    Optional<String> pepper,
    Spark spark,
    CostModel costModel,
    List<Scenario> scenarios,
    Clv clv,
    JobRuns jobRuns,
    String fingerprint,
    List<String> effectiveConfiguration) {

  /** The sources of data-contracts.md, in the order they are read and reported. */
  public static final List<String> SOURCE_NAMES =
      List.of(
          "customers", "sales_reps", "fx_rates", "transactions", "invoices", "sales_activities",
          "referrals", "support_tickets", "calls", "cost_pools", "prospects");

  /** Sources that may be left out (empty path). */
  public static final List<String> OPTIONAL_SOURCES = List.of("fx_rates");

  public static final List<String> FORMATS = List.of("csv", "parquet", "json", "delta");

  public Settings {
    sources = Map.copyOf(sources);
    scenarios = List.copyOf(scenarios);
  }

  public SourceLocation source(String name) {
    SourceLocation location = sources.get(name);
    if (location == null) {
      throw new IllegalArgumentException("no source named " + name);
    }
    return location;
  }

  /** Optional so that an fx_rates source can be absent: a base-currency-only business needs none. */
  public record SourceLocation(String name, String path, String format) {
    public boolean isConfigured() {
      return !path.isBlank();
    }
  }

  public record Lakehouse(String path, String database, String warehouse, String metastoreUri) {
    /** Whether an external Hive metastore keeps the catalog; else the tables are registered by path at start. */
    public boolean usesMetastore() {
      return !metastoreUri.isBlank();
    }

    /** The lakehouse root, absolute: every table the job writes must lie under it. */
    public String root() {
      return LakehousePaths.absolute(path);
    }

    /** Where the database's tables go: the configured warehouse, else {@code <root>/warehouse}. */
    public String warehouseLocation() {
      return warehouse.isBlank() ? LakehousePaths.child(root(), "warehouse") : LakehousePaths.absolute(warehouse);
    }
  }

  /**
   * @param heartbeatEvery how often a running run writes its heartbeat
   * @param abandonedAfter a RUNNING run with no heartbeat for this long is marked ABANDONED by a later run
   */
  public record JobRuns(java.time.Duration heartbeatEvery, java.time.Duration abandonedAfter) {}

  public record Sample(boolean generateIfMissing, String dir, int customers, int months, long seed, YearMonth startPeriod) {}

  /**
   * @param shufflePartitions a fixed number, or {@link #AUTO}: sized from the input when the job starts
   * @param codeGeneration whether the run's queries are compiled to Java code or evaluated interpreted
   * @param checkpointDir where a run on a cluster keeps its reliable checkpoints (absolute), or blank for
   *     {@code <lakehouse>/_checkpoints}
   */
  public record Spark(String master, int shufflePartitions, CodeGeneration codeGeneration, String checkpointDir,
      Map<String, String> conf) {
    /** shuffle-partitions = auto. */
    public static final int AUTO = 0;

    public Spark {
      conf = Map.copyOf(conf);
    }

    public boolean autoShufflePartitions() {
      return shufflePartitions == AUTO;
    }

    @Override
    public String toString() {
      return "Spark[master=" + master + ", shufflePartitions=" + (autoShufflePartitions() ? "auto" : shufflePartitions)
          + ", codeGeneration=" + codeGeneration.configName() + ", checkpointDir=" + checkpointDir
          + ", conf=" + conf + "]";
    }

    /** What the session starts with: the fixed number, or one per core until the job sizes it from the input. */
    public int initialShufflePartitions() {
      return autoShufflePartitions() ? Math.max(2, Runtime.getRuntime().availableProcessors()) : shufflePartitions;
    }
  }

  /**
   * Customer lifetime value (methods.md): the model's time unit, the horizon in months, the monthly discount rate
   * and how many groups a fit reads before it samples customers.
   *
   * @param timeUnit {@code weeks} or {@code days}
   */
  public record Clv(String timeUnit, int months, BigDecimal monthlyDiscountRate, int maxFitGroups) {
    public static final List<String> TIME_UNITS = List.of("weeks", "days");

    public Clv {
      if (!TIME_UNITS.contains(timeUnit)) {
        throw new IllegalArgumentException("time unit " + timeUnit + " is not one of " + TIME_UNITS);
      }
    }

    /** Days per unit: 7 for weeks, 1 for days. */
    public int unitDays() {
      return timeUnit.equals("weeks") ? 7 : 1;
    }
  }

  /**
   * profitlake.spark.code-generation: Spark's own code generation ({@code on}), queries evaluated interpreted
   * ({@code off}), or chosen from the size of the source files when the run starts ({@code auto}).
   */
  public enum CodeGeneration {
    AUTO, ON, OFF;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Fails unless every required source has a path: checked before a run reads or writes anything. */
  public void requireSources() {
    for (String name : SOURCE_NAMES) {
      if (!OPTIONAL_SOURCES.contains(name) && !sources.get(name).isConfigured()) {
        throw new ConfigurationError("profitlake.sources." + name + ".path is empty: the source " + name
            + " is required (give a file or folder)");
      }
    }
  }

  /**
   * The effective config as printed at start: every setting under {@code profitlake} on its own line as
   * {@code path = value}, sorted by path, secrets (the pepper, any key naming a password, secret, token or
   * credential) shown only as whether they are set.
   */
  public String redactedSummary() {
    return String.join("\n", effectiveConfiguration);
  }
}
