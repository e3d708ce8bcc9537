package io.profitlake.source;

import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * One column of an input contract: its kind, whether it is required, and its bounds. Columns are
 * checked in declaration order, each with MISSING_FIELD, BAD_TIMESTAMP, BAD_NUMBER, BAD_ENUM, then
 * NEGATIVE_AMOUNT / OUT_OF_RANGE.
 */
public record Field(
    String name,
    Kind kind,
    int precision,
    int scale,
    boolean required,
    BigDecimal min,
    boolean minExclusive,
    BigDecimal max,
    List<String> closedValues) {

  public enum Kind {
    TEXT,
    TIMESTAMP,
    DATE,
    /** A month as yyyy-MM. */
    PERIOD,
    DECIMAL,
    INT,
    BOOLEAN
  }

  public Field {
    closedValues = closedValues == null ? null : List.copyOf(closedValues);
  }

  static Field text(String name) {
    return new Field(name, Kind.TEXT, 0, 0, false, null, false, null, null);
  }

  static Field timestamp(String name) {
    return new Field(name, Kind.TIMESTAMP, 0, 0, false, null, false, null, null);
  }

  static Field date(String name) {
    return new Field(name, Kind.DATE, 0, 0, false, null, false, null, null);
  }

  static Field period(String name) {
    return new Field(name, Kind.PERIOD, 0, 0, false, null, false, null, null);
  }

  static Field decimal(String name, int precision, int scale) {
    return new Field(name, Kind.DECIMAL, precision, scale, false, null, false, null, null);
  }

  static Field integer(String name) {
    return new Field(name, Kind.INT, 10, 0, false, null, false, null, null);
  }

  static Field bool(String name) {
    return new Field(name, Kind.BOOLEAN, 0, 0, false, null, false, null, null);
  }

  Field mandatory() {
    return new Field(name, kind, precision, scale, true, min, minExclusive, max, closedValues);
  }

  /** value >= min, else NEGATIVE_AMOUNT. */
  Field atLeast(String min) {
    return new Field(name, kind, precision, scale, required, new BigDecimal(min), false, max, closedValues);
  }

  /** value > min, else NEGATIVE_AMOUNT. */
  Field above(String min) {
    return new Field(name, kind, precision, scale, required, new BigDecimal(min), true, max, closedValues);
  }

  /** value <= max, else OUT_OF_RANGE. */
  Field atMost(String max) {
    return new Field(name, kind, precision, scale, required, min, minExclusive, new BigDecimal(max), closedValues);
  }

  Field oneOf(String... values) {
    return new Field(name, kind, precision, scale, required, min, minExclusive, max, List.of(values));
  }

  /** The Spark type of the parsed column. */
  public DataType sparkType() {
    return switch (kind) {
      case TEXT, PERIOD -> DataTypes.StringType;
      case TIMESTAMP -> DataTypes.TimestampType;
      case DATE -> DataTypes.DateType;
      case DECIMAL -> DataTypes.createDecimalType(precision, scale);
      case INT -> DataTypes.IntegerType;
      case BOOLEAN -> DataTypes.BooleanType;
    };
  }
}
