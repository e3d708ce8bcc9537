package io.profitlake.prospect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.profitlake.config.CostModel.Thresholds;
import io.profitlake.support.SparkTestBase;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Look-alike estimates with shrinkage (methods.md, Prospect scoring), worked out by hand. */
class ProspectScoringTest extends SparkTestBase {
  private static BigDecimal d(String value) {
    return new BigDecimal(value);
  }

  private static Thresholds thresholds(int k, String pursue) {
    return new Thresholds(BigDecimal.ZERO, new BigDecimal("0.10"), 6, new BigDecimal(pursue), k);
  }

  private static Dataset<Row> customers(Object[]... rows) {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType)
        .add("industry", DataTypes.StringType).add("size_band", DataTypes.StringType)
        .add("region", DataTypes.StringType).add("acquisition_channel", DataTypes.StringType)
        .add("acquisition_date", DataTypes.DateType);
    return spark.createDataFrame(Arrays.stream(rows)
        .map(r -> RowFactory.create(r[0], r[1], r[2], r[3], r[4], Date.valueOf((String) r[5]))).toList(), schema);
  }

  private static Dataset<Row> netProfit(Object[]... rows) {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("period", DataTypes.StringType)
        .add("net_profit", DataTypes.createDecimalType(18, 2));
    return spark.createDataFrame(Arrays.stream(rows).map(RowFactory::create).toList(), schema);
  }

  private static Dataset<Row> prospects(String[]... rows) {
    StructType schema = new StructType().add("prospect_id", DataTypes.StringType)
        .add("industry", DataTypes.StringType).add("region", DataTypes.StringType)
        .add("country", DataTypes.StringType).add("size_band", DataTypes.StringType)
        .add("lead_source", DataTypes.StringType).add("created_date", DataTypes.DateType);
    return spark.createDataFrame(Arrays.stream(rows)
        .map(r -> RowFactory.create(r[0], r[1], r[2], "US", r[3], r[4], Date.valueOf("2025-01-10"))).toList(), schema);
  }

  private static final Object[][] CUSTOMERS = {
      {"C1", "RETAIL", "SMALL", "NORTH", "ORGANIC", "2024-01-10"},
      {"C2", "RETAIL", "SMALL", "NORTH", "ORGANIC", "2024-02-01"},
      {"C3", "RETAIL", "SMALL", "SOUTH", "EVENT", "2024-01-20"},
      {"C4", "TECH", "LARGE", "NORTH", "ORGANIC", "2024-02-15"},
      // Not eligible: 2024-03 + 11 = 2025-02 is after the last period; 2023-12 is before the first.
      {"C5", "RETAIL", "SMALL", "NORTH", "ORGANIC", "2024-03-01"},
      {"C6", "RETAIL", "SMALL", "NORTH", "ORGANIC", "2023-12-01"}};

  /** History 2024-01..2025-01. First-year profit: C1 100 + 50 = 150 (2025-01 is its 13th month), C2 -30, C3 600, C4 0. */
  private static Dataset<Row> history() {
    return netProfit(new Object[] {"C1", "2024-01", d("100.00")}, new Object[] {"C1", "2024-12", d("50.00")},
        new Object[] {"C1", "2025-01", d("1000.00")}, new Object[] {"C2", "2024-02", d("-30.00")},
        new Object[] {"C3", "2024-05", d("600.00")}, new Object[] {"C5", "2024-03", d("9999.00")},
        new Object[] {"C6", "2024-01", d("5000.00")}, new Object[] {"C4", "2024-06", d("0.00")});
  }

  private static final String[][] PROSPECTS = {
      {"Q1", "RETAIL", "NORTH", "SMALL", "ORGANIC"},   // its cell has C1, C2
      {"Q2", "RETAIL", "WEST", "SMALL", "PARTNER"},    // empty cell, parent (RETAIL, SMALL) has C1, C2, C3
      {"Q3", "ENERGY", "NORTH", "MEDIUM", "ORGANIC"},  // unseen cell and parent
      {"Q4", "TECH", "NORTH", "LARGE", "ORGANIC"}};    // cell of one: C4

  private static Map<String, List<Object>> byProspect(Dataset<Row> scores) {
    Map<String, List<Object>> result = new TreeMap<>();
    for (Row row : scores.collectAsList()) {
      result.put(row.getAs("prospect_id"), Arrays.asList(row.getAs("expected_first_year_profit"),
          row.getAs("cell_level"), row.getAs("lookalike_count"), row.getAs("parent_count"),
          row.getAs("recommendation")));
    }
    return result;
  }

  @Test
  void cellsShrinkTowardTheirParentAndAnUnseenCellFallsBack() {
    // Eligible: C1 150, C2 -30, C3 600, C4 0; N = 4, global mean 720 / 4 = 180. k = 2.
    // Parent (RETAIL, SMALL): n_p = 3, mean 240 -> parent_est = (3 x 240 + 2 x 180) / 5 = 216.
    // Q1: cell mean (150 - 30) / 2 = 60 -> (2 x 60 + 2 x 216) / 4 = 138.00.
    // Q2: empty cell -> parent_est 216.00. Q3: empty parent -> global mean 180.00.
    // Q4: parent (TECH, LARGE) n_p = 1, mean 0 -> (0 + 2 x 180) / 3 = 120; cell (1 x 0 + 2 x 120) / 3 = 80.00.
    Dataset<Row> scores = ProspectScoring.score(customers(CUSTOMERS), history(), prospects(PROSPECTS),
        thresholds(2, "150.00"));
    Map<String, List<Object>> expected = new TreeMap<>(Map.of(
        "Q1", Arrays.asList(d("138.00"), "CELL", 2L, 3L, "NURTURE"),
        "Q2", Arrays.asList(d("216.00"), "PARENT", 0L, 3L, "PURSUE"),
        "Q3", Arrays.asList(d("180.00"), "GLOBAL", 0L, 0L, "PURSUE"),
        "Q4", Arrays.asList(d("80.00"), "CELL", 1L, 1L, "NURTURE")));
    assertEquals(expected, byProspect(scores));
    Row q1 = scores.where("prospect_id = 'Q1'").first();
    assertEquals(4L, (long) q1.getAs("eligible_customers"));
    assertEquals(d("60.00"), q1.getAs("cell_mean_profit"));
    assertEquals(d("240.00"), q1.getAs("parent_mean_profit"));
    assertEquals(d("180.00"), q1.getAs("global_mean_profit"));
  }

  @Test
  void withoutAnyEligibleCustomerEveryProspectHasInsufficientHistory() {
    // A history of 11 periods cannot hold anyone's first year.
    Dataset<Row> shortHistory = netProfit(new Object[] {"C1", "2024-01", d("100.00")},
        new Object[] {"C1", "2024-11", d("50.00")});
    Dataset<Row> scores = ProspectScoring.score(customers(CUSTOMERS), shortHistory, prospects(PROSPECTS),
        thresholds(20, "1000.00"));
    for (List<Object> score : byProspect(scores).values()) {
      assertNull(score.get(0));
      assertNull(score.get(1));
      assertEquals("INSUFFICIENT_HISTORY", score.get(4));
    }
  }

  /** One prospect's counts and sums (in currency units), as the joins hand them to the estimate. */
  private static Dataset<Row> cell(long n, String cellSum, long nParent, String parentSum, long bigN, String globalSum) {
    StructType schema = new StructType().add("prospect_id", DataTypes.StringType)
        .add("lookalike_count", DataTypes.LongType).add("_cell_sum", DataTypes.createDecimalType(28, 2))
        .add("parent_count", DataTypes.LongType).add("_parent_sum", DataTypes.createDecimalType(28, 2))
        .add("eligible_customers", DataTypes.LongType).add("_global_sum", DataTypes.createDecimalType(28, 2));
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create("P", n == 0 ? null : n, n == 0 ? null : d(cellSum), nParent == 0 ? null : nParent,
        nParent == 0 ? null : d(parentSum), bigN, bigN == 0 ? null : d(globalSum)));
    return spark.createDataFrame(rows, schema);
  }

  private static Row estimate(Dataset<Row> cell) {
    return ProspectScoring.estimate(cell, 20, new BigDecimal("1000.00")).first();
  }

  @Test
  void shrinkageWithNoneEqualAndManyMoreLookAlikesThanK() {
    // k = 20. Global: N = 100, sum 50,000 -> mean 500. Parent: n_p = 30, sum 30,000 -> mean 1,000;
    // parent_est = (30 x 1000 + 20 x 500) / 50 = 800.
    // n = 0: the parent's estimate, 800.00 (NURTURE: not above 1,000).
    Row none = estimate(cell(0, null, 30, "30000.00", 100, "50000.00"));
    assertEquals(d("800.00"), none.getAs("expected_first_year_profit"));
    assertEquals("PARENT", none.getAs("cell_level"));
    assertEquals("NURTURE", none.getAs("recommendation"));
    // n = k = 20, cell mean 2,000: halfway, (20 x 2000 + 20 x 800) / 40 = 1,400.00 -> PURSUE.
    Row equal = estimate(cell(20, "40000.00", 30, "30000.00", 100, "50000.00"));
    assertEquals(d("1400.00"), equal.getAs("expected_first_year_profit"));
    assertEquals("PURSUE", equal.getAs("recommendation"));
    // n = 2,000 >> k: N = 4,000, sum 400,000 (mean 100); parent = cell: 2,000 customers, mean -50.
    // parent_est = (2000 x -50 + 20 x 100) / 2020 = -48.5148514...; est = (2000 x -50 + 20 x parent_est) / 2020
    // = -49.9852955... -> -49.99, close to the cell's own mean -> DEPRIORITIZE.
    Row many = estimate(cell(2000, "-100000.00", 2000, "-100000.00", 4000, "400000.00"));
    assertEquals(d("-49.99"), many.getAs("expected_first_year_profit"));
    assertEquals("DEPRIORITIZE", many.getAs("recommendation"));
  }

  @Test
  void estimatesRoundHalfEvenToTheCentExactly() {
    // Global only (no parent): 0.05 / 2 = 2.5 cents -> 2; 0.15 / 2 = 7.5 cents -> 8; -0.05 / 2 -> -2.
    assertEquals(d("0.02"), estimate(cell(0, null, 0, null, 2, "0.05")).getAs("expected_first_year_profit"));
    assertEquals(d("0.08"), estimate(cell(0, null, 0, null, 2, "0.15")).getAs("expected_first_year_profit"));
    assertEquals(d("-0.02"), estimate(cell(0, null, 0, null, 2, "-0.05")).getAs("expected_first_year_profit"));
    assertEquals("GLOBAL", estimate(cell(0, null, 0, null, 2, "0.05")).getAs("cell_level"));
  }
}
