package io.profitlake.costing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.profitlake.profitability.Periods;
import io.profitlake.support.SparkTestBase;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Acquisition amortisation, bad debt and financing on hand-worked examples (methods.md). */
class AcquisitionAndReceivablesTest extends SparkTestBase {
  private static final org.apache.spark.sql.types.DataType MONEY = DataTypes.createDecimalType(18, 2);

  private static BigDecimal d(String value) {
    return new BigDecimal(value);
  }

  private static Map<String, BigDecimal> byKey(Dataset<Row> rows, String value) {
    Map<String, BigDecimal> result = new TreeMap<>();
    rows.collectAsList().forEach(r -> result.put(r.getAs("customer_id") + "/" + r.getAs("period"), r.getAs(value)));
    return result;
  }

  @Test
  void acquisitionOverTwelveMonthsWithAChurnInMonthFive() {
    StructType customers = new StructType().add("customer_id", DataTypes.StringType)
        .add("acquisition_date", DataTypes.DateType).add("acquisition_cost", MONEY).add("churn_date", DataTypes.DateType);
    StructType referrals = new StructType().add("referred_customer_id", DataTypes.StringType).add("reward_amount", MONEY);
    Dataset<Row> result = Acquisition.perCustomerPeriod(
        spark.createDataFrame(List.of(
            RowFactory.create("C1", Date.valueOf("2024-01-20"), d("1000.00"), Date.valueOf("2024-05-10")),
            RowFactory.create("C2", Date.valueOf("2023-12-01"), d("12.00"), null),
            RowFactory.create("C3", Date.valueOf("2024-02-01"), null, null)), customers),
        spark.createDataFrame(List.of(RowFactory.create("C1", d("0.05")), RowFactory.create("C3", d("0.02"))), referrals),
        12, new Periods(YearMonth.of(2024, 1), YearMonth.of(2024, 6)));
    // C1: 1,000.00 + the 0.05 referral reward = 100,005 cents over 12 months: 8,333 each and 9 cents
    // left, one each to the 9 earliest months (8,334). Jan..Apr: 83.34. Churn in May (month 5):
    // May takes instalments 5..12 = 5 x 83.34 + 3 x 83.33 = 666.69. Total 4 x 83.34 + 666.69 = 1,000.05.
    // C2: 12.00 from 2023-12: 1.00 a month; 2023-12 is outside the processed periods, not shown.
    // C3: no acquisition cost, a 0.02 reward: 2 cents, in the first 2 months (Feb, Mar).
    Map<String, BigDecimal> expected = new TreeMap<>();
    for (String month : List.of("2024-01", "2024-02", "2024-03", "2024-04")) {
      expected.put("C1/" + month, d("83.34"));
    }
    expected.put("C1/2024-05", d("666.69"));
    for (String month : List.of("2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06")) {
      expected.put("C2/" + month, d("1.00"));
    }
    expected.put("C3/2024-02", d("0.01"));
    expected.put("C3/2024-03", d("0.01"));
    assertEquals(expected, byKey(result, "acquisition_cost"));
  }

  private static Dataset<Row> invoices(Object[]... rows) {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("amount", MONEY)
        .add("issue_date", DataTypes.DateType).add("due_date", DataTypes.DateType).add("paid_date", DataTypes.DateType)
        .add("written_off_amount", MONEY).add("written_off_date", DataTypes.DateType);
    return spark.createDataFrame(java.util.Arrays.stream(rows).map(RowFactory::create).toList(), schema);
  }

  @Test
  void financingOfAnInvoicePaidFortyDaysLateAcrossAMonthBoundary() {
    Dataset<Row> rows = invoices(
        new Object[] {"C1", d("1000.00"), Date.valueOf("2023-12-21"), Date.valueOf("2024-01-20"),
            Date.valueOf("2024-02-29"), d("0"), null},
        new Object[] {"C2", d("1000.00"), Date.valueOf("2023-12-21"), Date.valueOf("2024-01-20"),
            Date.valueOf("2024-01-20"), d("0"), null});
    Map<String, BigDecimal> cost = byKey(Receivables.financing(rows, d("0.08"),
        new Periods(YearMonth.of(2024, 1), YearMonth.of(2024, 3))), "financing_cost");
    // Late days (2024-01-20, 2024-02-29]: 11 in January (21..31), 29 in February: 40 days.
    // January: 1,000 x 0.08 x 11 / 365 = 2.41095... -> 2.41; February: x 29 / 365 = 6.35616... -> 6.36.
    // C2 paid on the due date: no cost.
    assertEquals(Map.of("C1/2024-01", d("2.41"), "C1/2024-02", d("6.36")), cost);
  }

  @Test
  void writeOffIsBadDebtInItsMonthAndFinancingRunsUntilIt() {
    Dataset<Row> rows = invoices(
        new Object[] {"C1", d("500.00"), Date.valueOf("2024-01-15"), Date.valueOf("2024-02-14"), null, d("500.00"),
            Date.valueOf("2024-03-15")},
        // Open at the end: financed to the last day of the last processed period, 2024-03-31; March only
        // (due 2024-02-29): 31 days x 100 x 0.08 / 365 = 0.67945... -> 0.68.
        new Object[] {"C2", d("100.00"), Date.valueOf("2024-01-30"), Date.valueOf("2024-02-29"), null, d("0"), null});
    Periods periods = new Periods(YearMonth.of(2024, 1), YearMonth.of(2024, 3));
    assertEquals(Map.of("C1/2024-03", d("500.00")), byKey(Receivables.badDebt(rows, periods), "bad_debt"));
    // C1: (2024-02-14, 2024-03-15]: 15 days in February, 15 in March: 500 x 0.08 x 15 / 365 = 1.6438... -> 1.64 each.
    assertEquals(Map.of("C1/2024-02", d("1.64"), "C1/2024-03", d("1.64"), "C2/2024-03", d("0.68")),
        byKey(Receivables.financing(rows, d("0.08"), periods), "financing_cost"));
  }

  @Test
  void daysOutsideTheProcessedPeriodsAreDropped() {
    Dataset<Row> rows = invoices(new Object[] {"C1", d("1000.00"), Date.valueOf("2023-12-01"),
        Date.valueOf("2023-12-31"), Date.valueOf("2024-02-10"), d("0"), null});
    // Processed: February only. Late days in January (31) are dropped; February 1..10: 10 days:
    // 1,000 x 0.08 x 10 / 365 = 2.19178... -> 2.19.
    assertEquals(Map.of("C1/2024-02", d("2.19")), byKey(Receivables.financing(rows, d("0.08"),
        new Periods(YearMonth.of(2024, 2), YearMonth.of(2024, 2))), "financing_cost"));
  }
}
