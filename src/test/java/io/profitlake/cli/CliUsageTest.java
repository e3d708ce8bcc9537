package io.profitlake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage and configuration errors end with exit 2 and one line saying what to fix, before Spark starts. */
class CliUsageTest {

  private record Outcome(int code, String err, String out) {}

  private static Outcome execute(String... args) {
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int code = ProfitLakeCli.execute(args);
      return new Outcome(code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
  }

  @Test
  void helpListsCommandsAndExitCodes() {
    Outcome outcome = execute("--help");
    assertEquals(0, outcome.code());
    assertTrue(outcome.out().contains("run"), outcome.out());
    assertTrue(outcome.out().contains("4  quarantine rate above profitlake.quarantine.max-rate"), outcome.out());
  }

  @Test
  void reportHelpNamesItsOptions() {
    Outcome outcome = execute("report", "--help");
    assertEquals(0, outcome.code());
    String help = outcome.out().replaceAll("\\s+", " ");  // picocli wraps the description
    for (String option : new String[] {"--period=yyyy-MM", "--out=DIR", "--config=FILE", "opens offline"}) {
      assertTrue(help.contains(option), option + " missing from: " + outcome.out());
    }
  }

  @Test
  void reportRejectsABadPeriodBeforeSparkStarts() {
    Outcome outcome = execute("report", "--period", "2025-6");
    assertEquals(2, outcome.code());
    assertEquals("profitlake: configuration error: --period 2025-6: expected a month as yyyy-MM, e.g. 2024-03",
        outcome.err().strip());
  }

  @Test
  void costModelFileIsReadByTheCommands() {
    Outcome outcome = execute("validate", "--cost-model", "no/such/cost-model.conf");
    assertEquals(2, outcome.code());
    assertEquals("profitlake: configuration error: cost model file no/such/cost-model.conf does not exist (give an "
        + "existing file to --cost-model)", outcome.err().strip());
    Outcome bench = execute("bench", "--cost-model", "conf/cost-model.conf");
    assertEquals(2, bench.code());
    assertEquals("profitlake: configuration error: bench runs each size with the cost model of --config; put an "
        + "include of conf/cost-model.conf in that file instead of --cost-model", bench.err().strip());
  }

  @Test
  void unknownOptionIsAUsageError() {
    Outcome outcome = execute("run", "--form", "2024-01");
    assertEquals(2, outcome.code());
    assertTrue(outcome.err().contains("Unknown options: '--form', '2024-01'"), outcome.err());
  }

  @Test
  void badPeriodIsAUsageError() {
    Outcome outcome = execute("run", "--from", "2024-13");
    assertEquals(2, outcome.code());
    assertEquals("profitlake: configuration error: --from 2024-13: expected a month as yyyy-MM, e.g. 2024-03",
        outcome.err().strip());
  }

  @Test
  void rangeBackwardsIsAUsageError() {
    Outcome outcome = execute("run", "--from", "2024-05", "--to", "2024-02");
    assertEquals(2, outcome.code());
    assertEquals("profitlake: configuration error: --to 2024-02 is before --from 2024-05", outcome.err().strip());
  }

  @Test
  void missingConfigFile() {
    Outcome outcome = execute("validate", "--config", "no/such/file.conf");
    assertEquals(2, outcome.code());
    assertEquals("profitlake: configuration error: config file no/such/file.conf does not exist "
        + "(give an existing file to --config)", outcome.err().strip());
  }

  @Test
  void verboseLeavesTheConfigurationAlone(@TempDir Path dir) throws Exception {
    // --verbose sets a system property for log4j2; Typesafe Config reads system properties too, so one under
    // profitlake. would be an unknown key, found before the config's own error.
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "profitlake.quarantine.max-rate = 2\n");
    Outcome outcome = execute("validate", "--verbose", "--config", conf.toString());
    assertEquals(2, outcome.code());
    assertTrue(outcome.err().startsWith("profitlake: configuration error: profitlake.quarantine.max-rate = 2: must be "
        + "between 0 and 1"), outcome.err());
  }

  @Test
  void invalidConfigStopsBeforeSpark(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "profitlake.cost-model.pools.support.capacity-minutes = -1\n");
    Outcome outcome = execute("run", "--config", conf.toString());
    assertEquals(2, outcome.code());
    assertTrue(outcome.err().startsWith("profitlake: configuration error: "), outcome.err());
  }

  @Test
  void generateRejectsBadRowsOutsideCsv() {
    Outcome outcome = execute("generate", "--out", "x", "--format", "parquet", "--bad-rows");
    assertEquals(2, outcome.code());
    assertEquals("profitlake: configuration error: --bad-rows writes raw text rows and needs --format csv",
        outcome.err().strip());
  }

  @Test
  void generateWithoutACostModelSaysWhereToFindOne(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("bare.conf");
    Files.writeString(conf, "profitlake.lakehouse.path = \"" + dir.resolve("lakehouse") + "\"\n");
    Outcome outcome = execute("generate", "--config", conf.toString(), "--out", dir.resolve("out").toString());
    assertEquals(2, outcome.code());
    assertEquals("profitlake: configuration error: the configuration has no cost model "
        + "(profitlake.cost-model.pools is empty), so there are no cost pools to generate; pass --config with one, "
        + "e.g. --config conf/application.conf", outcome.err().strip());
  }

  @Test
  void serveRejectsAPortOutOfRange() {
    Outcome outcome = execute("serve", "--port", "70000");
    assertEquals(2, outcome.code());
    assertEquals("profitlake: configuration error: --port 70000 is not a port number (1-65535)", outcome.err().strip());
  }
}
