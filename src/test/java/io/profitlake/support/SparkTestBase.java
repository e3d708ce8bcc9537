package io.profitlake.support;

import org.junit.jupiter.api.BeforeAll;

/**
 * A test class of pure transforms: it computes on the one local Spark session of its test JVM (see
 * {@link SharedSpark}), with a temporary folder of its own. The session has no catalog: the classes
 * that need one (Hive over embedded Derby) are tagged {@code catalog} and run in a JVM each.
 */
public abstract class SparkTestBase extends SessionTestBase {
  @BeforeAll
  static void startSpark() throws Exception {
    spark = SharedSpark.session();
  }
}
