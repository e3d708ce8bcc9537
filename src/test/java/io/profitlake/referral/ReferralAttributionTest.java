package io.profitlake.referral;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.profitlake.config.CostModel.ReferralModel;
import io.profitlake.source.Sources;
import io.profitlake.source.ValidatedSources;
import io.profitlake.support.CsvFiles;
import io.profitlake.support.Fixtures;
import io.profitlake.support.SparkTestBase;
import io.profitlake.support.TestSettings;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Referral attribution and the referral forest, on hand-worked examples (methods.md). */
class ReferralAttributionTest extends SparkTestBase {
  private static final List<BigDecimal> SHARES = List.of(d("0.10"), d("0.05"), d("0.025"));

  private static BigDecimal d(String value) {
    return new BigDecimal(value);
  }

  /** (referrer, referred, date) triples as accepted referrals. */
  private static Dataset<Row> referrals(String... triples) {
    StructType schema = new StructType().add("referral_id", DataTypes.StringType)
        .add("referrer_customer_id", DataTypes.StringType).add("referred_customer_id", DataTypes.StringType)
        .add("referral_date", DataTypes.DateType);
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < triples.length; i += 3) {
      rows.add(RowFactory.create("R" + i, triples[i], triples[i + 1], Date.valueOf(triples[i + 2])));
    }
    return spark.createDataFrame(rows, schema);
  }

  private static Dataset<Row> netProfit(Object[]... rows) {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("period", DataTypes.StringType)
        .add("net_profit", DataTypes.createDecimalType(18, 2));
    return spark.createDataFrame(java.util.Arrays.stream(rows).map(RowFactory::create).toList(), schema);
  }

  private static Map<String, BigDecimal> credits(Dataset<Row> attribution) {
    Map<String, BigDecimal> result = new TreeMap<>();
    attribution.collectAsList().forEach(r -> result.put(r.getAs("beneficiary_customer_id") + "<-"
        + r.getAs("referred_customer_id") + "/" + r.getAs("period") + "/L" + r.getAs("level"), r.getAs("attributed_amount")));
    return result;
  }

  // A referred B, B referred C, C referred D (2024-01-15). D makes 100.00 in January, loses 40.00 in February.
  private static final String[] CHAIN = {"A", "B", "2023-06-01", "B", "C", "2023-09-01", "C", "D", "2024-01-15"};

  @Test
  void threeLevelChainAcrossTwoPeriodsWithALoss() {
    Dataset<Row> edges = referrals(CHAIN);
    Dataset<Row> ancestors = ReferralForest.ancestors(edges, 0);
    Dataset<Row> profit = netProfit(new Object[] {"D", "2024-01", d("100.00")}, new Object[] {"D", "2024-02", d("-40.00")});
    // January: C (level 1) 10% = 10.00, B 5% = 5.00, A 2.5% = 2.50.
    // February, losses not attributed: base 0, rows kept with 0.00.
    Map<String, BigDecimal> expected = new TreeMap<>(Map.of(
        "C<-D/2024-01/L1", d("10.00"), "B<-D/2024-01/L2", d("5.00"), "A<-D/2024-01/L3", d("2.50"),
        "C<-D/2024-02/L1", d("0.00"), "B<-D/2024-02/L2", d("0.00"), "A<-D/2024-02/L3", d("0.00")));
    assertEquals(expected, credits(ReferralAttribution.attribute(edges, ancestors, profit,
        new ReferralModel(SHARES, 12, false))));
    // With losses attributed, February passes -40.00 up: -4.00, -2.00, -1.00.
    expected.putAll(Map.of("C<-D/2024-02/L1", d("-4.00"), "B<-D/2024-02/L2", d("-2.00"), "A<-D/2024-02/L3", d("-1.00")));
    assertEquals(expected, credits(ReferralAttribution.attribute(edges, ancestors, profit,
        new ReferralModel(SHARES, 12, true))));
  }

  @Test
  void theWindowEndsWithItsLastMonth() {
    Dataset<Row> edges = referrals("A", "B", "2024-03-20");
    // A 12-month window from 2024-03 ends with 2025-02: 2024-02 is before it, 2025-03 after it.
    Dataset<Row> profit = netProfit(new Object[] {"B", "2024-02", d("10.00")}, new Object[] {"B", "2024-03", d("10.00")},
        new Object[] {"B", "2025-02", d("10.00")}, new Object[] {"B", "2025-03", d("10.00")},
        new Object[] {"B", "2024-06", d("0.00")});
    assertEquals(Map.of("A<-B/2024-03/L1", d("1.00"), "A<-B/2025-02/L1", d("1.00")),
        credits(ReferralAttribution.attribute(edges, ReferralForest.ancestors(edges, 0), profit,
            new ReferralModel(SHARES, 12, false))));
  }

  @Test
  void roundingIsHalfEven() {
    Dataset<Row> edges = referrals("A", "B", "2024-01-01", "A", "C", "2024-01-01");
    // 0.25 x 0.10 = 0.025 -> 0.02 (HALF_UP would give 0.03); 0.35 x 0.10 = 0.035 -> 0.04.
    Dataset<Row> profit = netProfit(new Object[] {"B", "2024-01", d("0.25")}, new Object[] {"C", "2024-01", d("0.35")});
    assertEquals(Map.of("A<-B/2024-01/L1", d("0.02"), "A<-C/2024-01/L1", d("0.04")),
        credits(ReferralAttribution.attribute(edges, ReferralForest.ancestors(edges, 0), profit,
            new ReferralModel(SHARES, 12, false))));
  }

  @Test
  void aLongChainCreditsOnlyMaxDepthLevelsAndCountsTheWholeTree() {
    // C1 referred C2, C2 referred C3, ... C49 referred C50: a chain 50 customers deep.
    Dataset<Row> edges = spark.range(1, 50).select(concat(lit("F"), col("id").cast("string")).as("referral_id"),
        concat(lit("C"), col("id").cast("string")).as("referrer_customer_id"),
        concat(lit("C"), col("id").plus(1).cast("string")).as("referred_customer_id"),
        lit(Date.valueOf("2024-01-01")).as("referral_date"));
    Dataset<Row> ancestors = ReferralForest.ancestors(edges, 0);
    assertEquals(49 * 50 / 2, ancestors.count());
    assertEquals(49, ancestors.where(col("customer_id").equalTo("C50")).count());
    Map<String, BigDecimal> credits = credits(ReferralAttribution.attribute(edges, ancestors,
        netProfit(new Object[] {"C50", "2024-01", d("200.00")}), new ReferralModel(SHARES, 12, false)));
    // Levels 1..3 only: C49 20.00, C48 10.00, C47 5.00; C46 and above nothing.
    assertEquals(Map.of("C49<-C50/2024-01/L1", d("20.00"), "C48<-C50/2024-01/L2", d("10.00"),
        "C47<-C50/2024-01/L3", d("5.00")), credits);
    Row top = ReferralAttribution.referredCounts(ancestors).where(col("customer_id").equalTo("C1")).first();
    assertEquals(1L, (long) top.getAs("referred_customers_direct"));
    assertEquals(49L, (long) top.getAs("referred_customers_total"));
  }

  @Test
  void aWideTree() {
    Dataset<Row> edges = spark.range(10_000).select(concat(lit("F"), col("id").cast("string")).as("referral_id"),
        lit("W").as("referrer_customer_id"), concat(lit("K"), col("id").cast("string")).as("referred_customer_id"),
        lit(Date.valueOf("2024-01-01")).as("referral_date"));
    Dataset<Row> ancestors = ReferralForest.ancestors(edges, 0);
    Dataset<Row> profit = spark.range(10_000).select(concat(lit("K"), col("id").cast("string")).as("customer_id"),
        lit("2024-01").as("period"), lit(d("1.00")).cast(DataTypes.createDecimalType(18, 2)).as("net_profit"));
    Dataset<Row> attribution = ReferralAttribution.attribute(edges, ancestors, profit, new ReferralModel(SHARES, 12, false));
    // 10,000 customers x round(1.00 x 0.10) = 10,000 x 0.10 = 1,000.00, and the identity with attributed_amount.
    Row value = ReferralAttribution.referralValue(attribution).first();
    assertEquals(d("1000.00"), value.getAs("referral_value"));
    assertEquals(value.<BigDecimal>getAs("referral_value"),
        attribution.selectExpr("sum(attributed_amount)").first().getDecimal(0));
    assertEquals(10_000L, (long) ReferralAttribution.referredCounts(ancestors).first().getAs("referred_customers_direct"));
  }

  @Test
  void cyclesAreBrokenAtTheirLatestReferral() throws Exception {
    Path in = workDir.resolve("cycles");
    Fixtures.minimal(in);
    String header = "customer_id,customer_name,contact_name,contact_email,industry,region,country,size_band,"
        + "acquisition_date,acquisition_channel,acquisition_cost,account_manager_id,churn_date";
    List<String> customers = new java.util.ArrayList<>(List.of(header));
    for (String id : List.of("C1", "A", "B", "C", "D", "E", "F", "G")) {
      customers.add(id + ",N,,,,,,,2023-01-01,REFERRAL,,,");
    }
    CsvFiles.write(in, "customers", customers.toArray(String[]::new));
    CsvFiles.write(in, "referrals", "referral_id,referrer_customer_id,referred_customer_id,referral_date,reward_amount",
        // A -> B -> C -> A: the latest, R3 (C refers A), closes the cycle; D hangs off C and stays.
        "R1,A,B,2024-01-01,", "R2,B,C,2024-02-01,", "R3,C,A,2024-03-01,", "R4,C,D,2024-04-01,",
        // E <-> F on the same day: the larger id, R9, closes it.
        "R8,E,F,2024-01-01,", "R9,F,E,2024-01-01,",
        // G refers itself, and B again later: a self-referral and a duplicate.
        "R5,G,G,2024-01-01,", "R6,G,B,2024-05-01,");
    ValidatedSources sources = Sources.load(spark, TestSettings.parse(TestSettings.sourcesIn(in, lakehouseDir)));
    Map<String, String> reasons = new TreeMap<>();
    sources.quarantine().where(col("source").equalTo("referrals"))
        .selectExpr("get_json_object(record, '$.referral_id')", "reason_code").collectAsList()
        .forEach(r -> reasons.put(r.getString(0), r.getString(1)));
    assertEquals(Map.of("R3", "REFERRAL_CYCLE", "R9", "REFERRAL_CYCLE", "R5", "SELF_REFERRAL", "R6", "DUPLICATE_REFERRAL"),
        reasons);
    assertEquals(List.of("R1", "R2", "R4", "R8"), sources.accepted("referrals").orderBy("referral_id")
        .select("referral_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals(8, sources.counts().get("referrals").read());
  }
}
