package io.profitlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, as a newcomer runs it: `bin/profitlake run` with no arguments, in a
 * folder holding only the project's conf/. It must generate the sample, build the lakehouse and
 * leave nothing else behind (no metastore_db, derby.log or spark-warehouse in the working folder).
 */
class ReadmeRunIT {

  private static ProcessResult launch(Path cwd, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>();
    command.add(new File("bin/profitlake").getAbsolutePath());
    command.addAll(List.of(args));
    Path log = Files.createTempFile("profitlake-it", ".log");
    Process process = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("bin/profitlake " + String.join(" ", args) + " did not finish in 10 minutes");
    }
    return new ProcessResult(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private record ProcessResult(int exitCode, String output) {}

  @Test
  void defaultRunFromACleanFolder(@TempDir Path cwd) throws Exception {
    copyConf(cwd);
    ProcessResult run = launch(cwd, "run");
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("succeeded: periods 2024-01..2025-12"), run.output());
    assertTrue(run.output().matches("(?s).*customer_profitability\\s+[0-9,]+ rows written.*"), run.output());
    Path tables = cwd.resolve("lakehouse/warehouse/profitability.db");
    for (String table : List.of("customer_profitability", "dim_customer", "dim_period", "job_runs", "quarantine",
        "cost_to_serve", "cost_pool_reconciliation", "referral_attribution", "profitability_migration", "whale_curve",
        "whale_curve_summary", "customer_value", "prospect_scores")) {
      assertTrue(Files.isDirectory(tables.resolve(table).resolve("_delta_log")), table);
    }
    assertTrue(Files.isDirectory(cwd.resolve("data/sample/transactions")));
    for (String leftover : List.of("metastore_db", "derby.log", "spark-warehouse")) {
      assertFalse(Files.exists(cwd.resolve(leftover)), leftover + " left in the working folder");
    }

    // validate reads the same inputs and writes nothing.
    ProcessResult validate = launch(cwd, "validate");
    assertEquals(0, validate.exitCode(), validate.output());
    assertTrue(validate.output().matches("(?s).*transactions\\s+\\d+\\s+\\d+\\s+0.*"), validate.output());
  }

  @Test
  void inputContractErrorIsOneLineAndExitThree(@TempDir Path cwd) throws Exception {
    copyConf(cwd);
    Files.writeString(cwd.resolve("broken.conf"), "include \"conf/application.conf\"\n"
        + "profitlake.sample.generate-if-missing = false\n"
        + "profitlake.sources.transactions.path = \"no/such/folder\"\n");
    ProcessResult run = launch(cwd, "run", "--config", "broken.conf");
    assertEquals(3, run.exitCode(), run.output());
    // Customers are read first (the other sources refer to them), and there is no sample yet.
    assertTrue(run.output().contains("profitlake: source customers: data/sample/customers does not exist "
        + "(set profitlake.sources.customers.path to a file or folder)"), run.output());
    assertFalse(run.output().contains("\tat "), "no stack trace without --verbose: " + run.output());
  }

  private static void copyConf(Path cwd) throws Exception {
    Files.createDirectories(cwd.resolve("conf"));
    for (String file : List.of("application.conf", "cost-model.conf")) {
      Files.copy(Path.of("conf", file), cwd.resolve("conf").resolve(file));
    }
  }
}
