package io.profitlake.insights;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Hand-written customer P&L rows for the insight tests: {@code row("A", "2024-01", "net_revenue=100",
 * "cogs=40")}; unnamed components are 0 and the subtotals follow their definitions
 * (gross_margin = net_revenue - cogs, net_profit = gross_margin - commissions - cost_to_serve - ...).
 */
final class PnlRows {
  static final List<String> ACTIVITIES = List.of("cts_support", "cts_calls");
  private static final List<String> COMPONENTS = List.of("net_revenue", "cogs", "commissions", "cts_support",
      "cts_calls", "acquisition_cost", "bad_debt", "financing_cost", "referral_value");

  private final List<Row> rows = new ArrayList<>();

  PnlRows row(String customer, String period, String... amounts) {
    Map<String, BigDecimal> values = new HashMap<>();
    for (String component : COMPONENTS) {
      values.put(component, BigDecimal.ZERO.setScale(2));
    }
    for (String amount : amounts) {
      String[] parts = amount.split("=");
      if (!values.containsKey(parts[0])) {
        throw new IllegalArgumentException("unknown component " + parts[0]);
      }
      values.put(parts[0], new BigDecimal(parts[1]).setScale(2));
    }
    BigDecimal grossMargin = values.get("net_revenue").subtract(values.get("cogs"));
    BigDecimal costToServe = values.get("cts_support").add(values.get("cts_calls"));
    BigDecimal netProfit = grossMargin.subtract(values.get("commissions")).subtract(costToServe)
        .subtract(values.get("acquisition_cost")).subtract(values.get("bad_debt")).subtract(values.get("financing_cost"));
    rows.add(RowFactory.create(customer, period, values.get("net_revenue"), values.get("cogs"), grossMargin,
        values.get("commissions"), values.get("cts_support"), values.get("cts_calls"), costToServe,
        values.get("acquisition_cost"), values.get("bad_debt"), values.get("financing_cost"), netProfit,
        values.get("referral_value"), netProfit.add(values.get("referral_value"))));
    return this;
  }

  static StructType schema() {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("period", DataTypes.StringType);
    for (String column : List.of("net_revenue", "cogs", "gross_margin", "commissions", "cts_support", "cts_calls",
        "cost_to_serve", "acquisition_cost", "bad_debt", "financing_cost", "net_profit", "referral_value",
        "total_relationship_value")) {
      schema = schema.add(column, DataTypes.createDecimalType(18, 2));
    }
    return schema;
  }

  Dataset<Row> frame(SparkSession spark) {
    return spark.createDataFrame(rows, schema());
  }

  /** No earlier rows in the lakehouse. */
  static Dataset<Row> noHistory(SparkSession spark) {
    return spark.createDataFrame(List.of(), schema());
  }
}
