package io.profitlake.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.profitlake.config.ConfigurationError;
import io.profitlake.config.Settings;
import io.profitlake.support.CatalogTestBase;
import io.profitlake.support.CsvFiles;
import io.profitlake.support.TestSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The scenario oracle of methods.md (Kaplan & Anderson's example) through the whole run: one pool, cost 560,000
 * for 700,000 minutes of practical capacity; customer C1 places 9,800 orders (40 minutes each), C2 asks 280
 * inquiries (220 minutes), X has 500 invoices credit-checked (250 minutes): 578,600 minutes used. X's only
 * minutes are its credit checks. Every expected value is worked out in the comments.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScenarioRunTest extends CatalogTestBase {
  private static Path in;

  private static final String SCENARIOS = "scenarios = ["
      + "{ name = exit_x, description = \"X leaves\", exit { customers = [X] } }, "
      + "{ name = exit_x_cut, description = \"X leaves, capacity and cost cut\", exit { customers = [X] }, "
      + "pools { customer_service { capacity_minutes = 580000, cost_factor = 0.8285714286 } } }, "
      + "{ name = nothing, description = \"no levers\" }]";

  @BeforeAll
  static void kaplanAndAndersonInputs() throws IOException {
    in = workDir.resolve("in");
    // X: acquisition cost 1,200.00 over 12 months = 100.00 in 2024-01, the only processed period.
    CsvFiles.write(in, "customers",
        "customer_id,customer_name,contact_name,contact_email,industry,region,country,size_band,acquisition_date,"
            + "acquisition_channel,acquisition_cost,account_manager_id,churn_date",
        "C1,Orders Inc,Ann,ann@c1.example,RETAIL,NORTH,US,SMALL,2024-01-05,ORGANIC,0.00,R1,",
        "C2,Questions Ltd,Bob,bob@c2.example,RETAIL,NORTH,US,SMALL,2024-01-05,ORGANIC,0.00,R1,",
        "X,Credit Co,Cy,cy@x.example,RETAIL,NORTH,US,SMALL,2024-01-05,ORGANIC,1200.00,R1,");
    CsvFiles.write(in, "sales_reps", "rep_id,rep_name,team,commission_rate", "R1,Rita,A,0.05");
    CsvFiles.write(in, "fx_rates", "period,currency,rate_to_base", "2024-01,EUR,1.10000000");
    // C1: 9,800 orders of one line, 10.00 net and 6.00 cost each, no sales rep (no commission): net revenue
    // 98,000.00, gross margin 39,200.00.
    List<String> lines = new ArrayList<>(List.of("transaction_id,order_id,customer_id,transaction_ts,product_id,"
        + "quantity,unit_price,discount_amount,net_amount,cost_amount,currency,channel,sales_rep_id,transaction_type"));
    for (int i = 0; i < 9800; i++) {
      lines.add("T" + i + ",O" + i + ",C1,2024-01-15T10:00:00,P1,1,10.00,0,10.00,6.00,USD,WEB,,SALE");
    }
    CsvFiles.write(in, "transactions", lines.toArray(String[]::new));
    // X: 500 invoices, paid before they are due; one of them (1,000.00) written off in January: bad debt 1,000.00.
    List<String> invoices = new ArrayList<>(List.of("invoice_id,customer_id,issue_date,due_date,amount,currency,"
        + "paid_amount,paid_date,written_off_amount,written_off_date",
        "I0,X,2024-01-10,2024-03-01,1000.00,USD,0,,1000.00,2024-01-25"));
    for (int i = 1; i < 500; i++) {
      invoices.add("I" + i + ",X,2024-01-10,2024-03-01,10.00,USD,10.00,2024-01-20,0,");
    }
    CsvFiles.write(in, "invoices", invoices.toArray(String[]::new));
    List<String> tickets = new ArrayList<>(List.of(
        "ticket_id,customer_id,opened_ts,closed_ts,channel,category,priority,handle_minutes,escalated,reopen_count"));
    for (int i = 0; i < 280; i++) {
      tickets.add("K" + i + ",C2,2024-01-12T09:00:00,2024-01-12T10:00:00,EMAIL,QUESTION,LOW,10,false,0");
    }
    CsvFiles.write(in, "support_tickets", tickets.toArray(String[]::new));
    CsvFiles.write(in, "sales_activities", "activity_id,customer_id,rep_id,activity_ts,activity_type,duration_minutes");
    CsvFiles.write(in, "referrals", "referral_id,referrer_customer_id,referred_customer_id,referral_date,reward_amount");
    CsvFiles.write(in, "calls", "call_id,customer_id,call_ts,queue,wait_seconds,talk_seconds");
    CsvFiles.write(in, "cost_pools", "period,pool_id,amount,currency", "2024-01,customer_service,560000.00,USD");
    CsvFiles.write(in, "prospects", "prospect_id,industry,region,country,size_band,lead_source,created_date",
        "P1,RETAIL,NORTH,US,SMALL,ORGANIC,2024-01-01");
  }

  private static Settings settings(String mode, String scenarios) {
    return TestSettings.parseAlone(TestSettings.sourcesIn(in, lakehouseDir)
        + "profitlake.cost-model {\n"
        + "  pools { customer_service { capacity-minutes = 700000, mode = " + mode + " } }\n"
        + "  activities {\n"
        + "    process_order { pool = customer_service, driver = order, base-minutes = 40 }\n"
        + "    handle_inquiry { pool = customer_service, driver = ticket, base-minutes = 220 }\n"
        + "    credit_check { pool = customer_service, driver = invoice, base-minutes = 250 }\n"
        + "  }\n}\n"
        + "profitlake." + scenarios + "\n");
  }

  private static Dataset<Row> table(String name) {
    return spark.table("profitability." + name);
  }

  private static BigDecimal d(String value) {
    return new BigDecimal(value);
  }

  /** scenario -> the named columns of its only row in a table (one pool, one period). */
  private static Map<String, List<Object>> byScenario(String table, String... columns) {
    Map<String, List<Object>> rows = new TreeMap<>();
    for (Row row : table(table).collectAsList()) {
      List<Object> values = new ArrayList<>();
      for (String column : columns) {
        values.add(row.getAs(column));
      }
      rows.put(row.getAs("scenario"), values);
    }
    return rows;
  }

  /** scenario/customer -> exited, net_profit, baseline_net_profit, net_profit_change. */
  private static Map<String, List<Object>> customers() {
    Map<String, List<Object>> rows = new TreeMap<>();
    for (Row row : table("scenario_customer").collectAsList()) {
      rows.put(row.getAs("scenario") + "/" + row.getAs("customer_id"), List.of(row.getAs("exited"),
          row.getAs("net_profit"), row.getAs("baseline_net_profit"), row.getAs("net_profit_change")));
    }
    return rows;
  }

  @Test
  @Order(1)
  void exitingXLeavesItsAllocatedCostAsUnusedCapacity() {
    new ProfitLakeJob(spark, settings("time-driven", SCENARIOS)).run(RunOptions.allPeriods());
    // Baseline: rate 0.80; A = 578,600 x 0.80 = 462,880.00, unused 97,120.00.
    // Exit X: U = 578,600 - 125,000 = 453,600; A = 453,600 x 0.80 = 362,880.00; unused 197,120.00: X's
    // 100,000.00 stays. Exit X and cut: C = round(560,000 x 0.8285714286, 2) = 464,000.00 for 580,000 minutes,
    // rate 0.80, A = 362,880.00, unused 101,120.00. Allocated + unused = the pool's own cost in every scenario.
    assertEquals(Map.of(
        "baseline", List.of(d("578600.0000"), d("560000.00"), d("462880.00"), d("97120.00")),
        "exit_x", List.of(d("453600.0000"), d("560000.00"), d("362880.00"), d("197120.00")),
        "exit_x_cut", List.of(d("453600.0000"), d("464000.00"), d("362880.00"), d("101120.00")),
        "nothing", List.of(d("578600.0000"), d("560000.00"), d("462880.00"), d("97120.00"))),
        byScenario("scenario_pool_impact", "used_minutes", "pool_cost", "allocated", "unused_capacity"));
    assertEquals(0, d("0.8").compareTo(table("scenario_pool_impact").where(col("scenario").equalTo("exit_x_cut"))
        .first().getAs("rate")));
    assertEquals(d("580000.0000"), table("scenario_pool_impact").where(col("scenario").equalTo("exit_x_cut"))
        .first().getAs("capacity_minutes"));

    // Net profit: C1 39,200.00 - 313,600.00 = -274,400.00; C2 -49,280.00; X -100,000.00 - 100.00 (acquisition)
    // - 1,000.00 (bad debt) = -101,100.00. Company profit = -424,780.00 - 97,120.00 unused = -521,900.00.
    // Exit X: X's lines and invoices of the window go, its instalment stays (100.00, sunk): net profit
    // -274,400.00 - 49,280.00 - 100.00 = -323,780.00, unused 197,120.00: -520,900.00, a change of +1,000.00 (its
    // bad debt), not the +101,100.00 its P&L row suggests. With the cut: unused 101,120.00: -424,900.00, +97,000.00.
    assertEquals(Map.of(
        "baseline", List.of(3L, 0L, d("-521900.00"), d("0.00"), d("0.00"), d("0.00"), d("1000.00")),
        "exit_x", List.of(2L, 1L, d("-520900.00"), d("1000.00"), d("100.00"), d("100000.00"), d("0.00")),
        "exit_x_cut", List.of(2L, 1L, d("-424900.00"), d("97000.00"), d("100.00"), d("100000.00"), d("0.00")),
        "nothing", List.of(3L, 0L, d("-521900.00"), d("0.00"), d("0.00"), d("0.00"), d("1000.00"))),
        byScenario("scenario_summary", "customers_kept", "customers_exited", "company_profit",
            "change_in_company_profit", "sunk_acquisition_cost", "exited_allocated_cost", "bad_debt"));

    // The BI view puts each scenario beside the baseline: exit X leaves X's 100,000.00 as unused capacity.
    Row view = spark.sql("SELECT * FROM profitability.v_scenario_comparison WHERE scenario = 'exit_x'").first();
    assertEquals(d("-521900.00"), view.getAs("baseline_company_profit"));
    assertEquals(d("1000.00"), view.getAs("change_in_company_profit"));
    assertEquals(d("100000.00"), view.getAs("unused_capacity_change"));
    assertEquals(d("-100000.00"), view.getAs("cost_to_serve_change"));

    Map<String, List<Object>> customers = customers();
    assertEquals(List.of(true, d("0.00"), d("-101100.00"), d("101100.00")), customers.get("exit_x/X"));
    assertEquals(List.of(false, d("-274400.00"), d("-274400.00"), d("0.00")), customers.get("exit_x/C1"));
    assertEquals(List.of(false, d("-49280.00"), d("-49280.00"), d("0.00")), customers.get("exit_x_cut/C2"));
    assertEquals(12, customers.size());
  }

  @Test
  @Order(2)
  void aScenarioWithoutLeversEqualsTheBaselineInAllThreeTables() {
    for (String table : List.of("scenario_summary", "scenario_pool_impact", "scenario_customer")) {
      Dataset<Row> rows = table(table).drop("run_id", "description");
      Dataset<Row> baseline = rows.where(col("scenario").equalTo("baseline")).drop("scenario");
      Dataset<Row> nothing = rows.where(col("scenario").equalTo("nothing")).drop("scenario");
      assertEquals(baseline.count(), nothing.count(), table);
      assertEquals(0, baseline.exceptAll(nothing).count(), table);
    }
  }

  @Test
  @Order(3)
  void whatIfAgainstTheLakehouseGivesWhatTheRunWrote() {
    Map<String, Dataset<Row>> written = new TreeMap<>();
    for (String name : List.of("scenario_summary", "scenario_pool_impact", "scenario_customer")) {
      written.put(name, table(name).drop("run_id").localCheckpoint());
    }
    Settings settings = settings("time-driven", SCENARIOS);
    ProfitLakeJob.WhatIfResult result = new ProfitLakeJob(spark, settings).whatIf(settings.scenarios());
    assertEquals(List.of("baseline", "exit_x", "exit_x_cut", "nothing"),
        result.summary().stream().map(row -> row.<String>getAs("scenario")).toList());
    written.forEach((name, before) -> {
      Dataset<Row> after = table(name).drop("run_id");
      assertEquals(before.count(), after.count(), name);
      assertEquals(0, before.exceptAll(after).count(), name);
    });
    assertEquals(result.runId(), table("scenario_summary").first().getAs("run_id"));
  }

  @Test
  @Order(4)
  void fullAbsorptionShiftsTheExitedShareOntoTheOthers() {
    new ProfitLakeJob(spark, settings("full-absorption", "scenarios = [{ name = exit_x, description = \"X leaves\", "
        + "exit { customers = [X] } }]")).run(RunOptions.allPeriods());
    // Baseline (methods.md): 560,000 split by 392,000 / 61,600 / 125,000 minutes: C1 379,398.55, C2 59,619.77,
    // X 120,981.68. Exit X: 560,000 over 453,600 minutes: s = 483,950.617284 and 76,049.382716; floors 483,950.61
    // + 76,049.38 = 559,999.99, the cent to the larger remainder (C1): 483,950.62 and 76,049.38. The rate rises
    // from 560,000 / 578,600 to 560,000 / 453,600 = 1.2345679012 per minute; nothing is unused either way.
    Map<String, List<Object>> customers = customers();
    // C1: 39,200.00 - 483,950.62 = -444,750.62 against 39,200.00 - 379,398.55 = -340,198.55: -104,552.07.
    assertEquals(List.of(false, d("-444750.62"), d("-340198.55"), d("-104552.07")), customers.get("exit_x/C1"));
    // C2: -76,049.38 against -59,619.77: -16,429.61. The two carry X's 120,981.68 between them.
    assertEquals(List.of(false, d("-76049.38"), d("-59619.77"), d("-16429.61")), customers.get("exit_x/C2"));
    // X: -120,981.68 - 100.00 - 1,000.00 = -122,081.68 in the baseline.
    assertEquals(List.of(true, d("0.00"), d("-122081.68"), d("122081.68")), customers.get("exit_x/X"));
    Row pool = table("scenario_pool_impact").where(col("scenario").equalTo("exit_x")).first();
    assertEquals(d("560000.00"), pool.getAs("allocated"));
    assertEquals(d("0.00"), pool.getAs("unused_capacity"));
    assertEquals(d("1.2345679012"), pool.getAs("rate"));
    // Company profit moves by X's own contribution only: -104,552.07 - 16,429.61 + (122,081.68 - 100.00 left by
    // its instalment) = +1,000.00.
    assertEquals(d("1000.00"), table("scenario_summary").where(col("scenario").equalTo("exit_x")).first()
        .getAs("change_in_company_profit"));
  }

  @Test
  @Order(5)
  void anExitListNamingAnUnknownCustomerFailsRightAfterTheSources() {
    ConfigurationError error = assertThrows(ConfigurationError.class, () -> new ProfitLakeJob(spark,
        settings("time-driven", "scenarios = [{ name = exit_y, description = d, exit { customers = [X, Y, Z] } }]"))
        .run(RunOptions.allPeriods()));
    assertEquals("scenario exit_y: exit.customers names Y, Z, not an accepted customer of this run (source customers; "
        + "see the quarantine table if it was rejected): fix the id or remove it", error.getMessage());
  }
}
