package io.profitlake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.profitlake.config.ConfigurationError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's arithmetic and report, on figures worked out by hand. */
class BenchmarkTest {

  @Test
  void scalingExponentIsTheSlopeInLogLog() {
    // Ten times the lines in ten times the time: linear. In five times the time: log 5 / log 10 = 0.699.
    assertEquals(1.0, Benchmark.exponent(1e5, 10, 1e6, 100));
    assertEquals(0.699, Benchmark.exponent(1e5, 10, 1e6, 50));
    // Twice the lines, four times the time: quadratic.
    assertEquals(2.0, Benchmark.exponent(1000, 3, 2000, 12));
  }

  @Test
  void sizesAreLinesWrittenAsPowersOfTen() {
    assertEquals(100_000, Benchmark.parseSize("1e5"));
    assertEquals(2_500_000, Benchmark.parseSize("2.5e6"));
    assertEquals(250_000, Benchmark.parseSize(" 250000 "));
    assertEquals("1e5", Benchmark.label(100_000));
    assertEquals("2.5e6", Benchmark.label(2_500_000));
    for (String bad : List.of("lots", "1.5", "999", "1e-3")) {
      assertThrows(ConfigurationError.class, () -> Benchmark.parseSize(bad), bad);
    }
  }

  @Test
  void customersAreInTheGeneratorsProportion() {
    // 20.6 lines per customer over 24 months; over 12 months half as many lines per customer.
    assertEquals(4854, Benchmark.customersFor(100_000, 24));
    assertEquals(9709, Benchmark.customersFor(100_000, 12));
    assertEquals(49, Benchmark.customersFor(1_000, 24));
    assertEquals(20, Benchmark.customersFor(100, 24));
  }

  @Test
  void transactionsAreSplitIntoContiguousPartsEachWithTheHeader(@TempDir Path dir)
      throws Exception {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    Files.writeString(a, "id,v\n1,x\n2,y\n3,z\n");
    Files.writeString(b, "id,v\n4,w\n5,u\n");
    Path out = Files.createDirectory(dir.resolve("out"));
    Benchmark.splitLines(List.of(a, b), out, 3);
    // 5 lines in 3 parts: line k goes to part floor(3k / 5): 0,0,1,1,2.
    assertEquals("id,v\n1,x\n2,y\n", Files.readString(out.resolve("part-00000.csv")));
    assertEquals("id,v\n3,z\n4,w\n", Files.readString(out.resolve("part-00001.csv")));
    assertEquals("id,v\n5,u\n", Files.readString(out.resolve("part-00002.csv")));
    Path more = Files.createDirectory(dir.resolve("more"));
    Benchmark.splitLines(List.of(b), more, 4);
    // More parts than lines: the last parts are header-only files (a source may hold those).
    assertEquals("id,v\n4,w\n", Files.readString(more.resolve("part-00000.csv")));
    assertEquals("id,v\n", Files.readString(more.resolve("part-00001.csv")));
    assertEquals("id,v\n5,u\n", Files.readString(more.resolve("part-00002.csv")));
    assertEquals("id,v\n", Files.readString(more.resolve("part-00003.csv")));
  }

  @Test
  void stagesAreGroupedByJobDescription() {
    assertEquals("read and check sources", StageMetrics.stageOf("read and check source transactions"));
    assertEquals("write tables", StageMetrics.stageOf("write profitability.cost_to_serve"));
    assertEquals("cost to serve", StageMetrics.stageOf("cost to serve"));
    assertEquals("other", StageMetrics.stageOf(null));
    assertEquals("insights", StageMetrics.stageOf("Delta: Delta: insights: Filtering files for query: Compute snapshot"));
    assertEquals("write tables", StageMetrics.stageOf("Delta: write profitability.job_runs - MERGE operation - scanning"));
  }

  @Test
  void reportHasARowPerSizeAndTheExponentsBetweenThem() {
    List<Map<String, Object>> sizes = new ArrayList<>();
    sizes.add(size(100_000, 100_000, 20.0));
    sizes.add(size(1_000_000, 1_000_000, 160.0));
    Benchmark.addExponents(sizes);
    // log(160 / 20) / log(10) = log10(8) = 0.903
    assertEquals(0.903, sizes.get(1).get("scaling_exponent"));
    assertFalse(sizes.get(0).containsKey("scaling_exponent"));
    String md = Benchmark.markdown(sizes);
    assertTrue(md.contains("| 1e5 | 100,000 | 150,000 | 25.0 | 20.0 | 5,000 | 7,500 | 1,024 | 512 | 100 | 2,000 | 64 |  |"), md);
    assertTrue(md.contains("| 1e6 | 1,000,000 | 1,500,000 | 165.0 | 160.0 | 6,250 | 9,375 | 1,024 | 512 | 100 | 2,000 | 64 | 0.903 |"), md);
    assertTrue(md.contains("| cost to serve | 12.0 | 96.0 |"), md);
  }

  private static Map<String, Object> size(long size, long lines, double jobSeconds) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("size", size);
    s.put("transaction_lines", lines);
    s.put("input_rows", lines * 3 / 2);
    s.put("process_seconds", jobSeconds + 5);
    s.put("job_seconds", jobSeconds);
    s.put("peak_heap_used_bytes", 1024L * 1024 * 1024);
    s.put("peak_live_heap_bytes", 512L * 1024 * 1024);
    s.put("spark_jobs", 100);
    s.put("tasks", 2000);
    s.put("shuffle_write_bytes", 64L * 1024 * 1024);
    s.put("stage_seconds", Map.of("cost to serve", jobSeconds * 0.6));
    return s;
  }
}
