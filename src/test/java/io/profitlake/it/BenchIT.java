package io.profitlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `profitlake bench` end to end on two tiny sizes: it generates, runs each size in its own JVM, and
 * writes a report whose figures hang together. (The figures themselves are measured, not asserted:
 * README, Performance.)
 */
class BenchIT {
  @TempDir
  Path out;

  @Test
  void benchGeneratesRunsAndReportsEverySize() throws Exception {
    Launch.Result bench = Launch.run(Path.of("").toAbsolutePath(), Launch.profitlake("bench", "--sizes", "1000,2000",
        "--out", out.toString()), 15);
    assertEquals(0, bench.exitCode(), bench.output());
    assertTrue(bench.output().contains("| size | transaction lines |"), bench.output());
    assertTrue(Files.readString(out.resolve("bench.md")).contains("| 2e3 |"));

    JsonNode sizes = new ObjectMapper().readTree(out.resolve("bench.json").toFile()).get("sizes");
    assertEquals(2, sizes.size());
    for (JsonNode size : sizes) {
      long target = size.get("size").asLong();
      long lines = size.get("transaction_lines").asLong();
      // The generator's lines per customer settle at about 20.6 over 24 months from a few thousand customers on;
      // tiny sizes get more.
      assertTrue(lines >= target * 0.8 && lines < target * 2, "about " + target + " lines: " + lines);
      assertTrue(size.get("input_rows").asLong() > lines);
      List<String> stages = new ArrayList<>();
      double inStages = 0;
      var fields = size.get("stage_seconds").fields();
      while (fields.hasNext()) {
        var stage = fields.next();
        stages.add(stage.getKey());
        inStages += stage.getValue().asDouble();
      }
      assertEquals(List.of("prepare the lakehouse", "read and check sources", "periods and transaction lines",
          "cost to serve", "customer P&L", "referral attribution", "insights", "write tables",
          "lifetime value fit", "customer value and prospect scores", "scenarios", "views and clean-up"), stages);
      // The stages split the job's wall time.
      double job = size.get("job_seconds").asDouble();
      assertEquals(job, inStages, 0.02 * job + 0.5, inStages + " s in stages");
      assertTrue(size.get("spark_job_seconds").has("cost to serve"));
      assertTrue(size.get("process_seconds").asDouble() > size.get("job_seconds").asDouble());
      assertTrue(size.get("tasks").asLong() > 0 && size.get("shuffle_write_bytes").asLong() > 0);
      assertTrue(size.get("peak_heap_used_bytes").asLong() >= size.get("peak_live_heap_bytes").asLong());
      assertEquals(0, size.get("failed_tasks").asLong());
    }
    assertTrue(sizes.get(1).has("scaling_exponent") && !sizes.get(0).has("scaling_exponent"));
    // A second call reuses the generated inputs.
    assertTrue(Files.exists(out.resolve("data/2e3-24m/.complete")));
  }
}
