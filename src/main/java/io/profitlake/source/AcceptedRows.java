package io.profitlake.source;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The accepted rows of every source, by source name, in contract columns: what the computation reads. The
 * run's checked sources are one; a scenario's view of them, with its levers applied, is another.
 */
@FunctionalInterface
public interface AcceptedRows {
  Dataset<Row> accepted(String source);
}
