package io.profitlake.job;

import io.profitlake.config.Settings;
import io.profitlake.failure.ExitCode;
import io.profitlake.lakehouse.Lakehouse;
import io.profitlake.lakehouse.TableSpec;
import io.profitlake.lakehouse.Tables;
import io.profitlake.profitability.Periods;
import io.profitlake.source.SourceCount;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The run's row in job_runs: written as RUNNING when the run starts and updated when it ends, so a
 * run that died shows as RUNNING with no finished_at.
 */
final class JobRunLog {
  private final SparkSession spark;
  private final Lakehouse lakehouse;
  private final Settings settings;
  private final String runId;
  private final Instant startedAt;
  private final Map<String, Long> rowsWritten = new LinkedHashMap<>();
  private final Map<String, Long> versions = new LinkedHashMap<>();
  private Map<String, SourceCount> counts = Map.of();
  private List<String> periods = List.of();

  JobRunLog(SparkSession spark, Lakehouse lakehouse, Settings settings, String runId, Instant startedAt) {
    this.spark = spark;
    this.lakehouse = lakehouse;
    this.settings = settings;
    this.runId = runId;
    this.startedAt = startedAt;
  }

  void started() {
    lakehouse.write(Tables.JOB_RUNS, frame("RUNNING", null, null, null), List.of());
  }

  void counts(Map<String, SourceCount> counts) {
    this.counts = counts;
  }

  void periods(Periods periods) {
    this.periods = periods.names();
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
    lakehouse.replace(Tables.JOB_RUNS, frame("SUCCEEDED", Instant.now(), ExitCode.SUCCESS, null), Tables.RUN_ID, runId);
  }

  /** Best effort: a failure to record the failure must not hide the failure itself. */
  void failed(ExitCode code, String message) {
    try {
      lakehouse.replace(Tables.JOB_RUNS, frame("FAILED", Instant.now(), code, message), Tables.RUN_ID, runId);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(JobRunLog.class)
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
