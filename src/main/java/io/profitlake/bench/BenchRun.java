package io.profitlake.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.profitlake.config.Settings;
import io.profitlake.config.SettingsLoader;
import io.profitlake.job.ProfitLakeJob;
import io.profitlake.job.RunOptions;
import io.profitlake.lakehouse.LakehouseSession;
import io.profitlake.source.SourceCount;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * One measured run, in a JVM of its own (the benchmark starts one per size and repeat): builds the
 * session, runs the whole job on every period, and writes what it measured as JSON.
 *
 * <p>Arguments: the config file of the run, the JSON file to write.
 */
public final class BenchRun {
  private BenchRun() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: BenchRun <config file> <metrics json>");
      System.exit(2);
    }
    Settings settings = SettingsLoader.load(new File(args[0]));
    try (HeapWatch heap = new HeapWatch()) {
      long started = System.nanoTime();
      SparkSession spark = LakehouseSession.create(settings, null, "ProfitLake bench");
      long sessionReady = System.nanoTime();
      StageMetrics stages = new StageMetrics();
      spark.sparkContext().addSparkListener(stages);
      ProfitLakeJob.RunResult result = new ProfitLakeJob(spark, settings).run(RunOptions.allPeriods());
      long finished = System.nanoTime();
      spark.sparkContext().listenerBus().waitUntilEmpty();

      Map<String, Object> out = new LinkedHashMap<>();
      long inputRows = result.counts().values().stream().mapToLong(SourceCount::read).sum();
      out.put("transaction_lines", result.counts().get("transactions").read());
      out.put("input_rows", inputRows);
      out.put("periods", result.periods().names().size());
      out.put("session_seconds", seconds(sessionReady - started));
      out.put("job_seconds", seconds(finished - sessionReady));
      // Wall time per stage as the job measured it (planning, Spark jobs, Delta commits), and the part of it
      // spent in Spark jobs as the listener saw them.
      out.put("stage_seconds", result.stageSeconds());
      Map<String, Double> inJobs = new LinkedHashMap<>();
      stages.millisByStage().forEach((stage, millis) -> inJobs.put(stage, millis / 1000.0));
      out.put("spark_job_seconds", inJobs);
      out.put("spark_jobs", stages.jobs());
      out.put("tasks", stages.tasks());
      out.put("failed_tasks", stages.failedTasks());
      out.put("shuffle_write_bytes", stages.shuffleWriteBytes());
      out.put("shuffle_read_bytes", stages.shuffleReadBytes());
      out.put("peak_heap_used_bytes", heap.peakUsedBytes());
      out.put("peak_live_heap_bytes", heap.peakLiveBytes());
      out.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
      out.put("rows_written", result.rowsWritten());
      spark.stop();
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(new File(args[1]), out);
    }
    System.exit(0);
  }

  private static double seconds(long nanos) {
    return Math.round(nanos / 1_000_000.0) / 1000.0;
  }
}
