package io.profitlake.job;

import io.profitlake.config.LakehousePaths;
import io.profitlake.config.Settings;
import io.profitlake.lineage.Lineage;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of what a run materialises: the frames it keeps (read more than once) and the
 * frames whose lineage it cuts, released together when the run ends, whatever the outcome.
 *
 * <p>On a cluster (master not local) the cuts are reliable checkpoints under
 * {@code profitlake.spark.checkpoint-dir}/&lt;run id&gt; (default {@code <lakehouse>/_checkpoints}),
 * removed at the end: a local checkpoint lives in executor blocks, and a lost executor would lose it.
 * Locally the cuts stay local checkpoints: one JVM, nothing to lose, no files to write.
 */
final class Materialisation implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Materialisation.class);

  private final SparkSession spark;
  private final String runId;
  private final Optional<Path> checkpoints;
  private final Deque<Runnable> releases = new ArrayDeque<>();

  Materialisation(SparkSession spark, String runId, Optional<String> checkpointDir) {
    this.spark = spark;
    this.runId = runId;
    this.checkpoints = checkpointDir.map(Path::new);
    checkpoints.ifPresent(dir -> spark.sparkContext().setCheckpointDir(dir.toString()));
    // The stages' own cuts are named after the run, so that close() finds them.
    spark.sparkContext().setLocalProperty(Lineage.RUN, runId);
  }

  /** Reliable checkpoints under the configured directory when the master is not local. */
  static Materialisation forRun(SparkSession spark, Settings settings, String runId) {
    if (spark.sparkContext().isLocal()) {
      return new Materialisation(spark, runId, Optional.empty());
    }
    String base = settings.spark().checkpointDir().isBlank()
        ? LakehousePaths.child(settings.lakehouse().root(), "_checkpoints")
        : settings.spark().checkpointDir();
    String dir = LakehousePaths.child(base, runId);
    LOG.info("reliable checkpoints of this run under {} (removed when it ends)", dir);
    return new Materialisation(spark, runId, Optional.of(dir));
  }

  /** A frame read more than once: computed once, on first use, and kept (memory, then disk). */
  Dataset<Row> keep(Dataset<Row> frame) {
    Dataset<Row> kept = frame.persist();
    releases.push(() -> kept.unpersist(false));
    return kept;
  }

  /** A frame computed now whose lineage is cut: later plans read its rows, not its plan. */
  Dataset<Row> cut(Dataset<Row> frame) {
    Dataset<Row> cut = Lineage.cut(frame);
    releases.push(() -> Lineage.release(cut));
    return cut;
  }

  /** Something a stage materialised itself (a source's checked rows), released with the rest. */
  void releaseAtEnd(Runnable release) {
    releases.push(release);
  }

  /** Releases everything, newest first, then every cut a stage made, and removes this run's checkpoint files. */
  @Override
  public void close() {
    while (!releases.isEmpty()) {
      try {
        releases.pop().run();
      } catch (RuntimeException e) {
        LOG.warn("could not release a materialised frame: {}", e.toString());
      }
    }
    Lineage.releaseRun(spark.sparkContext(), runId);
    spark.sparkContext().setLocalProperty(Lineage.RUN, null);
    checkpoints.ifPresent(this::remove);
  }

  private void remove(Path dir) {
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      // The context adds a folder of its own under the directory given: the run's folder goes whole.
      if (fs.exists(dir) && !fs.delete(dir, true)) {
        LOG.warn("could not remove the checkpoint files under {}: remove them by hand", dir);
      }
    } catch (IOException e) {
      LOG.warn("could not remove the checkpoint files under {} ({}): remove them by hand", dir, e.toString());
    }
  }
}
