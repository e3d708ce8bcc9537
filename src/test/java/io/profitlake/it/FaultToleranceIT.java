package io.profitlake.it;

import static io.profitlake.support.FrameAssertions.sameRows;
import static io.profitlake.support.FrameAssertions.withoutRunColumns;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs killed and run side by side, as separate JVMs through bin/profitlake (issue 6): a SIGKILL while
 * the run writes its tables, and two runs on disjoint periods against one lakehouse through a shared
 * Hive metastore service. The tables are read by path, as any Delta reader sees them.
 *
 * <p>Input: 16 months, so that the two ranges (2024-01..02 and 2025-03..04) are more than the 11
 * trailing periods apart and neither run's figures depend on whether the other has written yet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceIT {
  private static final List<String> FIRST = List.of("--from", "2024-01", "--to", "2024-02");
  private static final List<String> SECOND = List.of("--from", "2025-03", "--to", "2025-04");
  /** Every output table but the job_runs log. */
  private static final List<String> TABLES = List.of("customer_profitability", "dim_customer", "dim_period",
      "quarantine", "cost_to_serve", "cost_pool_reconciliation", "referral_attribution", "profitability_migration",
      "whale_curve", "whale_curve_summary", "customer_value", "prospect_scores");

  @TempDir
  static Path dir;
  private static SparkSession spark;
  /** Contents of every table after the first range ran alone, uninterrupted. */
  private static final Map<String, Dataset<Row>> firstRangeAlone = new HashMap<>();

  @BeforeAll
  static void generateInputsAndStartAReader() throws Exception {
    Path config = Launch.config(dir.resolve("generate.conf"), dir.resolve("in"), dir.resolve("scratch"));
    Launch.Result generate = Launch.run(dir, Launch.profitlake("generate", "--config", config.toString(),
        "--customers", "80", "--months", "16", "--seed", "11", "--out", dir.resolve("in").toString()), 10);
    assertEquals(0, generate.exitCode(), generate.output());
    spark = Reader.spark();
  }

  private static Path config(String name, String extra) throws Exception {
    Path file = Launch.config(dir.resolve(name + ".conf"), dir.resolve("in"), dir.resolve(name));
    Files.writeString(file, Files.readString(file) + extra);
    return file;
  }

  /** A run printing every log line (--verbose): the test follows the tables it writes. */
  private static List<String> run(Path config, List<String> range) {
    List<String> args = new ArrayList<>(List.of("run", "--verbose", "--config", config.toString()));
    args.addAll(range);
    return Launch.profitlake(args.toArray(String[]::new));
  }

  /** A table as its Delta log stands, without the columns that name the run or its time. */
  private static Dataset<Row> contents(String lakehouse, String table) {
    return withoutRunColumns(spark.read().format("delta")
        .load(dir.resolve(lakehouse).resolve("warehouse/profitability.db").resolve(table).toString()));
  }

  private static Dataset<Row> jobRuns(String lakehouse) {
    return spark.read().format("delta").load(dir.resolve(lakehouse).resolve("warehouse/profitability.db/job_runs").toString());
  }

  @Test
  @Order(1)
  void firstRangeAlone() throws Exception {
    Launch.Result result = Launch.run(dir, run(config("sequential", ""), FIRST), 10);
    assertEquals(0, result.exitCode(), result.output());
    for (String table : TABLES) {
      firstRangeAlone.put(table, contents("sequential", table).localCheckpoint());
    }
    assertTrue(firstRangeAlone.get("customer_profitability").count() > 0);
  }

  @Test
  @Order(2)
  void killedWhileWritingLeavesWholeTablesAndARerunCompletesThem() throws Exception {
    Path config = config("crashed", "");
    Path log = dir.resolve("crashed.log");
    Process process = new ProcessBuilder(run(config, FIRST)).directory(dir.toFile()).redirectErrorStream(true).start();
    AtomicBoolean killed = new AtomicBoolean();
    // SIGKILL (destroyForcibly on Unix) as soon as the run says it committed cost_to_serve, one of the ten
    // tables it writes side by side: others are being written, customer_value and prospect_scores are to come.
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter copy = new PrintWriter(Files.newBufferedWriter(log))) {
      String line;
      while ((line = out.readLine()) != null) {
        copy.println(line);
        if (line.contains("wrote profitability.cost_to_serve: version")) {
          process.destroyForcibly();
          killed.set(true);
          break;
        }
      }
    }
    assertTrue(process.waitFor(10, TimeUnit.MINUTES));
    assertTrue(killed.get(), "the run reached the kill point: " + Files.readString(log));
    assertEquals(137, process.exitValue(), "killed by SIGKILL");

    // Every table reads at its last commit, and holds either nothing (never written) or exactly what the
    // uninterrupted run wrote: no partial period, no partial table.
    int complete = 0;
    for (String table : TABLES) {
      Dataset<Row> rows = contents("crashed", table);
      if (!rows.isEmpty()) {
        assertTrue(sameRows(firstRangeAlone.get(table), rows), table + " holds part of a run");
        complete++;
      }
    }
    assertTrue(complete >= 1, "cost_to_serve was committed");
    assertTrue(complete < TABLES.size(), "the kill came before the last write");
    Row dead = jobRuns("crashed").first();
    assertEquals("RUNNING", dead.getAs("status"));
    assertTrue(dead.isNullAt(dead.fieldIndex("finished_at")), "finished_at of the dead run");

    // The rerun (same lakehouse) completes and equals the uninterrupted run.
    Launch.Result rerun = Launch.run(dir, run(config, FIRST), 10);
    assertEquals(0, rerun.exitCode(), rerun.output());
    // Every log line (--verbose): a rerun after a crash is a normal run, without an ERROR or a stack trace.
    for (String noise : List.of(" ERROR ", "\tat ")) {
      assertFalse(rerun.output().contains(noise), noise + " in: " + rerun.output());
    }
    for (String table : TABLES) {
      assertTrue(sameRows(firstRangeAlone.get(table), contents("crashed", table)), table);
    }
    assertEquals(List.of("RUNNING", "SUCCEEDED"),
        jobRuns("crashed").orderBy("started_at").select("status").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  @Order(3)
  void concurrentRunsOnDisjointPeriodsEqualSequentialRuns() throws Exception {
    Launch.Result second = Launch.run(dir, run(config("sequential", ""), SECOND), 10);
    assertEquals(0, second.exitCode(), second.output());

    int port = Launch.freePort();
    Process metastore = HiveMetastoreService.start(dir.resolve("metastore-service"), port);
    try {
      Path config = config("concurrent", "profitlake.lakehouse.metastore-uri = \"thrift://127.0.0.1:" + port + "\"\n");
      Path firstLog = dir.resolve("concurrent-first.log");
      Path secondLog = dir.resolve("concurrent-second.log");
      Process a = new ProcessBuilder(run(config, FIRST)).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(firstLog.toFile()).start();
      // The second starts once the first has decided its periods: a rerun reaches on to the 11 periods after its
      // range that the lakehouse holds, so a first run that saw the second's rows would process 2024-03..2025-01
      // too (still disjoint from 2025-03..04, but not what the sequential runs wrote).
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (!Files.readString(firstLog).contains("processing periods") && a.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      Process b = new ProcessBuilder(run(config, SECOND)).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(secondLog.toFile()).start();
      assertTrue(a.waitFor(15, TimeUnit.MINUTES) && b.waitFor(15, TimeUnit.MINUTES), "both runs ended");
      assertEquals(0, a.exitValue(), Files.readString(firstLog));
      assertEquals(0, b.exitValue(), Files.readString(secondLog));
      long retries = Files.readAllLines(firstLog).stream().filter(l -> l.contains("conflicted with a concurrent run")).count()
          + Files.readAllLines(secondLog).stream().filter(l -> l.contains("conflicted with a concurrent run")).count();
      System.out.println("concurrent runs: " + retries + " commit retries");

      // The period tables, the customer dimension and the quarantine equal the sequential runs'. customer_value
      // and prospect_scores are snapshots of whatever the lakehouse held when their run wrote them (README).
      for (String table : TABLES) {
        if (!List.of("customer_value", "prospect_scores").contains(table)) {
          assertTrue(sameRows(contents("sequential", table), contents("concurrent", table)), table);
        }
      }
      assertEquals(2, jobRuns("concurrent").where(col("status").equalTo("SUCCEEDED")).count());

      // Against the metastore, each run with every log line (--verbose): the first made the database and the
      // tables, the second started once they existed (the first prepares the lakehouse before it decides its
      // periods), as every later run finds them. Not one ERROR or stack trace in either, the metastore's
      // AlreadyExistsException included.
      for (Path log : List.of(firstLog, secondLog)) {
        String output = Files.readString(log);
        for (String noise : List.of(" ERROR ", "AlreadyExistsException", "\tat ")) {
          assertFalse(output.contains(noise), noise + " in: " + output);
        }
      }
    } finally {
      HiveMetastoreService.stop(metastore);
    }
  }

  /** A standalone Hive metastore (thrift) over its own Derby, the way a site shares one catalog between jobs. */
  static final class HiveMetastoreService {
    private HiveMetastoreService() {}

    static Process start(Path home, int port) throws Exception {
      Files.createDirectories(home);
      String classpath = Files.readString(Path.of("target/provided-classpath.txt")).strip();
      List<String> command = List.of("java", "-Xmx512m", "-Dhive.async.log.enabled=false",
          "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED", "-cp", classpath,
          "org.apache.hadoop.hive.metastore.HiveMetaStore", "-p", String.valueOf(port),
          "--hiveconf", "javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName=" + home.resolve("metastore_db")
              + ";create=true",
          "--hiveconf", "datanucleus.schema.autoCreateAll=true",
          "--hiveconf", "hive.metastore.schema.verification=false",
          "--hiveconf", "hive.metastore.warehouse.dir=" + home.resolve("warehouse"));
      Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
          .redirectOutput(home.resolve("metastore.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("the metastore service exited: " + Files.readString(home.resolve("metastore.log")));
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
          return process;
        } catch (java.io.IOException notYet) {
          Thread.sleep(1000);
        }
      }
      process.destroyForcibly();
      throw new AssertionError("the metastore service did not listen on " + port + " in 3 minutes");
    }

    static void stop(Process process) throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
