package io.profitlake.support;

import io.profitlake.job.CodeGenerationSwitch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class of whole runs against a lakehouse: the JVM's shared session (see {@link SharedSpark}),
 * in whose catalog the job registers the tables of the class's temporary lakehouse by path, as it does
 * in its own session. The job places its database in the lakehouse whatever the session's warehouse,
 * so classes share the session; each forgets its databases when it ends ({@link SharedSpark#forgetDatabases}).
 *
 * <p>The class's own queries (the expected values, the comparisons of tables) are evaluated interpreted, as the
 * job evaluates its runs on these small inputs ({@code profitlake.spark.code-generation = auto}): compiled, each
 * new small query pays Spark's code generation in every task. The next class gets the session's own settings
 * back ({@link SharedSpark#session}), so the tests of single transforms keep Spark's code generation.
 */
public abstract class CatalogTestBase extends SessionTestBase {
  @BeforeAll
  static void startCatalogSession() throws Exception {
    spark = SharedSpark.session();
    CodeGenerationSwitch.INTERPRETED.forEach(spark.conf()::set);
  }

  @AfterAll
  static void forgetTheLakehouse() {
    SharedSpark.forgetDatabases();
  }
}
