package io.profitlake.lakehouse;

import org.apache.spark.sql.types.DataType;

/** One declared column of an output table: its type, whether it may be null, and its comment. */
public record ColumnSpec(String name, DataType type, boolean nullable, String comment) {
  public static ColumnSpec key(String name, DataType type, String comment) {
    return new ColumnSpec(name, type, false, comment);
  }

  public static ColumnSpec of(String name, DataType type, String comment) {
    return new ColumnSpec(name, type, true, comment);
  }

  String ddl() {
    return "`" + name + "` " + type.sql() + (nullable ? "" : " NOT NULL") + " COMMENT '" + TableSpec.escape(comment) + "'";
  }
}
