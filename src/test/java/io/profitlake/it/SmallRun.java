package io.profitlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One small finished run that integration tests read and never change: 150 generated customers over
 * 2024-01..2024-03, run by bin/profitlake with a local master, its lakehouse in
 * target/it-small-run/local. The cluster test compares its own run's tables with these; the serve test
 * serves this lakehouse. Made by the first test that asks (the integration tests share one JVM), so
 * the build pays for one generate and one run instead of one per test.
 */
final class SmallRun {
  static final String PERIODS = "2024-01..2024-03";
  private static SmallRun made;

  final Path dir;
  final Path inputs;
  final Path config;
  final Path lakehouse;

  private SmallRun(Path dir) {
    this.dir = dir;
    this.inputs = dir.resolve("in");
    this.config = dir.resolve("local.conf");
    this.lakehouse = dir.resolve("local");
  }

  /** The tables' folder, as any Delta reader finds it. */
  Path tables() {
    return lakehouse.resolve("warehouse/profitability.db");
  }

  static synchronized SmallRun get() throws Exception {
    if (made == null) {
      Path dir = Path.of("target", "it-small-run").toAbsolutePath();
      if (Files.exists(dir)) {
        try (var old = Files.walk(dir)) {
          old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      SmallRun run = new SmallRun(Files.createDirectories(dir));
      Launch.config(run.config, run.inputs, run.lakehouse);
      Launch.Result generated = Launch.run(dir, Launch.profitlake("generate", "--config", run.config.toString(),
          "--out", run.inputs.toString(), "--customers", "150", "--months", "3"), 10);
      assertEquals(0, generated.exitCode(), generated.output());
      Launch.Result ran = Launch.run(dir, Launch.profitlake("run", "--config", run.config.toString()), 10);
      assertEquals(0, ran.exitCode(), ran.output());
      made = run;
    }
    return made;
  }
}
