package io.profitlake.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class of whole runs against a lakehouse: the JVM's shared session (see {@link SharedSpark}),
 * in whose catalog the job registers the tables of the class's temporary lakehouse by path, as it does
 * in its own session. The job places its database in the lakehouse whatever the session's warehouse,
 * so classes share the session; each forgets its databases when it ends ({@link SharedSpark#forgetDatabases}).
 */
public abstract class CatalogTestBase extends SessionTestBase {
  @BeforeAll
  static void startCatalogSession() throws Exception {
    spark = SharedSpark.session();
  }

  @AfterAll
  static void forgetTheLakehouse() {
    SharedSpark.forgetDatabases();
  }
}
