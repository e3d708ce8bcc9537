package io.profitlake.lakehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing half of the job: creates the declared tables in the catalog database and writes
 * them the way their declaration says, every commit tagged with the run id.
 */
public final class Lakehouse {
  private static final Logger LOG = LoggerFactory.getLogger(Lakehouse.class);
  static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

  private final SparkSession spark;
  private final String database;

  public Lakehouse(SparkSession spark, String database) {
    this.spark = spark;
    this.database = database;
  }

  public String qualified(TableSpec table) {
    return database + "." + table.name();
  }

  /** Creates the database and any missing table; adds declared columns that an older table lacks. */
  public void ensureTables(List<TableSpec> tables) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + database
        + " COMMENT 'ProfitLake: customer profitability tables'");
    for (TableSpec table : tables) {
      String name = qualified(table);
      if (!spark.catalog().tableExists(name)) {
        spark.sql(table.createDdl(name));
        LOG.info("created table {}", name);
        continue;
      }
      Set<String> existing = new TreeSet<>();
      for (StructField field : spark.table(name).schema().fields()) {
        existing.add(field.name());
      }
      List<ColumnSpec> missing = table.columns().stream().filter(c -> !existing.contains(c.name())).toList();
      if (!missing.isEmpty()) {
        String columns = missing.stream()
            .map(c -> "`" + c.name() + "` " + c.type().sql() + " COMMENT '" + TableSpec.escape(c.comment()) + "'")
            .collect(Collectors.joining(", "));
        spark.sql("ALTER TABLE " + name + " ADD COLUMNS (" + columns + ")");
        LOG.info("table {}: added columns {}", name, missing.stream().map(ColumnSpec::name).toList());
      }
    }
  }

  /** A declared table as it stands (its current version). */
  public Dataset<Row> read(TableSpec table) {
    return spark.table(qualified(table));
  }

  /** Tags every following Delta commit of this session with the run id. */
  public void tagCommits(String runId) {
    spark.conf().set(USER_METADATA, "run_id=" + runId);
  }

  /**
   * Writes a table by its declared mode. Period-keyed tables replace exactly the given periods;
   * snapshots replace everything. Returns the commit's version and rows written.
   */
  public WriteResult write(TableSpec table, Dataset<Row> rows, List<String> periods) {
    String name = qualified(table);
    spark.sparkContext().setJobDescription("write " + name);
    Dataset<Row> shaped = rows.select(table.selectColumns());
    try {
      switch (table.mode()) {
        case PERIOD_KEYED -> {
          Column inPeriods = col(TableSpec.PERIOD).isin(periods.toArray());
          shaped.writeTo(name).overwrite(inPeriods);
        }
        case SNAPSHOT -> shaped.writeTo(name).overwrite(lit(true));
        case APPEND -> shaped.writeTo(name).append();
      }
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException("table " + name + " vanished while the run was writing it", e);
    }
    WriteResult result = lastCommit(name);
    LOG.info("wrote {}: version {}, {} rows", name, result.version(), result.rowsWritten());
    return result;
  }

  /** Updates rows by key (job_runs at the end of a run), inserting those not there yet. */
  public WriteResult upsert(TableSpec table, Dataset<Row> rows, String keyColumn) {
    String name = qualified(table);
    Dataset<Row> shaped = rows.select(table.selectColumns());
    DeltaTable.forName(spark, name).as("t")
        .merge(shaped.as("s"), col("t." + keyColumn).equalTo(col("s." + keyColumn)))
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
    return lastCommit(name);
  }

  public record WriteResult(long version, long rowsWritten) {}

  private WriteResult lastCommit(String name) {
    Row last = DeltaTable.forName(spark, name).history(1).select("version", "operationMetrics").first();
    Map<String, String> metrics = last.getJavaMap(1);
    long rows = 0;
    // A MERGE reports the rows it inserted and updated; numOutputRows would also count copied rows.
    List<String> counted = metrics != null && metrics.containsKey("numTargetRowsInserted")
        ? List.of("numTargetRowsInserted", "numTargetRowsUpdated")
        : List.of("numOutputRows");
    for (String metric : counted) {
      if (metrics != null && metrics.containsKey(metric)) {
        rows += Long.parseLong(metrics.get(metric));
      }
    }
    return new WriteResult(last.getLong(0), rows);
  }
}
