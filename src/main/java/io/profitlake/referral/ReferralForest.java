package io.profitlake.referral;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import io.profitlake.lineage.Lineage;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The referral graph: each referred customer has at most one referrer, so following referrers is a
 * walk up a tree unless the walk closes a cycle. Both questions are answered with joins (pointer
 * jumping for cycles, one join per level for chains), checkpointed each round so the plan stays
 * short; nothing about the graph is gathered on the driver.
 */
public final class ReferralForest {
  private static final Logger LOG = LoggerFactory.getLogger(ReferralForest.class);

  private ReferralForest() {}

  /**
   * The referral ids that close a cycle: in each cycle, the latest referral (latest referral_date,
   * ties by the larger referral_id). Removing them leaves a forest.
   *
   * @param edges referral_id, referrer_customer_id, referred_customer_id, referral_date: at most one
   *     row per referred customer
   */
  public static Dataset<Row> cycleClosingReferrals(Dataset<Row> edges) {
    Dataset<Row> start = edges.select(
        col("referred_customer_id").as("node"),
        col("referrer_customer_id").as("jump"),
        struct(col("referral_date"), col("referral_id")).as("latest"),
        struct(col("referral_date"), col("referral_id")).as("own"),
        col("referral_id"));
    long count = start.count();
    // After k rounds, jump is the ancestor 2^k referrals up (null once the walk passed a root) and
    // latest the latest referral on the way. With 2^k above the number of referrals, a node whose
    // jump is still set can only be walking round a cycle, and a node on a cycle has seen all of it.
    int rounds = 1;
    while ((1L << rounds) <= count + 1) {
      rounds++;
    }
    Dataset<Row> state = Lineage.cut(start);
    for (int round = 0; round < rounds; round++) {
      Dataset<Row> next = state.as("s").join(state.select(col("node").as("t_node"), col("jump").as("t_jump"),
              col("latest").as("t_latest")), col("s.jump").equalTo(col("t_node")), "left")
          .select(col("node"), col("t_jump").as("jump"),
              when(col("t_node").isNull(), col("latest")).otherwise(greatest(col("latest"), col("t_latest"))).as("latest"),
              col("own"), col("referral_id"));
      state = Lineage.cut(next.where(col("jump").isNotNull()));
    }
    // The nodes still walking; those reached after the walk are on a cycle (the walk is inside it by then).
    Dataset<Row> onCycle = state.select(col("jump").as("cycle_node")).distinct();
    Dataset<Row> closing = state.join(onCycle, col("node").equalTo(col("cycle_node")))
        .where(col("own").equalTo(col("latest")))
        .select(col("referral_id"));
    LOG.info("referral graph: {} referrals, cycles checked in {} rounds", count, rounds);
    return closing;
  }

  private static Column when(Column condition, Column value) {
    return org.apache.spark.sql.functions.when(condition, value);
  }

  /**
   * Every (customer, ancestor, level) of the forest: level 1 is the direct referrer. One join per
   * level until no chain goes higher, or {@code maxLevel} when it is positive.
   *
   * @param forest referrer_customer_id, referred_customer_id of the accepted referrals (no cycles)
   */
  public static Dataset<Row> ancestors(Dataset<Row> forest, int maxLevel) {
    Dataset<Row> parents = forest.select(col("referred_customer_id").as("p_child"),
        col("referrer_customer_id").as("p_parent"));
    Dataset<Row> frontier = Lineage.cut(forest.select(col("referred_customer_id").as("customer_id"),
        col("referrer_customer_id").as("ancestor_id"), lit(1).as("level")));
    Dataset<Row> all = frontier;
    int level = 1;
    while ((maxLevel <= 0 || level < maxLevel) && !frontier.isEmpty()) {
      frontier = Lineage.cut(frontier.join(parents, col("ancestor_id").equalTo(col("p_child")))
          .select(col("customer_id"), col("p_parent").as("ancestor_id"), col("level").plus(1).as("level")));
      all = all.unionByName(frontier);
      level++;
    }
    return all.where(coalesce(col("ancestor_id"), lit("")).notEqual(""));
  }
}
