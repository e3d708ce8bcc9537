package io.profitlake.sample;

import io.profitlake.config.Settings;
import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded default: the sample inputs are generated on first use when they are absent. */
public final class SampleFiles {
  private static final Logger LOG = LoggerFactory.getLogger(SampleFiles.class);

  private SampleFiles() {}

  public static void ensure(SparkSession spark, Settings settings) {
    Settings.Sample sample = settings.sample();
    if (!sample.generateIfMissing()) {
      return;
    }
    String transactions = settings.source("transactions").path();
    try {
      Path path = new Path(transactions);
      if (path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path)) {
        return;
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot check " + transactions + ": " + e.getMessage(), e);
    }
    LOG.info("no inputs at {}: generating the sample (profitlake.sample.generate-if-missing = true)", transactions);
    GeneratorOptions options = new GeneratorOptions(sample.customers(), sample.months(), sample.seed(),
        sample.startPeriod(), "csv", false, GeneratorOptions.DEFAULT_LINES_FACTOR);
    new SampleGenerator(spark, options, settings.costModel()).writeTo(sample.dir());
  }
}
