package io.profitlake.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.profitlake.config.LakehousePaths;
import io.profitlake.config.Settings;
import io.profitlake.failure.ExitCode;
import io.profitlake.lakehouse.Lakehouse;
import io.profitlake.lakehouse.TableSpec;
import io.profitlake.lakehouse.Tables;
import io.profitlake.profitability.Periods;
import io.profitlake.source.SourceCount;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's row in job_runs: written as RUNNING when the run starts and updated when it ends. While it
 * runs, a heartbeat file ({@code <lakehouse>/_heartbeats/<run id>}, holding the time it was written) is
 * rewritten every {@code profitlake.job-runs.heartbeat-every}; a run that died stays RUNNING with no
 * finished_at until a later run finds its heartbeat (or, without one, its start) older than
 * {@code abandoned-after} and marks it ABANDONED. The heartbeat is a file, not a Delta commit: it needs no
 * Spark task, so a busy cluster cannot delay it, and it adds no version to job_runs.
 */
final class JobRunLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunLog.class);
  static final String ABANDONED = "ABANDONED";

  private final SparkSession spark;
  private final Lakehouse lakehouse;
  private final Settings settings;
  private final String runId;
  private final Instant startedAt;
  private final Map<String, Long> rowsWritten = new LinkedHashMap<>();
  private final Map<String, Long> versions = new LinkedHashMap<>();
  private Map<String, SourceCount> counts = Map.of();
  private List<String> periods = List.of();
  private List<String> requested;
  private ScheduledExecutorService heartbeat;

  JobRunLog(SparkSession spark, Lakehouse lakehouse, Settings settings, String runId, Instant startedAt) {
    this.spark = spark;
    this.lakehouse = lakehouse;
    this.settings = settings;
    this.runId = runId;
    this.startedAt = startedAt;
  }

  /** Writes the RUNNING row, starts the heartbeat, and marks the runs that died as ABANDONED. */
  void started() {
    beat();
    lakehouse.write(Tables.JOB_RUNS, frame("RUNNING", null, null, null), List.of());
    long every = settings.jobRuns().heartbeatEvery().toMillis();
    heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "profitlake-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    heartbeat.scheduleWithFixedDelay(this::beatQuietly, every, every, TimeUnit.MILLISECONDS);
    try {
      markAbandoned();
    } catch (RuntimeException e) {
      // Bookkeeping of other runs: it must not fail this one.
      LOG.warn("could not look for abandoned runs in job_runs: {}", e.getMessage());
    }
  }

  /** Where the heartbeats of the runs on this lakehouse are. */
  static Path heartbeats(Settings settings) {
    return new Path(LakehousePaths.child(settings.lakehouse().root(),
        "_heartbeats"));
  }

  private Path heartbeatFile(String run) {
    return new Path(heartbeats(settings), run);
  }

  private FileSystem fileSystem() throws IOException {
    return heartbeats(settings).getFileSystem(spark.sessionState().newHadoopConf());
  }

  /** Rewrites this run's heartbeat file with the time now. */
  private void beat() {
    try (OutputStream out = fileSystem().create(heartbeatFile(runId), true)) {
      out.write(Instant.now().toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run's heartbeat " + heartbeatFile(runId)
          + ": check that the lakehouse folder is writable", e);
    }
  }

  /** On the heartbeat thread: a missed beat is logged, not fatal (the next one may succeed). */
  private void beatQuietly() {
    try {
      beat();
    } catch (RuntimeException e) {
      LOG.warn("run {}: heartbeat not written: {}", runId, e.getMessage());
    }
  }

  /**
   * Marks as ABANDONED every other RUNNING run whose last sign of life (its heartbeat, else its start) is older
   * than abandoned-after: a live run rewrites its heartbeat far more often, so it is never among them.
   */
  private void markAbandoned() {
    Instant now = Instant.now();
    Duration limit = settings.jobRuns().abandonedAfter();
    // The RUNNING rows other than this run's: a handful at most (runs alive now, and the dead ones), two columns.
    List<Row> running = lakehouse.read(Tables.JOB_RUNS)
        .where(col("status").equalTo("RUNNING")
            .and(col(Tables.RUN_ID).notEqual(runId)))
        .select(Tables.RUN_ID, "started_at").collectAsList();
    for (Row run : running) {
      String other = run.getString(0);
      Instant lastSign = lastHeartbeat(other).orElse(run.getTimestamp(1).toInstant());
      if (Duration.between(lastSign, now).compareTo(limit) <= 0) {
        continue;
      }
      String message = "no heartbeat since " + lastSign + ", more than " + limit.toSeconds() + " s before run "
          + runId + " started (profitlake.job-runs.abandoned-after): its process died. Its tables keep their last "
          + "whole commits; rerun its periods to complete them";
      lakehouse.update(Tables.JOB_RUNS, col(Tables.RUN_ID).equalTo(other)
          .and(col("status").equalTo("RUNNING")), Map.of(
              "status", lit(ABANDONED),
              "message", lit(message)));
      deleteHeartbeat(other);
      LOG.warn("run {} marked {}: {}", other, ABANDONED, message);
    }
  }

  private Optional<Instant> lastHeartbeat(String run) {
    try (InputStream in = fileSystem().open(heartbeatFile(run))) {
      return Optional.of(Instant.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .strip()));
    } catch (FileNotFoundException none) {
      return Optional.empty();
    } catch (IOException | DateTimeParseException unreadable) {
      LOG.warn("heartbeat of run {} unreadable ({}): its start counts instead", run, unreadable.getMessage());
      return Optional.empty();
    }
  }

  private void deleteHeartbeat(String run) {
    try {
      fileSystem().delete(heartbeatFile(run), false);
    } catch (IOException e) {
      LOG.warn("heartbeat of run {} not deleted: {}", run, e.getMessage());
    }
  }

  /** Stops the heartbeat and removes its file: the run has ended (its row says how) or is ending. */
  @Override
  public void close() {
    if (heartbeat != null) {
      heartbeat.shutdownNow();
      try {
        heartbeat.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      heartbeat = null;
      deleteHeartbeat(runId);
    }
  }

  void counts(Map<String, SourceCount> counts) {
    this.counts = counts;
  }

  /** The periods processed, and those asked for with --from/--to (null for a run over every period). */
  void periods(Periods periods, Periods requested) {
    this.periods = periods.names();
    this.requested = requested == null ? null : requested.names();
  }

  void wrote(TableSpec table, Lakehouse.WriteResult result) {
    rowsWritten.put(table.name(), result.rowsWritten());
    versions.put(table.name(), result.version());
  }

  /** Rows written per table, in the order the run wrote them. */
  Map<String, Long> rowsWritten() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rowsWritten));
  }

  Map<String, Long> versions() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(versions));
  }

  void succeeded() {
    close();
    lakehouse.replace(Tables.JOB_RUNS, frame("SUCCEEDED", Instant.now(), ExitCode.SUCCESS, null), Tables.RUN_ID, runId);
  }

  /** Best effort: a failure to record the failure must not hide the failure itself. */
  void failed(ExitCode code, String message) {
    close();
    try {
      lakehouse.replace(Tables.JOB_RUNS, frame("FAILED", Instant.now(), code, message), Tables.RUN_ID, runId);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(JobRunLog.class)
          .warn("could not record the failure of run {} in job_runs: {}", runId, e.getMessage());
    }
  }

  private org.apache.spark.sql.Dataset<Row> frame(String status, Instant finishedAt, ExitCode code, String message) {
    List<Row> sourceRows = new ArrayList<>();
    for (SourceCount count : counts.values()) {
      sourceRows.add(RowFactory.create(count.source(), count.read(), count.accepted(), count.quarantined(),
          count.invalidUtf8Rows(), new LinkedHashMap<>(count.byReason())));
    }
    Row row = RowFactory.create(
        runId,
        "run",
        new ArrayList<>(periods),
        requested == null ? null : new ArrayList<>(requested),
        Timestamp.from(startedAt),
        finishedAt == null ? null : Timestamp.from(finishedAt),
        status,
        code == null ? null : code.code(),
        message,
        sourceRows,
        new LinkedHashMap<>(rowsWritten),
        new LinkedHashMap<>(versions),
        settings.fingerprint(),
        AppVersion.get());
    return spark.createDataFrame(List.of(row), Tables.JOB_RUNS.schema());
  }
}
