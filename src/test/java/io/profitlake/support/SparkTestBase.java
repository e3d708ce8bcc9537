package io.profitlake.support;

import org.junit.jupiter.api.BeforeAll;

/**
 * A test class of pure transforms: it computes on the one local Spark session of its test JVM (see
 * {@link SharedSpark}), with a temporary folder of its own. The classes that run the job against a
 * lakehouse use {@link CatalogTestBase}.
 */
public abstract class SparkTestBase extends SessionTestBase {
  @BeforeAll
  static void startSpark() throws Exception {
    spark = SharedSpark.session();
  }
}
