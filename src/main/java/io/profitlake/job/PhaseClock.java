package io.profitlake.job;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wall time per stage of the run (driver planning, Spark jobs and Delta commits alike): each stage is
 * logged as it starts, names the Spark jobs it runs (their job description), and its time is returned
 * with the run's result.
 */
final class PhaseClock {
  private static final Logger LOG = LoggerFactory.getLogger(PhaseClock.class);

  private final SparkSession spark;
  private final Map<String, Long> nanos = new LinkedHashMap<>();
  private String current;
  private long since;

  PhaseClock(SparkSession spark) {
    this.spark = spark;
  }

  void start(String stage) {
    stop();
    current = stage;
    since = System.nanoTime();
    spark.sparkContext().setJobDescription(stage);
    LOG.info("stage: {}", stage);
  }

  void stop() {
    if (current != null) {
      nanos.merge(current, System.nanoTime() - since, Long::sum);
      current = null;
    }
  }

  /** Seconds per stage, in the order the stages ran (milliseconds precision). */
  Map<String, Double> seconds() {
    Map<String, Double> seconds = new LinkedHashMap<>();
    nanos.forEach((stage, n) -> seconds.put(stage, Math.round(n / 1_000_000.0) / 1000.0));
    return seconds;
  }
}
