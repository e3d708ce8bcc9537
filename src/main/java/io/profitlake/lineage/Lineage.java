package io.profitlake.lineage;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;
import scala.jdk.javaapi.CollectionConverters;

/**
 * How a frame's lineage is cut: computed now, and read back by later plans from its materialised
 * rows. Reliable (files under the context's checkpoint directory, which survive a lost executor)
 * when the run's owner set one, which it does whenever the master is not local; local (blocks on
 * the executors) otherwise.
 *
 * <p>A cut made while a run is in scope ({@link #RUN}, a thread-local property of the context,
 * inherited by the threads the run starts) is named after the run, so that the run's owner
 * releases every cut of the run when it ends, including those a stage made for itself.
 */
public final class Lineage {
  /** The context's local property naming the run in scope. */
  public static final String RUN = "profitlake.run.id";
  private static final String NAME_PREFIX = "profitlake cut of run ";

  private Lineage() {}

  /** The frame computed now (one Spark job), with its lineage cut. */
  public static Dataset<Row> cut(Dataset<Row> frame) {
    SparkContext context = frame.sparkSession().sparkContext();
    boolean reliable = context.getCheckpointDir().isDefined();
    Dataset<Row> cut = reliable ? frame.checkpoint(true) : frame.localCheckpoint(true);
    String run = context.getLocalProperty(RUN);
    if (run != null && cut.queryExecution().logical() instanceof LogicalRDD checkpointed) {
      checkpointed.rdd().setName(NAME_PREFIX + run);
    }
    return cut;
  }

  /**
   * Frees what a frame holds: its cache, and the blocks of a local checkpoint ({@code unpersist}
   * alone does nothing to a checkpointed frame). Reliable checkpoint files go with their directory.
   */
  public static void release(Dataset<Row> frame) {
    frame.unpersist(false);
    if (frame.queryExecution().logical() instanceof LogicalRDD checkpointed) {
      checkpointed.rdd().unpersist(false);
    }
  }

  /** Frees the blocks of every cut made under the run. */
  public static void releaseRun(SparkContext context, String run) {
    String name = NAME_PREFIX + run;
    CollectionConverters.asJava(context.getPersistentRDDs()).values().stream()
        .filter(rdd -> name.equals(rdd.name()))
        .toList()
        .forEach(rdd -> rdd.unpersist(false));
  }
}
