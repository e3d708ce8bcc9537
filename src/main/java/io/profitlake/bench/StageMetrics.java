package io.profitlake.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Time per pipeline stage, tasks and shuffle bytes of a run, from Spark's listener events. A job
 * belongs to the stage its job description names (the job sets one per stage: "read and check source
 * x", "cost to serve", "write db.table", ...); the time of a stage is the sum of its jobs' durations.
 */
public final class StageMetrics extends SparkListener {
  static final String OTHER = "other";

  private final Map<Integer, Long> jobStarts = new ConcurrentHashMap<>();
  private final Map<Integer, String> jobStages = new ConcurrentHashMap<>();
  private final Map<String, Long> millisByStage = new LinkedHashMap<>();
  private final AtomicLong jobs = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong failedTasks = new AtomicLong();
  private final AtomicLong shuffleWriteBytes = new AtomicLong();
  private final AtomicLong shuffleReadBytes = new AtomicLong();

  /** The pipeline stage of a job description: per-source and per-table jobs are grouped. */
  static String stageOf(String description) {
    if (description == null || description.isBlank()) {
      return OTHER;
    }
    // Delta names its own jobs "Delta: <the description it ran under>: <what it did>", nested for nested work.
    if (description.startsWith("Delta: ")) {
      while (description.startsWith("Delta: ")) {
        description = description.substring("Delta: ".length());
      }
      int detail = description.indexOf(": ");
      description = detail < 0 ? description : description.substring(0, detail);
    }
    int merge = description.indexOf(" - ");
    if (merge > 0) {
      description = description.substring(0, merge);
    }
    if (description.startsWith("$anonfun")) {
      return OTHER;
    }
    if (description.startsWith("read and check source")) {
      return "read and check sources";
    }
    if (description.startsWith("write ")) {
      return "write tables";
    }
    return description;
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    String description = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
    jobStarts.put(start.jobId(), start.time());
    jobStages.put(start.jobId(), stageOf(description));
    jobs.incrementAndGet();
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    Long started = jobStarts.remove(end.jobId());
    String stage = jobStages.remove(end.jobId());
    if (started != null) {
      synchronized (millisByStage) {
        millisByStage.merge(stage, end.time() - started, Long::sum);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    tasks.incrementAndGet();
    if (!"Success".equals(end.reason().toString())) {
      failedTasks.incrementAndGet();
    }
    TaskMetrics metrics = end.taskMetrics();
    if (metrics != null) {
      shuffleWriteBytes.addAndGet(metrics.shuffleWriteMetrics().bytesWritten());
      shuffleReadBytes.addAndGet(metrics.shuffleReadMetrics().totalBytesRead());
    }
  }

  /** Milliseconds of Spark jobs per stage, in the order the stages first ended. */
  public Map<String, Long> millisByStage() {
    synchronized (millisByStage) {
      return new LinkedHashMap<>(millisByStage);
    }
  }

  public long jobs() {
    return jobs.get();
  }

  public long tasks() {
    return tasks.get();
  }

  public long failedTasks() {
    return failedTasks.get();
  }

  public long shuffleWriteBytes() {
    return shuffleWriteBytes.get();
  }

  public long shuffleReadBytes() {
    return shuffleReadBytes.get();
  }
}
