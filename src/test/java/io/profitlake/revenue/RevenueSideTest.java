package io.profitlake.revenue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.profitlake.currency.Currency;
import io.profitlake.profitability.CustomerProfitability;
import io.profitlake.profitability.Periods;
import io.profitlake.support.FrameAssertions;
import io.profitlake.support.SparkTestBase;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The revenue side and currency conversion on hand-worked examples (methods.md). */
class RevenueSideTest extends SparkTestBase {
  private static final org.apache.spark.sql.types.DataType MONEY = DataTypes.createDecimalType(18, 2);

  private static BigDecimal d(String value) {
    return new BigDecimal(value);
  }

  private static final StructType LINE = new StructType()
      .add("transaction_id", DataTypes.StringType)
      .add("customer_id", DataTypes.StringType)
      .add("period", DataTypes.StringType)
      .add("net_amount", MONEY)
      .add("cost_amount", MONEY)
      .add("currency", DataTypes.StringType)
      .add("sales_rep_id", DataTypes.StringType)
      .add("transaction_type", DataTypes.StringType);

  private static Dataset<Row> reps() {
    StructType schema = new StructType().add("rep_id", DataTypes.StringType)
        .add("commission_rate", DataTypes.createDecimalType(6, 5));
    return spark.createDataFrame(List.of(RowFactory.create("R1", d("0.05000")), RowFactory.create("R2", d("0.12345"))),
        schema);
  }

  @Test
  void perCustomerPeriodWithAReturnAndCommissions() {
    List<Row> lines = List.of(
        RowFactory.create("L1", "C1", "2024-01", d("100.00"), d("60.00"), "USD", "R1", "SALE"),
        RowFactory.create("L2", "C1", "2024-01", d("33.33"), d("20.00"), "USD", "R2", "SALE"),
        RowFactory.create("L3", "C1", "2024-01", d("10.00"), d("6.00"), "USD", "R1", "RETURN"),
        RowFactory.create("L4", "C1", "2024-01", d("0.50"), d("0.30"), "USD", "R1", "SALE"),
        RowFactory.create("L5", "C1", "2024-01", d("40.00"), d("10.00"), "USD", null, "SALE"),
        RowFactory.create("L6", "C2", "2024-02", d("20.00"), d("12.00"), "USD", "R1", "RETURN"));
    Dataset<Row> actual = RevenueSide.perCustomerPeriod(spark.createDataFrame(lines, LINE), reps())
        .orderBy("customer_id", "period");
    // C1 2024-01:
    //   net_revenue = 100.00 + 33.33 - 10.00 + 0.50 + 40.00 = 163.83; returns = 10.00
    //   cogs = 60.00 + 20.00 - 6.00 + 0.30 + 10.00 = 84.30; gross_margin = 163.83 - 84.30 = 79.53
    //   commissions: 100.00 x 0.05 = 5.00; 33.33 x 0.12345 = 4.1145885 -> 4.11; RETURN 10.00 x 0.05 = -0.50;
    //   0.50 x 0.05 = 0.025 -> 0.02 (HALF_EVEN; HALF_UP would give 0.03); no rep -> 0  => 8.63
    // C2 2024-02, a RETURN only: net_revenue -20.00, returns 20.00, cogs -12.00, margin -8.00, commission -1.00
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("period", DataTypes.StringType)
        .add("net_revenue", MONEY).add("returns", MONEY).add("cogs", MONEY).add("gross_margin", MONEY)
        .add("commissions", MONEY);
    Dataset<Row> expected = spark.createDataFrame(List.of(
        RowFactory.create("C1", "2024-01", d("163.83"), d("10.00"), d("84.30"), d("79.53"), d("8.63")),
        RowFactory.create("C2", "2024-02", d("-20.00"), d("20.00"), d("-12.00"), d("-8.00"), d("-1.00"))), schema);
    FrameAssertions.assertFramesEqual(expected, actual);
  }

  @Test
  void currencyConversionRoundsEachLineHalfEven() {
    StructType rateSchema = new StructType().add("period", DataTypes.StringType).add("currency", DataTypes.StringType)
        .add("rate_to_base", DataTypes.createDecimalType(18, 8));
    Dataset<Row> rates = spark.createDataFrame(List.of(
        RowFactory.create("2024-01", "EUR", d("1.23456789")),
        RowFactory.create("2024-01", "GBP", d("1.50000000")),
        RowFactory.create("2024-02", "EUR", d("2.00000000"))), rateSchema);
    Dataset<Row> lines = spark.createDataFrame(List.of(
        RowFactory.create("L1", "C1", "2024-01", d("33.33"), d("10.25"), "EUR", null, "SALE"),
        RowFactory.create("L2", "C1", "2024-01", d("0.03"), d("0.05"), "GBP", null, "SALE"),
        RowFactory.create("L3", "C1", "2024-02", d("1.11"), d("1.00"), "EUR", null, "SALE"),
        RowFactory.create("L4", "C1", "2024-01", d("7.77"), d("1.00"), "USD", null, "SALE")), LINE);
    List<Row> converted = Currency.toBase(lines, rates, "USD", "period", "currency", List.of("net_amount", "cost_amount"))
        .orderBy("transaction_id").select("transaction_id", "net_amount", "cost_amount").collectAsList();
    // L1: 33.33 x 1.23456789 = 41.1481477737 -> 41.15; 10.25 x 1.23456789 = 12.6543208725 -> 12.65
    // L2: 0.03 x 1.5 = 0.045 -> 0.04 (HALF_EVEN); 0.05 x 1.5 = 0.075 -> 0.08
    // L3: the February rate: 1.11 x 2 = 2.22; L4 is in the base currency: unchanged
    assertEquals(List.of(
        RowFactory.create("L1", d("41.15"), d("12.65")),
        RowFactory.create("L2", d("0.04"), d("0.08")),
        RowFactory.create("L3", d("2.22"), d("2.00")),
        RowFactory.create("L4", d("7.77"), d("1.00"))), converted);
  }

  @Test
  void customersKeepRowsElevenPeriodsAfterTheirLastActivity() {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("period", DataTypes.StringType)
        .add("net_revenue", MONEY).add("returns", MONEY).add("cogs", MONEY).add("gross_margin", MONEY)
        .add("commissions", MONEY);
    Dataset<Row> components = spark.createDataFrame(List.of(
        RowFactory.create("C1", "2024-01", d("10.00"), d("0.00"), d("4.00"), d("6.00"), d("0.00")),
        RowFactory.create("C1", "2024-03", d("5.00"), d("0.00"), d("5.00"), d("0.00"), d("0.00")),
        RowFactory.create("C2", "2025-05", d("8.00"), d("0.00"), d("2.00"), d("6.00"), d("0.40")),
        RowFactory.create("C3", "2024-06", d("0.00"), d("0.00"), d("0.00"), d("0.00"), d("0.00"))), schema);
    List<String> columns = List.of("net_revenue", "returns", "cogs", "gross_margin", "commissions");
    List<Row> rows = CustomerProfitability.rows(components, columns,
            new Periods(YearMonth.of(2024, 1), YearMonth.of(2025, 6)), components.limit(0))
        .orderBy("customer_id", "period").select("customer_id", "period", "net_revenue", "gross_margin_pct")
        .collectAsList();
    // C1: last non-zero period 2024-03, so rows 2024-01 .. 2025-02 (14 rows), quiet ones at 0.
    // C2: 2025-05 and 2025-06 (capped at the last period). C3 never has a non-zero component: no rows.
    List<Row> expected = new ArrayList<>();
    for (YearMonth m = YearMonth.of(2024, 1); !m.isAfter(YearMonth.of(2025, 2)); m = m.plusMonths(1)) {
      BigDecimal revenue = m.equals(YearMonth.of(2024, 1)) ? d("10.00") : m.equals(YearMonth.of(2024, 3)) ? d("5.00") : d("0.00");
      // gross_margin_pct = round_half_even(100 x margin / revenue, 2): 100 x 6 / 10 = 60.00, 100 x 0 / 5 = 0.00
      BigDecimal pct = m.equals(YearMonth.of(2024, 1)) ? d("60.00") : m.equals(YearMonth.of(2024, 3)) ? d("0.00") : null;
      expected.add(RowFactory.create("C1", m.toString(), revenue, pct));
    }
    expected.add(RowFactory.create("C2", "2025-05", d("8.00"), d("75.00")));
    expected.add(RowFactory.create("C2", "2025-06", d("0.00"), null));
    assertEquals(expected, rows);
  }

  @Test
  void aPeriodRerunKeepsTheRowsThatActivityInOtherPeriodsGives() {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("period", DataTypes.StringType)
        .add("net_revenue", MONEY).add("cogs", MONEY).add("gross_margin", MONEY);
    Dataset<Row> inRange = spark.createDataFrame(List.<Row>of(), schema);
    // Rows the lakehouse holds for other periods. C4: active 2024-01, so rows through 2024-12. C5: active
    // 2023-01 and 2025-01, so rows all along in between. C6: last active 2023-05, rows only through 2024-04.
    // C7: a quiet row only, which widens nothing.
    Dataset<Row> elsewhere = spark.createDataFrame(List.of(
        RowFactory.create("C4", "2024-01", d("10.00"), d("0.00"), d("10.00")),
        RowFactory.create("C5", "2023-01", d("0.00"), d("3.00"), d("-3.00")),
        RowFactory.create("C5", "2025-01", d("1.00"), d("0.00"), d("1.00")),
        RowFactory.create("C6", "2023-05", d("1.00"), d("0.00"), d("1.00")),
        RowFactory.create("C7", "2024-05", d("0.00"), d("0.00"), d("0.00"))), schema);
    List<Row> rows = CustomerProfitability.rows(inRange, List.of("net_revenue", "cogs", "gross_margin"),
            new Periods(YearMonth.of(2024, 6), YearMonth.of(2024, 8)), elsewhere)
        .orderBy("customer_id", "period").select("customer_id", "period", "net_revenue", "cogs").collectAsList();
    List<Row> expected = new ArrayList<>();
    for (String customer : List.of("C4", "C5")) {
      for (String period : List.of("2024-06", "2024-07", "2024-08")) {
        expected.add(RowFactory.create(customer, period, d("0.00"), d("0.00")));
      }
    }
    assertEquals(expected, rows);
  }
}
