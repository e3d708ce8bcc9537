package io.profitlake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.profitlake.support.TestSettings;
import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every configuration mistake fails at load with the key, the value and what is allowed. */
class SettingsValidationTest {

  private static String error(String hocon) {
    return assertThrows(ConfigurationError.class, () -> TestSettings.parse(hocon)).getMessage();
  }

  @Test
  void theProjectCostModelLoadsAsWritten() {
    Settings settings = TestSettings.parse("");
    CostModel model = settings.costModel();
    assertEquals("USD", model.currency());
    assertEquals(5, model.pools().size());
    assertEquals(new BigDecimal("120000"), model.pools().get("support").capacityMinutes());
    assertEquals(CostModel.AllocationMode.FULL_ABSORPTION, model.pools().get("finance_ops").mode());
    assertEquals(Driver.TICKET, model.activities().get("handle_ticket").driver());
    assertEquals(0, new BigDecimal("15").compareTo(model.activities().get("handle_ticket").coefficients().get("escalated")));
    assertEquals(3, model.referral().maxDepth());
    assertEquals(0, new BigDecimal("0.025").compareTo(model.referral().shares().get(2)));
    assertEquals(0, new BigDecimal("0.05").compareTo(settings.quarantineMaxRate()));
    assertTrue(settings.pepper().isEmpty() || System.getenv("PROFITLAKE_PEPPER") != null);
  }

  @Test
  void effectiveConfigurationIsOneSortedSettingPerLineWithSecretsRedacted() {
    Settings settings = TestSettings.parse("profitlake { pepper = \"pepper-value-42\", quarantine.max-rate = 0.07, "
        + "spark.conf { \"spark.hadoop.fs.s3a.secret.key\" = \"s3-secret-99\", \"spark.ui.enabled\" = \"false\" } }");
    List<String> lines = settings.effectiveConfiguration();
    assertEquals(lines.stream().sorted().toList(), lines, "sorted by path");
    assertEquals(lines.size(), settings.redactedSummary().split("\n").length, "one setting per line");
    assertTrue(lines.contains("profitlake.pepper = *** (set)"), lines.toString());
    assertTrue(lines.contains("profitlake.spark.conf.\"spark.hadoop.fs.s3a.secret.key\" = *** (set)"), lines.toString());
    assertTrue(lines.contains("profitlake.spark.conf.\"spark.ui.enabled\" = \"false\""), lines.toString());
    assertTrue(lines.contains("profitlake.quarantine.max-rate = 0.07"), lines.toString());
    assertTrue(lines.contains("profitlake.cost-model.pools.support.capacity-minutes = 120000"), lines.toString());
    assertTrue(lines.stream().allMatch(line -> line.startsWith("profitlake.") && line.contains(" = ")), lines.toString());
    String summary = settings.redactedSummary();
    assertTrue(!summary.contains("pepper-value-42") && !summary.contains("s3-secret-99"), summary);
    assertTrue(TestSettings.parseAlone("").effectiveConfiguration().contains("profitlake.pepper = (not set)")
        || System.getenv("PROFITLAKE_PEPPER") != null);
  }

  /** A user's own cost model: one pool, one activity, in euros. */
  private static final String OWN_COST_MODEL = "profitlake.cost-model {\n"
      + "  currency = \"EUR\"\n"
      + "  pools { helpdesk { capacity-minutes = 5000 } }\n"
      + "  activities { answer { pool = helpdesk, driver = call, base-minutes = 2, coefficients { talk_minutes = 1 } } }\n"
      + "  thresholds.pursue-threshold = 250\n"
      + "}\n";

  @Test
  void ownCostModelFileReplacesTheSamplePoolsInsteadOfMergingWithThem(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("my.conf"),
        "include file(\"" + Path.of("conf/application.conf").toAbsolutePath() + "\")\n");
    Path costModel = Files.writeString(dir.resolve("my-cost-model.conf"), OWN_COST_MODEL);

    // What the README warned about: including application.conf and defining pools in the same layers merges them.
    Path merged = Files.writeString(dir.resolve("merged.conf"), Files.readString(config) + OWN_COST_MODEL);
    assertEquals(Set.of("support", "call_centre", "field_sales", "fulfilment", "finance_ops", "helpdesk"),
        SettingsLoader.load(merged.toFile()).costModel().pools().keySet());

    CostModel own = SettingsLoader.load(config.toFile(), costModel.toFile()).costModel();
    assertEquals(Set.of("helpdesk"), own.pools().keySet());
    assertEquals(Set.of("answer"), own.activities().keySet());
    assertEquals(Set.of(), own.sharedPools().keySet(), "the sample's it_equipment must not leak in");
    assertEquals("EUR", own.currency());
    assertEquals(0, new BigDecimal("250").compareTo(own.thresholds().pursueThreshold()));
    // Keys the file leaves out keep their defaults.
    assertEquals(3, own.referral().maxDepth());
    assertEquals(12, own.amortisationMonths());
  }

  @Test
  void costModelFileHoldsOnlyTheCostModel(@TempDir Path dir) throws Exception {
    Path other = Files.writeString(dir.resolve("other.conf"), OWN_COST_MODEL + "profitlake.quarantine.max-rate = 0.2\n");
    assertEquals("cost model file " + other + " may hold only profitlake.cost-model, found also "
            + "[profitlake.quarantine] (put those in the --config file)",
        assertThrows(ConfigurationError.class, () -> SettingsLoader.load(null, other.toFile())).getMessage());
    Path empty = Files.writeString(dir.resolve("empty.conf"), "profitlake.lakehouse.path = x\n");
    assertEquals("cost model file " + empty + " holds no profitlake.cost-model { pools { ... }, activities { ... } } "
            + "(conf/cost-model.conf is an example)",
        assertThrows(ConfigurationError.class, () -> SettingsLoader.load(null, empty.toFile())).getMessage());
    File missing = dir.resolve("nope.conf").toFile();
    assertEquals("cost model file " + missing + " does not exist (give an existing file to --cost-model)",
        assertThrows(ConfigurationError.class, () -> SettingsLoader.load(null, missing)).getMessage());
  }

  @Test
  void unknownKeyIsNamedWithTheAllowedOnes() {
    assertEquals("unknown key profitlake.lakehouse.pth: allowed keys under profitlake.lakehouse are "
        + "[database, metastore-uri, path, warehouse]", error("profitlake.lakehouse.pth = x"));
  }

  @Test
  void unknownTopLevelKey() {
    assertEquals("unknown key profitlake.quarantaine: allowed keys under profitlake are [clv, cost-model, job-runs, "
        + "lakehouse, pepper, quarantine, sample, scenarios, sources, spark, time-zone]", error("profitlake.quarantaine.max-rate = 0.1"));
  }

  @Test
  void lifetimeValueKeysAreChecked() {
    assertEquals("profitlake.clv.time-unit = months: must be one of [weeks, days]",
        error("profitlake.clv.time-unit = months"));
    assertEquals("profitlake.clv.months = 0: must be a whole number >= 1", error("profitlake.clv.months = 0"));
    assertEquals("profitlake.clv.monthly-discount-rate = 1.5: must be between 0 and 1",
        error("profitlake.clv.monthly-discount-rate = 1.5"));
    assertEquals("unknown key profitlake.clv.horizon: allowed keys under profitlake.clv are [max-fit-groups, "
        + "monthly-discount-rate, months, time-unit]", error("profitlake.clv.horizon = 12"));
  }

  @Test
  void jobRunsDurationsAreCheckedAgainstEachOther() {
    Settings.JobRuns defaults = TestSettings.parse("").jobRuns();
    assertEquals(java.time.Duration.ofSeconds(30), defaults.heartbeatEvery());
    assertEquals(java.time.Duration.ofMinutes(10), defaults.abandonedAfter());
    assertEquals(java.time.Duration.ofMinutes(2),
        TestSettings.parse("profitlake.job-runs { heartbeat-every = 1m, abandoned-after = 2m }").jobRuns().abandonedAfter());
    // A live run is one heartbeat late now and then: a limit under two beats would call it dead.
    assertEquals("profitlake.job-runs.abandoned-after = \"90s\": must be at least twice heartbeat-every (120s)",
        error("profitlake.job-runs { heartbeat-every = 1m, abandoned-after = 90s }"));
    assertEquals("profitlake.job-runs.heartbeat-every = \"soon\": must be a duration such as 30s, 10m or 1h",
        error("profitlake.job-runs.heartbeat-every = soon"));
    assertEquals("profitlake.job-runs.heartbeat-every = \"10ms\": must be at least 1s",
        error("profitlake.job-runs.heartbeat-every = 10ms"));
  }

  @Test
  void wrongTypeNamesKeyAndValue() {
    assertEquals("profitlake.quarantine.max-rate = \"lots\": must be a number",
        error("profitlake.quarantine.max-rate = lots"));
  }

  @Test
  void shufflePartitionsAreAutoOrAWholeNumber() {
    assertEquals(Settings.Spark.AUTO, TestSettings.parse("profitlake.spark.shuffle-partitions = auto").spark().shufflePartitions());
    assertTrue(TestSettings.parse("profitlake.spark.shuffle-partitions = auto").spark().toString()
        .contains("shufflePartitions=auto"));
    assertEquals(12, TestSettings.parse("profitlake.spark.shuffle-partitions = 12").spark().shufflePartitions());
    assertEquals("profitlake.spark.shuffle-partitions = \"many\": must be auto or a whole number >= 1",
        error("profitlake.spark.shuffle-partitions = many"));
    assertEquals("profitlake.spark.shuffle-partitions = 0: must be a whole number >= 1",
        error("profitlake.spark.shuffle-partitions = 0"));
  }

  @Test
  void codeGenerationIsAutoOnOrOff() {
    assertEquals(Settings.CodeGeneration.AUTO, TestSettings.parse("").spark().codeGeneration());
    assertEquals(Settings.CodeGeneration.OFF,
        TestSettings.parse("profitlake.spark.code-generation = off").spark().codeGeneration());
    assertTrue(TestSettings.parse("profitlake.spark.code-generation = on").spark().toString()
        .contains("codeGeneration=on"));
    assertEquals("profitlake.spark.code-generation = true: must be one of [auto, on, off]",
        error("profitlake.spark.code-generation = true"));
  }

  @Test
  void rateOutsideItsRange() {
    assertEquals("profitlake.quarantine.max-rate = 1.5: must be between 0 and 1",
        error("profitlake.quarantine.max-rate = 1.5"));
  }

  @Test
  void sharedPoolFractionsMustSumToOne() {
    // 0.25 + 0.10 + 0.10 + 0.20 + 0.30 = 0.95
    assertEquals("profitlake.cost-model.shared-pools.it_equipment.fractions = "
            + "{call_centre=0.25,field_sales=0.1,finance_ops=0.1,fulfilment=0.2,support=0.3}: "
            + "fractions must sum to 1, they sum to 0.95",
        error("profitlake.cost-model.shared-pools.it_equipment.fractions.support = 0.30"));
  }

  @Test
  void sharedPoolFractionMustNameAResourcePool() {
    assertEquals("profitlake.cost-model.shared-pools.it_equipment.fractions.marketing = 0: names no resource pool; "
            + "resource pools are [call_centre, field_sales, finance_ops, fulfilment, support]",
        error("profitlake.cost-model.shared-pools.it_equipment.fractions.marketing = 0"));
  }

  @Test
  void unknownDriverAttributeListsTheAllowedOnes() {
    assertEquals("profitlake.cost-model.activities.handle_ticket.coefficients.talk_minutes = 1: unknown attribute of "
            + "driver ticket in activity handle_ticket; allowed attributes are "
            + "[handle_minutes, escalated, reopen_count, priority_urgent, is_complaint]",
        error("profitlake.cost-model.activities.handle_ticket.coefficients.talk_minutes = 1"));
  }

  @Test
  void negativeCapacity() {
    assertEquals("profitlake.cost-model.pools.support.capacity-minutes = -5: must be >= 0",
        error("profitlake.cost-model.pools.support.capacity-minutes = -5"));
  }

  @Test
  void unknownAllocationMode() {
    assertEquals("profitlake.cost-model.pools.support.mode = equal: must be one of [time-driven, full-absorption]",
        error("profitlake.cost-model.pools.support.mode = equal"));
  }

  @Test
  void unknownDriver() {
    assertEquals("profitlake.cost-model.activities.handle_ticket.driver = email: must be one of "
            + "[ticket, call, sales_activity, order, return_line, invoice]",
        error("profitlake.cost-model.activities.handle_ticket.driver = email"));
  }

  @Test
  void activityOnAnUnknownPool() {
    assertEquals("profitlake.cost-model.activities.handle_ticket.pool = helpdesk: must name a resource pool; "
            + "resource pools are [call_centre, field_sales, finance_ops, fulfilment, support]",
        error("profitlake.cost-model.activities.handle_ticket.pool = helpdesk"));
  }

  @Test
  void unknownSourceFormat() {
    assertEquals("profitlake.sources.calls.format = xlsx: must be one of [csv, parquet, json, delta]",
        error("profitlake.sources.calls.format = xlsx"));
  }

  @Test
  void unknownTimeZone() {
    assertEquals("profitlake.time-zone = Mars/Olympus: must be a time zone id such as UTC or Europe/Berlin",
        error("profitlake.time-zone = \"Mars/Olympus\""));
  }

  @Test
  void referralSharesOutsideZeroToOne() {
    assertEquals("profitlake.cost-model.referral.shares = [0.1, 1.5]: each share must be between 0 and 1",
        error("profitlake.cost-model.referral.shares = [0.1, 1.5]"));
  }

  @Test
  void fingerprintChangesWithTheConfigButNotWithThePepper() {
    String base = TestSettings.parse("").fingerprint();
    assertEquals(base, TestSettings.parse("profitlake.pepper = secret").fingerprint());
    assertTrue(!base.equals(TestSettings.parse("profitlake.quarantine.max-rate = 0.2").fingerprint()));
  }

  @Test
  void databaseNameMustBeAPlainIdentifier() {
    String allowed = ": must be a plain identifier (a letter or _, then letters, digits or _, at most 128 characters), "
        + "such as profitability";
    for (String name : java.util.List.of("profit-lake", "1st", "x; DROP TABLE t", "sales.db", "", "a".repeat(129),
        "caf\u00e9")) {
      assertEquals("profitlake.lakehouse.database = \"" + name + "\"" + allowed,
          error("profitlake.lakehouse.database = \"" + name + "\""), name);
    }
    for (String name : java.util.List.of("profitability", "Finance_2024", "_x", "a".repeat(128))) {
      assertEquals(name, TestSettings.parse("profitlake.lakehouse.database = \"" + name + "\"").lakehouse().database());
    }
  }

  @Test
  void warehouseOutsideTheLakehouseRootIsRejected() {
    String root = java.nio.file.Path.of("/data/lake").toAbsolutePath().toString();
    for (String warehouse : java.util.List.of("/data/elsewhere", "/data/lake/../elsewhere", "/data/lakehouse2",
        "s3a://bucket/lake/warehouse", "file:/tmp")) {
      assertEquals("profitlake.lakehouse.warehouse = \"" + warehouse + "\": must lie under the lakehouse root " + root
              + " (profitlake.lakehouse.path): the job writes nowhere else; leave it empty for <path>/warehouse",
          error("profitlake.lakehouse { path = \"/data/lake\", warehouse = \"" + warehouse + "\" }"), warehouse);
    }
    for (String warehouse : java.util.List.of("", "/data/lake/warehouse", "/data/lake/wh/../tables", "file:/data/lake/w",
        "file:///data/lake/w")) {
      TestSettings.parse("profitlake.lakehouse { path = \"/data/lake\", warehouse = \"" + warehouse + "\" }");
    }
    TestSettings.parse("profitlake.lakehouse { path = \"s3a://bucket/lake\", warehouse = \"s3a://bucket/lake/wh\" }");
    assertTrue(error("profitlake.lakehouse { path = \"s3a://bucket/lake\", warehouse = \"s3a://other/lake/wh\" }")
        .startsWith("profitlake.lakehouse.warehouse = \"s3a://other/lake/wh\": must lie under"));
  }
}
