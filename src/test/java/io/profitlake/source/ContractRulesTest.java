package io.profitlake.source;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.profitlake.config.Settings;
import io.profitlake.support.CsvFiles;
import io.profitlake.support.SparkTestBase;
import io.profitlake.support.TestSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every reason code of data-contracts.md on a hand-built input, with the precedence between rules.
 * Each bad row is named after what it breaks; the expected reason is worked out from the contract.
 */
class ContractRulesTest extends SparkTestBase {
  private static ValidatedSources sources;
  private static Map<String, SourceCount> counts;

  @BeforeAll
  static void loadFixture() throws Exception {
    Path in = workDir.resolve("in");
    CsvFiles.write(in, "customers",
        "customer_id,customer_name,contact_name,contact_email,industry,region,country,size_band,acquisition_date,"
            + "acquisition_channel,acquisition_cost,account_manager_id,churn_date",
        "C1,Acme,Ann Archer,ann@acme.example,RETAIL,NORTH,US,SMALL,2024-01-05,ORGANIC,100.00,R1,",
        "C2,Beta,Bob,bob@beta.example,RETAIL,NORTH,US,LARGE,2024-01-10,REFERRAL,,,",
        "C3,Gamma,Cy Secret,cy@gamma.example,SOFTWARE,WEST,US,HUGE,2024-01-10,ORGANIC,,,",
        "C4,Delta,Di,di@d.example,SOFTWARE,WEST,US,SMALL,2024-02-10,ORGANIC,,,2024-01-01",
        "C1,Acme again,Ann,ann@acme.example,RETAIL,NORTH,US,SMALL,2024-01-05,ORGANIC,100.00,R1,",
        "C5,Eps,E,e@e.example,RETAIL,NORTH,US,SMALL,,ORGANIC,,,",
        "C6,Zeta,Z,z@z.example,RETAIL,NORTH,US,SMALL,2024-01-05,ORGANIC,-1.00,,",
        "C7,Eta,H,h@h.example,RETAIL,NORTH,US,SMALL,2024/01/05,ORGANIC,,,",
        "C8,Theta,T,t@t.example,RETAIL,NORTH,US,SMALL,2024-01-05,ORGANIC,1.005,,",
        "C9,Iota,too few fields",
        "C10,Kappa,K,k@k.example,RETAIL,NORTH,US, SMALL ,2024-01-05,ORGANIC,,,",
        "C11,Lambda,L,l@l.example,RETAIL,NORTH,US,,2024-01-05,SOMETHING_NEW,,R404,");
    CsvFiles.write(in, "sales_reps",
        "rep_id,rep_name,team,commission_rate",
        "R1,Rita,A,0.05",
        "R2,Ray,A,1.5",
        "R3,Ron,A,");
    CsvFiles.write(in, "fx_rates",
        "period,currency,rate_to_base",
        "2024-01,EUR,1.10000000",
        "2024-13,EUR,1.1",
        "2024-02,EUR,0",
        "2024-01,EUR,1.2");
    // Header in another order than the contract, plus an extra column: matched by name.
    String tx = "transaction_id,customer_id,order_id,transaction_ts,quantity,unit_price,discount_amount,net_amount,"
        + "cost_amount,currency,channel,sales_rep_id,transaction_type,product_id,note";
    CsvFiles.write(in, "transactions", tx,
        "T1,C1,O1,2024-01-15T10:00:00,2,50.00,0,100.00,60.00,USD,WEB,R1,SALE,P1,x",
        "T2,C1,O1,2024-01-15 10:00,1,50,,50.00,30.00,EUR,WEB,,SALE,P1,",
        "T3,C3,O2,2024-01-15T10:00:00Z,1,50,,50.00,30.00,USD,WEB,,SALE,P1,",
        "T4,C1,O3,2024-01-16T10:00:00+02:00,1,50,,50.00,30.00,USD,WEB,R2,SALE,P1,",
        "T5,C1,O3,2024-02-16T10:00:00,1,50,,50.00,30.00,EUR,WEB,,SALE,P1,",
        "T6,C1,O3,2024-01-16T10:00:00,1,50,,\"1,209.33\",30.00,USD,WEB,,SALE,P1,",
        "T7,C1,O3,2024-01-16T10:00:00,1,50,,50.00,30.00,USD,WEB,,REFUND,P1,",
        "T8,C1,O3,2024-01-16T10:00:00,0,50,,50.00,30.00,USD,WEB,,SALE,P1,",
        "T9,C1,O3,2024-01-16T10:00:00,1,50,,50.00,30.00,USD,WEB,,,P1,",
        "T10,C1,O3,2024-01-32T10:00:00,1,50,,50.00,30.00,USD,WEB,,SALE,P1,",
        "T1,C1,O1,2024-01-15T10:00:00,2,50.00,0,100.00,60.00,USD,WEB,R1,SALE,P1,dup",
        "T11,C1,O3,2024-01-16T10:00:00,1,50,,50.00,30.00,,WEB,,SALE,P1,",
        "T12,C1,O3,2024-01-16T10:00:00,1,50,,50.00,30.00,USD,WEB,,RETURN,\"P \"\"1\"\", boxed\",",
        "T13,C1,O3,2024-01-16T10:00:00,1e3,50,,50.00,30.00,USD,WEB,,SALE,P1,",
        "T14,C1,O3,2024-01-16T10:00:00,1,50,,50.00,30.00,USD,WEB,,SALE,P1,,too,many",
        "T15,C1,O3,yesterday,1,50,,abc,30.00,USD,WEB,,SALE,P1,",
        "T16,C3,O3,2024-01-16T10:00:00,1,50,,50.00,30.00,USD,WEB,,SOLD,P1,",
        "T17,C1,O3,2024-01-16T10:00:00,1,50,,5x,30.00,USD,WEB,,SALE,P1,",
        "T17,C1,O3,2024-01-16T10:00:00,1,50,,50.00,30.00,USD,WEB,,SALE,P1,",
        "T18,C1,O3,2024-01-16T10:00:00,1,50,, 12.50 ,7.00,USD, MARKET ,,SALE,,");
    CsvFiles.write(in, "invoices",
        "invoice_id,customer_id,issue_date,due_date,amount,currency,paid_amount,paid_date,written_off_amount,written_off_date",
        "I1,C1,2024-01-31,2024-03-01,100.00,USD,100.00,2024-03-05,0,",
        "I2,C1,2024-01-31,2024-01-01,100.00,USD,0,,0,",
        "I3,C1,2024-01-31,2024-03-01,100.00,USD,60.00,2024-03-05,50.00,2024-05-01",
        "I4,C1,2024-01-31,2024-03-01,100.00,USD,50.00,,0,",
        "I5,C1,2024-01-31,2024-03-01,0,USD,0,,0,",
        "I6,C9,2024-01-31,2024-03-01,100.00,USD,0,,0,",
        "I7,C1,2024-01-31,2024-03-01,100.00,USD,0,,10.00,",
        "I8,C1,2024-01-31,2024-03-01,100.00,GBP,0,,0,");
    CsvFiles.write(in, "sales_activities",
        "activity_id,customer_id,rep_id,activity_ts,activity_type,duration_minutes",
        "A1,C1,R1,2024-01-10T09:00:00,VISIT,60",
        "A2,C1,R1,2024-01-10T09:00:00,LUNCH,60",
        "A3,C1,,2024-01-10T09:00:00,call,60",
        "A4,C1,R9,2024-01-10T09:00:00,VISIT,60",
        "A5,C1,R1,2024-01-10T09:00:00,VISIT,-5");
    CsvFiles.write(in, "referrals",
        "referral_id,referrer_customer_id,referred_customer_id,referral_date,reward_amount",
        "F1,C1,C2,2024-01-10,50.00",
        "F2,C2,C2,2024-01-10,50.00",
        "F3,C1,C2,2024-02-10,50.00",
        "F4,C1,C3,2024-01-10,50.00",
        "F6,C1,C11,2024-03-01,",
        "F5,C10,C11,2024-03-01,10.00");
    CsvFiles.write(in, "support_tickets",
        "ticket_id,customer_id,opened_ts,closed_ts,channel,category,priority,handle_minutes,escalated,reopen_count",
        "K1,C1,2024-01-10T09:00:00,2024-01-10T10:00:00,EMAIL,QUESTION,LOW,12.5,true,0",
        "K2,C1,2024-01-10T09:00:00,2024-01-09T10:00:00,EMAIL,QUESTION,LOW,12.5,false,0",
        "K3,C1,2024-01-10T09:00:00,,EMAIL,QUESTION,CRITICAL,12.5,0,0",
        "K4,C1,2024-01-10T09:00:00,,EMAIL,QUESTION,LOW,12.5,yes,0",
        "K5,C1,2024-01-10T09:00:00,,EMAIL,QUESTION,LOW,12.5,1,-1",
        "K6,C1,2024-01-10T09:00:00,,,,,,,");
    CsvFiles.write(in, "calls",
        "call_id,customer_id,call_ts,queue,wait_seconds,talk_seconds",
        "L1,C1,2024-01-10T09:00:00,ANYTHING,30,300",
        "L2,C1,2024-01-10T09:00:00,Q,30,12.5",
        "L3,,2024-01-10T09:00:00,Q,30,300");
    CsvFiles.write(in, "cost_pools",
        "period,pool_id,amount,currency",
        "2024-01,support,1000.00,USD",
        "2024-01,marketing,10.00,USD",
        "2024-01,support,5.00,USD",
        "2024-01,call_centre,100.00,GBP",
        "2024-01,fulfilment,,USD");
    CsvFiles.write(in, "prospects",
        "prospect_id,industry,region,country,size_band,lead_source,created_date",
        "P1,RETAIL,NORTH,US,SMALL,ORGANIC,2024-01-01",
        "P2,RETAIL,NORTH,US,small,ORGANIC,2024-01-01",
        "P1,RETAIL,NORTH,US,SMALL,ORGANIC,2024-01-01");
    Settings settings = TestSettings.parse(TestSettings.sourcesIn(in, lakehouseDir) + "profitlake.pepper = pepper1\n");
    sources = Sources.load(spark, settings);
    counts = sources.counts();
  }

  /** id -> reason of every quarantined row of a source; the id is the record's first key column. */
  private static Map<String, String> reasons(String source, String idColumn) {
    Map<String, String> result = new TreeMap<>();
    List<Row> rows = sources.quarantine().where(col("source").equalTo(source))
        .selectExpr("get_json_object(record, '$." + idColumn + "') as id", "reason_code", "record").collectAsList();
    for (Row row : rows) {
      String id = row.isNullAt(0) ? row.getString(2) : row.getString(0);
      String previous = result.put(id, row.getString(1));
      if (previous != null) {
        result.put(id + "#2", row.getString(1));
        result.put(id, previous);
      }
    }
    return result;
  }

  private static List<String> accepted(String source, String idColumn) {
    return sources.accepted(source).orderBy(idColumn).select(idColumn).as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();
  }

  @Test
  void customers() {
    Map<String, String> expected = new TreeMap<>(Map.of(
        "C3", "BAD_ENUM", "C4", "INCONSISTENT_DATES", "C1", "DUPLICATE_KEY", "C5", "MISSING_FIELD",
        "C6", "NEGATIVE_AMOUNT", "C7", "BAD_TIMESTAMP", "C8", "BAD_NUMBER"));
    Map<String, String> actual = reasons("customers", "customer_id");
    // The malformed line is withheld (it may hold PII), so it has no id to key on.
    String malformed = actual.keySet().stream().filter(k -> k.startsWith("{")).findFirst().orElseThrow();
    assertEquals("MALFORMED_ROW", actual.remove(malformed));
    assertEquals(expected, actual);
    // Enum values are trimmed; open lists (acquisition_channel) keep any value; account_manager_id is not checked.
    assertEquals(List.of("C1", "C10", "C11", "C2"), accepted("customers", "customer_id"));
  }

  @Test
  void quarantinedCustomersCarryNoContactNameAndOnlyTheKeyedEmailHash() {
    List<Row> rows = sources.quarantine().where(col("source").equalTo("customers")).select("record").collectAsList();
    String all = rows.toString();
    assertFalse(all.contains("Cy Secret"), all);
    assertFalse(all.contains("cy@gamma.example"), all);
    assertFalse(all.contains("contact_name"), all);
    // sha2("cy@gamma.example" || "pepper1", 256), computed independently with sha256sum.
    // printf 'cy@gamma.examplepepper1' | sha256sum
    assertTrue(all.contains("\"contact_email_hash\":\"72b800073496633f89881470b5f82215d39bb9f3f164f0d2683b007589a6e849\""), all);
  }

  @Test
  void salesRepsAndFxRates() {
    assertEquals(Map.of("R2", "OUT_OF_RANGE", "R3", "MISSING_FIELD"), reasons("sales_reps", "rep_id"));
    Map<String, String> fx = new TreeMap<>();
    sources.quarantine().where(col("source").equalTo("fx_rates"))
        .selectExpr("get_json_object(record, '$.period')", "get_json_object(record, '$.rate_to_base')", "reason_code")
        .collectAsList().forEach(r -> fx.put(r.getString(0) + "/" + r.getString(1), r.getString(2)));
    assertEquals(Map.of("2024-13/1.1", "BAD_TIMESTAMP", "2024-02/0", "NEGATIVE_AMOUNT", "2024-01/1.2", "DUPLICATE_KEY"), fx);
  }

  @Test
  void transactionsInPrecedenceOrder() {
    Map<String, String> expected = new TreeMap<>();
    expected.put("T3", "UNKNOWN_CUSTOMER");        // C3 was quarantined (BAD_ENUM), so it is unknown here
    expected.put("T4", "UNKNOWN_SALES_REP");       // R2 was quarantined (OUT_OF_RANGE)
    expected.put("T5", "MISSING_FX_RATE");         // the 2024-02 EUR rate was quarantined
    expected.put("T6", "BAD_NUMBER");              // "1,209.33": no thousands separators
    expected.put("T7", "BAD_ENUM");
    expected.put("T8", "NEGATIVE_AMOUNT");         // quantity must be > 0
    expected.put("T9", "MISSING_FIELD");           // transaction_type is required
    expected.put("T10", "BAD_TIMESTAMP");          // there is no 32nd of January
    expected.put("T1", "DUPLICATE_KEY");           // the second T1; the first is kept
    expected.put("T11", "MISSING_FIELD");          // currency is required
    expected.put("T13", "BAD_NUMBER");             // no exponents
    expected.put("T15", "BAD_TIMESTAMP");          // transaction_ts comes before net_amount
    expected.put("T16", "BAD_ENUM");               // step 1 (enum) before step 3 (unknown customer)
    expected.put("T17", "BAD_NUMBER");             // the first T17 is bad, so the second is not a duplicate
    Map<String, String> actual = reasons("transactions", "transaction_id");
    String malformed = actual.keySet().stream().filter(k -> k.startsWith("T14")).findFirst().orElseThrow();
    assertEquals("MALFORMED_ROW", actual.remove(malformed));
    assertEquals(expected, actual);
    assertEquals(List.of("T1", "T12", "T17", "T18", "T2"), accepted("transactions", "transaction_id"));
  }

  @Test
  void acceptedValuesAreParsedExactly() {
    Row t12 = sources.accepted("transactions").where(col("transaction_id").equalTo("T12")).first();
    assertEquals("P \"1\", boxed", t12.getAs("product_id"));
    Row t18 = sources.accepted("transactions").where(col("transaction_id").equalTo("T18")).first();
    assertEquals(new java.math.BigDecimal("12.50"), t18.getAs("net_amount"));
    assertEquals("MARKET", t18.getAs("channel"));
    assertTrue(t18.isNullAt(t18.fieldIndex("product_id")));
    // 10:00 at +02:00 is 08:00 UTC, the business time zone of the test.
    Row t4 = sources.quarantine().where(col("reason_code").equalTo("UNKNOWN_SALES_REP")).first();
    assertTrue(t4.getAs("record").toString().contains("2024-01-16T10:00:00+02:00"));
  }

  @Test
  void invoices() {
    assertEquals(Map.of("I2", "INCONSISTENT_DATES", "I3", "INCONSISTENT_AMOUNTS", "I4", "MISSING_FIELD",
        "I5", "NEGATIVE_AMOUNT", "I6", "UNKNOWN_CUSTOMER", "I7", "MISSING_FIELD", "I8", "MISSING_FX_RATE"),
        reasons("invoices", "invoice_id"));
  }

  @Test
  void activitiesReferralsTicketsCalls() {
    assertEquals(Map.of("A2", "BAD_ENUM", "A3", "BAD_ENUM", "A4", "UNKNOWN_SALES_REP", "A5", "NEGATIVE_AMOUNT"),
        reasons("sales_activities", "activity_id"));
    // F3 is later than F1 for C2; F5 and F6 tie on the date and F5 sorts first.
    assertEquals(Map.of("F2", "SELF_REFERRAL", "F3", "DUPLICATE_REFERRAL", "F4", "UNKNOWN_CUSTOMER",
        "F6", "DUPLICATE_REFERRAL"), reasons("referrals", "referral_id"));
    assertEquals(Map.of("K2", "INCONSISTENT_DATES", "K3", "BAD_ENUM", "K4", "BAD_NUMBER", "K5", "NEGATIVE_AMOUNT"),
        reasons("support_tickets", "ticket_id"));
    assertEquals(List.of("K1", "K6"), accepted("support_tickets", "ticket_id"));
    assertEquals(Map.of("L2", "BAD_NUMBER", "L3", "MISSING_FIELD"), reasons("calls", "call_id"));
  }

  @Test
  void costPoolsAndProspects() {
    Map<String, String> pools = new TreeMap<>();
    sources.quarantine().where(col("source").equalTo("cost_pools"))
        .selectExpr("get_json_object(record, '$.pool_id')", "get_json_object(record, '$.amount')", "reason_code")
        .collectAsList().forEach(r -> pools.put(r.getString(0) + "/" + r.getString(1), r.getString(2)));
    assertEquals(Map.of("marketing/10.00", "UNKNOWN_POOL", "support/5.00", "DUPLICATE_KEY",
        "call_centre/100.00", "MISSING_FX_RATE", "fulfilment/null", "MISSING_FIELD"), pools);
    assertEquals(Map.of("P2", "BAD_ENUM", "P1", "DUPLICATE_KEY"), reasons("prospects", "prospect_id"));
  }

  @Test
  void everyRowReadIsAcceptedOrQuarantined() {
    // Data lines written above, per source.
    Map<String, Long> written = Map.ofEntries(Map.entry("customers", 12L), Map.entry("sales_reps", 3L),
        Map.entry("fx_rates", 4L), Map.entry("transactions", 20L), Map.entry("invoices", 8L),
        Map.entry("sales_activities", 5L), Map.entry("referrals", 6L), Map.entry("support_tickets", 6L),
        Map.entry("calls", 3L), Map.entry("cost_pools", 5L), Map.entry("prospects", 3L));
    for (Map.Entry<String, Long> entry : written.entrySet()) {
      SourceCount count = counts.get(entry.getKey());
      assertEquals(entry.getValue(), count.read(), entry.getKey());
      assertEquals(count.read(), count.accepted() + count.quarantined(), entry.getKey());
      assertEquals(sources.accepted(entry.getKey()).count(), count.accepted(), entry.getKey());
      assertEquals(count.quarantined(), count.byReason().values().stream().mapToLong(Long::longValue).sum());
    }
    assertEquals(5, counts.get("transactions").accepted());
    assertEquals(Map.of("BAD_ENUM", 2L, "BAD_NUMBER", 3L, "BAD_TIMESTAMP", 2L, "DUPLICATE_KEY", 1L,
        "MALFORMED_ROW", 1L, "MISSING_FIELD", 2L, "MISSING_FX_RATE", 1L, "NEGATIVE_AMOUNT", 1L,
        "UNKNOWN_CUSTOMER", 1L, "UNKNOWN_SALES_REP", 1L), counts.get("transactions").byReason());
  }

  @Test
  void aReferenceToAWholeUniqueKeyIsJoinedWithoutADistinctStep() {
    // customers is keyed on customer_id alone and rep_id is the key of sales_reps: step 2 left one accepted
    // row per value (C1 above is in customers twice, and T1, T2, T12, T17 referencing it are each read once).
    assertTrue(SourceValidator.referencesUniqueKey(
        new SourceContract.Reference(ReasonCode.UNKNOWN_CUSTOMER, "customer_id", "customers", "customer_id")));
    assertTrue(SourceValidator.referencesUniqueKey(
        new SourceContract.Reference(ReasonCode.UNKNOWN_SALES_REP, "rep_id", "sales_reps", "rep_id")));
    assertTrue(SourceValidator.referencesUniqueKey(
        new SourceContract.Reference(ReasonCode.UNKNOWN_POOL, "pool_id", SourceContract.COST_MODEL_POOLS, "pool_id")));
    // region repeats across customers, and fx_rates is keyed on (period, currency): these keep the distinct.
    assertFalse(SourceValidator.referencesUniqueKey(
        new SourceContract.Reference(ReasonCode.UNKNOWN_CUSTOMER, "region", "customers", "region")));
    assertFalse(SourceValidator.referencesUniqueKey(
        new SourceContract.Reference(ReasonCode.MISSING_FX_RATE, "period", "fx_rates", "period")));
  }
}
