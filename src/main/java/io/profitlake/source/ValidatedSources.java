package io.profitlake.source;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitlake.lineage.Lineage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every source after its contract: the accepted rows (typed, in contract columns) and the
 * quarantined ones, both from one checked frame per source so that they always reconcile.
 */
public final class ValidatedSources implements AcceptedRows {
  /** Columns of {@link #quarantine()}. */
  public static final String SOURCE = "source";
  public static final String REASON_CODE = "reason_code";
  public static final String FIELD = "field";
  public static final String RECORD = "record";
  public static final String SOURCE_FILE = "source_file";

  private final Map<String, Dataset<Row>> checked;

  ValidatedSources(Map<String, Dataset<Row>> checked) {
    this.checked = Map.copyOf(checked);
  }

  /** The accepted rows of a source, with exactly its contract's columns, parsed. */
  @Override
  public Dataset<Row> accepted(String source) {
    SourceContract contract = Contracts.ALL.get(source);
    Column[] columns = contract.columnNames().stream().map(name -> col(name)).toArray(Column[]::new);
    return frame(source).where(col(SourceValidator.REASON).isNull()).select(columns);
  }

  /** Every quarantined row of every source: source, reason_code, field, record, source_file. */
  public Dataset<Row> quarantine() {
    Dataset<Row> all = null;
    for (String source : Contracts.ALL.keySet()) {
      Dataset<Row> rows = frame(source).where(col(SourceValidator.REASON).isNotNull()).select(
          lit(source).as(SOURCE),
          col(SourceValidator.REASON).as(REASON_CODE),
          col(SourceValidator.FIELD).as(FIELD),
          col(SourceReader.RECORD).as(RECORD),
          col(SourceReader.FILE).as(SOURCE_FILE),
          col(SourceReader.FILE_INDEX),
          col(SourceReader.ROW));
      all = all == null ? rows : all.unionByName(rows);
    }
    return all;
  }

  /**
   * Counts per source and reason, from one aggregation over all sources. The result is a handful
   * of rows (sources x reasons), so it is brought to the driver.
   */
  public Map<String, SourceCount> counts() {
    Dataset<Row> all = null;
    for (String source : Contracts.ALL.keySet()) {
      Dataset<Row> rows = frame(source).select(lit(source).as(SOURCE), col(SourceValidator.REASON).as(REASON_CODE),
          col(SourceValidator.INVALID_UTF8));
      all = all == null ? rows : all.unionByName(rows);
    }
    List<Row> grouped = all.groupBy(col(SOURCE), col(REASON_CODE))
        .agg(count(lit(1)).as("n"), sum(when(col(SourceValidator.INVALID_UTF8), 1).otherwise(0)).as("bad_utf8"))
        .collectAsList();
    Map<String, SourceCount> result = new LinkedHashMap<>();
    for (String source : Contracts.ALL.keySet()) {
      long read = 0;
      long accepted = 0;
      long invalid = 0;
      Map<String, Long> reasons = new TreeMap<>();
      for (Row row : grouped) {
        if (!row.getString(0).equals(source)) {
          continue;
        }
        long n = row.getLong(2);
        read += n;
        invalid += row.getLong(3);
        if (row.isNullAt(1)) {
          accepted += n;
        } else {
          reasons.put(row.getString(1), n);
        }
      }
      result.put(source, new SourceCount(source, read, accepted, read - accepted, invalid, reasons));
    }
    return result;
  }

  private Dataset<Row> frame(String source) {
    Dataset<Row> frame = checked.get(source);
    if (frame == null) {
      throw new IllegalArgumentException("no source named " + source);
    }
    return frame;
  }

  /** Releases the cached frames. */
  public void release() {
    checked.values().forEach(Lineage::release);
  }
}
