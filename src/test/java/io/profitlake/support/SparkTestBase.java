package io.profitlake.support;

import org.junit.jupiter.api.BeforeAll;

/**
 * A test class of pure transforms: it computes on the one local Spark session of its test JVM (see
 * {@link SharedSpark}), with a temporary folder of its own. The session has no lakehouse: the classes
 * that run the job against one (its own session, whose warehouse is fixed when the JVM's first session
 * starts) are tagged {@code catalog} and run in a JVM each.
 */
public abstract class SparkTestBase extends SessionTestBase {
  @BeforeAll
  static void startSpark() throws Exception {
    spark = SharedSpark.session();
  }
}
