package io.profitlake.lakehouse;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.StructType;

/**
 * An output table, declared once: the declaration creates the table and documents it (README's
 * table list and the catalog comments come from here).
 */
public record TableSpec(String name, String comment, WriteMode mode, List<ColumnSpec> columns) {

  public enum WriteMode {
    /** Rows of the processed periods are replaced (replaceWhere); other periods are untouched. */
    PERIOD_KEYED,
    /** The whole table is replaced in one commit. */
    SNAPSHOT,
    /** Rows are added (one per run) and updated by key. */
    APPEND
  }

  public static final String PERIOD = "period";

  public TableSpec {
    columns = List.copyOf(columns);
    if (mode == WriteMode.PERIOD_KEYED && columns.stream().noneMatch(c -> c.name().equals(PERIOD))) {
      throw new IllegalArgumentException(name + " is period-keyed but has no period column");
    }
  }

  public StructType schema() {
    StructType schema = new StructType();
    for (ColumnSpec column : columns) {
      schema = schema.add(column.name(), column.type(), column.nullable(), column.comment());
    }
    return schema;
  }

  public List<String> columnNames() {
    return columns.stream().map(ColumnSpec::name).toList();
  }

  /** The columns in declared order, to select before a write. */
  public Column[] selectColumns() {
    List<Column> result = new ArrayList<>();
    for (ColumnSpec column : columns) {
      result.add(org.apache.spark.sql.functions.col(column.name()).cast(column.type()).as(column.name()));
    }
    return result.toArray(Column[]::new);
  }

  String createDdl(String qualifiedName) {
    return createDdl(qualifiedName, null);
  }

  /** The same, with the table's files at {@code location} (null: where the catalog puts them). */
  String createDdl(String qualifiedName, String location) {
    StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(qualifiedName).append(" (\n");
    for (int i = 0; i < columns.size(); i++) {
      ddl.append("  ").append(columns.get(i).ddl()).append(i + 1 < columns.size() ? ",\n" : "\n");
    }
    ddl.append(") USING delta");
    if (mode == WriteMode.PERIOD_KEYED) {
      ddl.append(" PARTITIONED BY (").append(PERIOD).append(")");
    }
    ddl.append(" COMMENT '").append(escape(comment)).append("'");
    if (location != null) {
      ddl.append(" LOCATION '").append(escape(location)).append("'");
    }
    return ddl.toString();
  }

  static String escape(String text) {
    return text.replace("\\", "\\\\").replace("'", "\\'");
  }
}
