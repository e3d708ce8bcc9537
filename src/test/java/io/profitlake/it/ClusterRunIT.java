package io.profitlake.it;

import static io.profitlake.support.FrameAssertions.assertSameRows;
import static io.profitlake.support.FrameAssertions.withoutRunColumns;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import io.profitlake.it.Launch.Result;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job under spark-submit on a real standalone cluster: one master and two workers on 127.0.0.1,
 * each its own JVM started with the pip pyspark's spark-class (CI has no Spark distribution). The
 * shaded jar is submitted in client mode, and one worker's executor is killed mid-run; the test checks
 * that tasks ran on both workers and that every output table equals that of a local run on the same
 * inputs (the shared {@link SmallRun}). The cluster is stopped whatever happens.
 */
class ClusterRunIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path work;

  private final List<Process> cluster = new ArrayList<>();

  @Test
  void submittedToAStandaloneClusterItWritesWhatALocalRunWrites() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    // The Python environment (a pip install that keeps about one core busy) is made while the local run on the
    // same inputs (shared with the serve test) keeps both busy, not before it (README, "The test suite").
    CompletableFuture<Result> pythonEnv = CompletableFuture.supplyAsync(() -> {
      try {
        return Launch.run(root, List.of(root.resolve("bin/python-env").toString()), 20);
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
    SmallRun local;
    Result madeEnv;
    try {
      local = SmallRun.get();
    } finally {
      madeEnv = pythonEnv.join();
    }
    assertEquals(0, madeEnv.exitCode(), madeEnv.output());
    Path venv = Path.of(madeEnv.lastLine());
    String sparkHome = Launch.run(root, List.of(venv.resolve("bin/python").toString(), "-c",
        "import os, pyspark; print(os.path.dirname(pyspark.__file__))"), 1).lastLine();

    Path onCluster = Launch.config(work.resolve("cluster.conf"), local.inputs, work.resolve("cluster"));

    try {
      int masterPort = Launch.freePort();
      int masterUi = Launch.freePort();
      Map<String, String> env = Map.of("SPARK_HOME", sparkHome, "SPARK_LOCAL_IP", "127.0.0.1",
          "SPARK_LOG_DIR", work.resolve("logs").toString(), "SPARK_NO_DAEMONIZE", "1");
      start(env, "master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
          String.valueOf(masterPort), "--webui-port", String.valueOf(masterUi)));
      String masterUrl = "spark://127.0.0.1:" + masterPort;
      List<Integer> workerUis = List.of(Launch.freePort(), Launch.freePort());
      for (int i = 0; i < workerUis.size(); i++) {
        start(env, "worker" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
            "--memory", "1g", "--webui-port", String.valueOf(workerUis.get(i)), "--work-dir",
            work.resolve("worker" + i).toString(), masterUrl));
      }
      awaitWorkers(masterUi, 2);

      Path events = Files.createDirectories(work.resolve("events"));
      List<String> submit = new ArrayList<>(List.of(sparkHome + "/bin/spark-submit", "--master", masterUrl,
          "--deploy-mode", "client", "--class", "io.profitlake.cli.ProfitLakeCli", "--driver-memory", "1g",
          "--executor-memory", "1g", "--total-executor-cores", "2",
          // The jar on the driver's class path too, as the README shows: log4j2 then finds the job's own
          // log4j2.properties (ProfitLake at INFO, Spark at WARN) instead of Spark's INFO-everything default.
          "--driver-class-path", root.resolve("target/profitlake.jar").toString(),
          // The parallel collector in the driver and the executors, as the README advises for a cluster.
          "--conf", "spark.driver.extraJavaOptions=-XX:+UseParallelGC",
          "--conf", "spark.executor.extraJavaOptions=-XX:+UseParallelGC",
          // Plain JSON lines, one file: the test reads which executors ran tasks from it.
          "--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + events.toUri(),
          "--conf", "spark.eventLog.compress=false", "--conf", "spark.eventLog.rolling.enabled=false",
          root.resolve("target/profitlake.jar").toString(), "run", "--config", onCluster.toString()));
      // Mid-run, once the costs are computed and cut (the P&L stage reads them), one worker's executor is killed
      // (SIGKILL, as a lost machine): its cached blocks and shuffle files are gone, the reliable checkpoints are
      // not. The worker starts a new executor and the driver reruns what was lost.
      List<Long> killed = new ArrayList<>();
      Result submitted = Launch.runAndAct(work, submit, 20, env, "stage: customer P&L", () -> {
        ProcessHandle executor = cluster.get(1).descendants()
            .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
            .findFirst().orElseThrow(() -> new AssertionError("worker0 runs no executor"));
        killed.add(executor.pid());
        executor.destroyForcibly();
      });
      assertEquals(0, submitted.exitCode(), submitted.output());
      assertEquals(1, killed.size());
      assertTrue(submitted.output().contains("succeeded: periods " + SmallRun.PERIODS), submitted.output());
      // The job's log configuration: its progress on the console, the details in the driver's log file.
      assertTrue(submitted.output().contains(" INFO  PhaseClock: stage: write tables"), "the job's log "
          + "configuration was not used: " + submitted.output());
      assertTrue(Files.readString(work.resolve("logs/profitlake.log")).contains(" INFO  ProfitLakeCli: effective "
          + "configuration"), "the details in the log file");
      assertFalse(submitted.output().contains(" INFO SparkContext: "), "Spark's INFO lines: " + submitted.output());

      // Tasks ran in two executors, one launched by each worker.
      Set<String> executorsWithTasks = new TreeSet<>();
      Pattern taskEnd = Pattern.compile("\"Event\":\"SparkListenerTaskEnd\".*?\"Executor ID\":\"([^\"]+)\"");
      boolean readReliableCheckpoints = false;
      boolean executorRemoved = false;
      try (Stream<Path> logs = Files.walk(events)) {
        for (Path log : logs.filter(Files::isRegularFile).toList()) {
          for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher matcher = taskEnd.matcher(line);
            if (matcher.find()) {
              executorsWithTasks.add(matcher.group(1));
            }
            readReliableCheckpoints |= line.contains("ReliableCheckpointRDD");
            executorRemoved |= line.contains("\"Event\":\"SparkListenerExecutorRemoved\"");
          }
        }
      }
      // Three: one per worker, and the one worker0 started in place of the killed one.
      assertEquals(3, executorsWithTasks.size(), "executors that ran tasks: " + executorsWithTasks);
      assertTrue(executorRemoved, "the driver saw the killed executor go");
      // On a cluster the run's cuts are reliable checkpoints (a lost executor loses no rows; a local run
      // writes none), and the run's checkpoint files are gone once it ends.
      assertTrue(readReliableCheckpoints, "no stage read a reliable checkpoint");
      Path checkpoints = work.resolve("cluster/_checkpoints");
      try (Stream<Path> left = Files.exists(checkpoints) ? Files.list(checkpoints) : Stream.empty()) {
        assertEquals(List.of(), left.toList(), "checkpoint files left behind");
      }
      for (int ui : workerUis) {
        assertTrue(get(ui, "/json/").contains("\"name\" : \"ProfitLake run\""), "worker on port " + ui
            + " ran no executor of the job");
      }
    } finally {
      stopCluster();
    }

    assertSameTables(local.tables(), work.resolve("cluster/warehouse/profitability.db"));
  }

  /** Every table's current contents, without the columns naming the run or its time, are the same. */
  private static void assertSameTables(Path expected, Path actual) throws IOException {
    SparkSession spark = Reader.spark();
    try (Stream<Path> tables = Files.list(expected)) {
      List<String> names = tables.map(t -> t.getFileName().toString()).filter(n -> !n.equals("job_runs")).sorted().toList();
      assertEquals(18 - 1, names.size(), "tables: " + names);
      for (String name : names) {
        assertSameRows(contents(spark, expected.resolve(name)), contents(spark, actual.resolve(name)), name);
      }
    }
  }

  private static Dataset<Row> contents(SparkSession spark, Path table) {
    return withoutRunColumns(spark.read().format("delta").load(table.toString()));
  }

  private void start(Map<String, String> env, String name, List<String> arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(env.get("SPARK_HOME") + "/bin/spark-class"));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(work.resolve(name + ".log").toFile());
    builder.environment().putAll(env);
    builder.environment().put("SPARK_DAEMON_MEMORY", "512m");
    cluster.add(builder.start());
  }

  private void stopCluster() throws InterruptedException {
    for (Process process : cluster) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }
    for (Process process : cluster) {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void awaitWorkers(int masterUi, int workers) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      try {
        if (get(masterUi, "/json/").contains("\"aliveworkers\" : " + workers)) {
          return;
        }
      } catch (IOException notUpYet) {
        // the master's UI is still starting
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("the standalone cluster did not have " + workers + " workers within 90 s");
  }

  private static String get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
