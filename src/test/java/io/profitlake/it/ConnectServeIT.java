package io.profitlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `profitlake serve` on a finished run's lakehouse (the shared {@link SmallRun}): a Spark Connect JVM
 * client lists the database's tables and views and runs BI-style queries through the views; the
 * answers are checked against the Delta tables read directly by path, in a session of the test's own.
 */
class ConnectServeIT {
  @TempDir
  Path work;

  @Test
  void sqlClientsQueryTheLakehouseOverSparkConnect() throws Exception {
    SmallRun run = SmallRun.get();
    Path config = run.config;

    int port = Launch.freePort();
    Path log = work.resolve("serve.log");
    Process serve = new ProcessBuilder(Launch.profitlake("serve", "--config", config.toString(), "--port",
            String.valueOf(port)))
        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      awaitLine(serve, log, "serving database profitability of lakehouse");
      SparkSession client = org.apache.spark.sql.connect.SparkSession.builder()
          .remote("sc://127.0.0.1:" + port).getOrCreate();
      List<String> names = client.sql("SHOW TABLES IN profitability").collectAsList().stream()
          .map(r -> r.getString(r.fieldIndex("tableName"))).sorted().toList();
      assertTrue(names.containsAll(List.of("customer_profitability", "cost_to_serve", "whale_curve", "prospect_scores",
          "v_customer_league", "v_company_pnl", "v_cost_to_serve_by_activity")), names.toString());

      List<Row> top = client.sql("SELECT customer_id, t12m_net_profit FROM profitability.v_customer_league "
          + "ORDER BY t12m_rank LIMIT 10").collectAsList();
      Map<String, BigDecimal> byActivity = new TreeMap<>();
      client.sql("SELECT activity, sum(allocated_amount) AS allocated FROM profitability.v_cost_to_serve_by_activity "
          + "GROUP BY activity").collectAsList().forEach(r -> byActivity.put(r.getString(0), r.getDecimal(1)));
      Map<String, BigDecimal> companyProfit = new TreeMap<>();
      client.sql("SELECT period, net_profit FROM profitability.v_company_pnl").collectAsList()
          .forEach(r -> companyProfit.put(r.getString(0), r.getDecimal(1)));
      client.stop();

      SparkSession local = Reader.spark();
      Path tables = run.tables();
      // Temp views in the reader session the integration tests share: dropped when the checks end.
      try {
        local.read().format("delta").load(tables.resolve("customer_profitability").toString())
            .createOrReplaceTempView("pnl");
        local.read().format("delta").load(tables.resolve("cost_to_serve").toString())
            .createOrReplaceTempView("lineage");
        local.read().format("delta").load(tables.resolve("whale_curve_summary").toString())
            .createOrReplaceTempView("summary");
        // The league: the last period's customers by t12m net profit, ties by id.
        List<Row> expectedTop = local.sql("SELECT customer_id, t12m_net_profit FROM pnl "
            + "WHERE period = (SELECT max(period) FROM pnl) ORDER BY t12m_net_profit DESC, customer_id LIMIT 10")
            .collectAsList();
        assertEquals(expectedTop.toString(), top.toString());
        Map<String, BigDecimal> expectedByActivity = new TreeMap<>();
        local.sql("SELECT activity, sum(allocated_amount) FROM lineage GROUP BY activity").collectAsList()
            .forEach(r -> expectedByActivity.put(r.getString(0), r.getDecimal(1)));
        assertEquals(expectedByActivity, byActivity);
        // The company P&L view's net profit per period is the whale curve's total: two tables, one answer.
        Map<String, BigDecimal> totals = new TreeMap<>();
        local.sql("SELECT period, total_net_profit FROM summary").collectAsList()
            .forEach(r -> totals.put(r.getString(0), r.getDecimal(1)));
        assertEquals(totals, companyProfit);
        assertEquals(3, totals.size());
      } finally {
        List.of("pnl", "lineage", "summary").forEach(local.catalog()::dropTempView);
      }
    } finally {
      serve.destroy();
      if (!serve.waitFor(60, TimeUnit.SECONDS)) {
        serve.descendants().forEach(ProcessHandle::destroyForcibly);
        serve.destroyForcibly();
      }
    }
    // Stopped by a signal (as Ctrl-C or a service manager does): the server is gone and its port free again.
    assertTrue(!serve.isAlive());
    try (ServerSocket again = new ServerSocket(port)) {
      assertEquals(port, again.getLocalPort());
    }
  }

  private static void awaitLine(Process process, Path log, String line) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (output.contains(line)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("serve ended with " + process.exitValue() + ":\n" + output);
      }
      Thread.sleep(500);
    }
    throw new AssertionError("serve did not print '" + line + "' within 180 s:\n" + Files.readString(log));
  }
}
