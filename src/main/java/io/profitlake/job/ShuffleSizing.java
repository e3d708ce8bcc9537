package io.profitlake.job;

import io.profitlake.config.Settings;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code profitlake.spark.shuffle-partitions = auto}: the shuffle is sized from the source files when
 * the run starts, one partition per {@link #BYTES_PER_PARTITION} of input, at least one per core (fewer
 * would leave cores idle) and at most {@link #MAX_PARTITIONS}. AQE still coalesces the small shuffles
 * after aggregation, so this is the upper bound a large input needs to keep each task's share in memory,
 * while a small input is not split into many tiny tasks whose scheduling costs more than their work.
 */
final class ShuffleSizing {
  private static final Logger LOG = LoggerFactory.getLogger(ShuffleSizing.class);

  /** Source text per shuffle partition. */
  static final long BYTES_PER_PARTITION = 128L << 20;
  /** Past 2000, Spark keeps map statuses compressed and approximate; far below that is plenty here. */
  static final int MAX_PARTITIONS = 1000;

  private ShuffleSizing() {}

  /** Partitions for this much source data on this many cores. */
  static int partitions(long inputBytes, int cores) {
    long byInput = (Math.max(0, inputBytes) + BYTES_PER_PARTITION - 1) / BYTES_PER_PARTITION;
    return (int) Math.min(MAX_PARTITIONS, Math.max(Math.max(1, cores), byInput));
  }

  /** Sets the session's shuffle partitions from the input ({@link #inputBytes}) when the configuration says auto. */
  static void apply(SparkSession spark, Settings settings, long bytes) {
    if (!settings.spark().autoShufflePartitions()) {
      return;
    }
    int cores = spark.sparkContext().defaultParallelism();
    int partitions = partitions(bytes, cores);
    spark.conf().set("spark.sql.shuffle.partitions", partitions);
    LOG.info("shuffle partitions: {} (auto: {} MB of source files, {} cores)", partitions, bytes >> 20, cores);
  }

  /** Bytes of every configured source (a source that cannot be listed counts 0: reading it reports why). */
  static long inputBytes(SparkSession spark, Settings settings) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    long total = 0;
    for (String name : Settings.SOURCE_NAMES) {
      Settings.SourceLocation location = settings.source(name);
      if (!location.isConfigured()) {
        continue;
      }
      Path path = new Path(location.path());
      try {
        total += path.getFileSystem(hadoop).getContentSummary(path).getLength();
      } catch (IOException | IllegalArgumentException e) {
        LOG.debug("cannot size source {} at {}: {}", name, location.path(), e.getMessage());
      }
    }
    return total;
  }
}
