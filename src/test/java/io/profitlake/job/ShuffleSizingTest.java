package io.profitlake.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.profitlake.config.Settings;
import io.profitlake.support.SparkTestBase;
import io.profitlake.support.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ShuffleSizingTest extends SparkTestBase {
  private static final long MB = 1L << 20;

  @Test
  void smallInputsGetOnePartitionPerCore() {
    // The sample's 14 MB on two cores: one 128 MB share, but never fewer partitions than cores.
    assertEquals(2, ShuffleSizing.partitions(14 * MB, 2));
    assertEquals(8, ShuffleSizing.partitions(0, 8));
    assertEquals(1, ShuffleSizing.partitions(0, 0));
  }

  @Test
  void largeInputsGetOnePartitionPer128Mb() {
    // 3,277 MB (1e7 transaction lines and the rest): 3277 / 128 = 25.6, rounded up to 26.
    assertEquals(26, ShuffleSizing.partitions(3277 * MB, 2));
    // Exactly 10 shares is 10 partitions, one byte more is 11.
    assertEquals(10, ShuffleSizing.partitions(1280 * MB, 2));
    assertEquals(11, ShuffleSizing.partitions(1280 * MB + 1, 2));
    // More cores than shares: the cores win.
    assertEquals(32, ShuffleSizing.partitions(1280 * MB, 32));
  }

  @Test
  void theCountIsCapped() {
    // 1 TB would be 8192 shares.
    assertEquals(1000, ShuffleSizing.partitions(1L << 40, 2));
  }

  @Test
  void autoSetsTheSessionFromTheSourceFilesAndAFixedNumberLeavesItAlone() throws Exception {
    Path in = Files.createTempDirectory(workDir, "sized");
    Files.createDirectories(in.resolve("transactions"));
    Files.writeString(in.resolve("transactions/a.csv"), "x".repeat(1000));
    Files.writeString(in.resolve("transactions/b.csv"), "x".repeat(234));
    Files.createDirectories(in.resolve("calls"));
    Files.writeString(in.resolve("calls/c.csv"), "x".repeat(66));
    // Two of the eleven sources have files (1000 + 234 + 66 bytes); the others' folders do not exist.
    String sources = TestSettings.sourcesIn(in, lakehouseDir);
    Settings auto = TestSettings.parse(sources + "profitlake.spark.shuffle-partitions = auto\n");
    assertEquals(1300, ShuffleSizing.inputBytes(spark, auto));

    spark.conf().set("spark.sql.shuffle.partitions", "7");
    ShuffleSizing.apply(spark, TestSettings.parse(sources), 1300);
    assertEquals("7", spark.conf().get("spark.sql.shuffle.partitions"), "a fixed number is the session's own");
    ShuffleSizing.apply(spark, auto, 1300);
    // 1300 bytes is one share; local[2] has two cores.
    assertEquals("2", spark.conf().get("spark.sql.shuffle.partitions"));
  }
}
