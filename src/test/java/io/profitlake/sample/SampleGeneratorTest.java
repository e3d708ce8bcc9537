package io.profitlake.sample;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.profitlake.config.Settings;
import io.profitlake.source.SourceCount;
import io.profitlake.source.Sources;
import io.profitlake.source.ValidatedSources;
import io.profitlake.support.SparkTestBase;
import io.profitlake.support.TestSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generator: deterministic, clean when asked, and its bad rows match their manifest exactly. */
class SampleGeneratorTest extends SparkTestBase {
  private static Settings settings;

  @BeforeAll
  static void generate() {
    settings = TestSettings.parse("");
    write("a", 7, false);
    write("b", 7, false);
    write("c", 8, false);
    write("bad", 7, true);
  }

  private static void write(String dir, long seed, boolean badRows) {
    GeneratorOptions options = new GeneratorOptions(300, 6, seed, YearMonth.of(2024, 1), "csv", badRows, 0.5);
    new SampleGenerator(spark, options, settings.costModel()).writeTo(workDir.resolve(dir).toString());
  }

  /** All data files of a source folder, in name order, as one text. */
  private static String content(String dir, String source) throws Exception {
    try (Stream<Path> files = Files.list(workDir.resolve(dir).resolve(source))) {
      StringBuilder text = new StringBuilder();
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".csv")).sorted().toList()) {
        text.append(Files.readString(file, StandardCharsets.UTF_8));
      }
      return text.toString();
    }
  }

  private static ValidatedSources load(String dir) {
    return Sources.load(spark, TestSettings.parse(TestSettings.sourcesIn(workDir.resolve(dir), lakehouseDir)));
  }

  @Test
  void sameSeedSameFilesOtherSeedOtherFiles() throws Exception {
    for (String source : Settings.SOURCE_NAMES) {
      assertEquals(content("a", source), content("b", source), source);
    }
    assertNotEquals(content("a", "transactions"), content("c", "transactions"));
  }

  @Test
  void cleanSampleIsAcceptedWhole() {
    for (SourceCount count : load("a").counts().values()) {
      assertEquals(0, count.quarantined(), count.source() + " " + count.byReason());
      assertTrue(count.read() > 0 || count.source().equals("referrals"), count.source());
    }
  }

  @Test
  void sampleHasTheShapeTheDocsPromise() {
    ValidatedSources sources = load("a");
    Dataset<Row> lines = sources.accepted("transactions");
    long all = lines.count();
    long returns = lines.where(col("transaction_type").equalTo("RETURN")).count();
    assertTrue(returns > 0.03 * all && returns < 0.07 * all, "returns " + returns + " of " + all);
    assertTrue(lines.where(col("currency").notEqual("USD")).count() > 0, "foreign-currency lines");
    long customers = sources.accepted("customers").count();
    long referred = sources.accepted("referrals").count();
    assertTrue(referred > 0.08 * customers && referred < 0.22 * customers, "referred " + referred);
    assertTrue(sources.accepted("invoices").where(col("written_off_amount").gt(0)).count() > 0, "write-offs");
    assertTrue(sources.accepted("invoices").where(col("paid_date").gt(col("due_date"))).count() > 0, "late payers");
    // Heavy tail: the top 10% of customers by revenue bring more than a third of it.
    List<Row> byCustomer = lines.where(col("transaction_type").equalTo("SALE")).groupBy("customer_id")
        .agg(org.apache.spark.sql.functions.sum("net_amount").as("revenue")).orderBy(col("revenue").desc())
        .collectAsList();
    java.math.BigDecimal total = byCustomer.stream().map(r -> (java.math.BigDecimal) r.getAs("revenue"))
        .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
    java.math.BigDecimal top = byCustomer.stream().limit(byCustomer.size() / 10).map(r -> (java.math.BigDecimal) r.getAs("revenue"))
        .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
    assertTrue(top.multiply(java.math.BigDecimal.valueOf(3)).compareTo(total) > 0, "top decile " + top + " of " + total);
    // Every pool of the cost model has a cost row in every month.
    assertEquals(6L * settings.costModel().allPoolIds().size(), sources.accepted("cost_pools").count());
  }

  @Test
  void badRowsLandInQuarantineExactlyAsTheManifestSays() throws Exception {
    Map<String, Map<String, Long>> manifest = new ObjectMapper().readValue(
        workDir.resolve("bad").resolve(BadRows.MANIFEST).toFile(), new TypeReference<Map<String, Map<String, Long>>>() {});
    Map<String, SourceCount> counts = load("bad").counts();
    Map<String, Map<String, Long>> actual = new TreeMap<>();
    for (SourceCount count : counts.values()) {
      if (!count.byReason().isEmpty()) {
        actual.put(count.source(), new TreeMap<>(count.byReason()));
      }
      assertEquals(count.read(), count.accepted() + count.quarantined());
    }
    assertEquals(new TreeMap<>(manifest), actual);
    // The accepted rows are the clean sample's, row for row.
    Map<String, SourceCount> clean = load("a").counts();
    for (String source : Settings.SOURCE_NAMES) {
      assertEquals(clean.get(source).read(), counts.get(source).accepted(), source);
    }
  }
}
