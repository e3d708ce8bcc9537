package io.profitlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Checks a management report against the lakehouse it was drawn from. Every expected figure is worked out
 * here from the tables' rows with plain Java (sorting, running sums, ntile, medians, joins by hand), not with
 * the job's code and mostly not from the table the report itself reads: the whale peak from the customers' net
 * profit rather than whale_curve_summary, the activity costs from customer_profitability rather than
 * cost_to_serve, the referral values from referral_attribution, the migrations from two periods' statuses.
 */
final class ReportChecks {
  private final SparkSession spark;
  private final Path tables;
  private final Document page;
  private final String period;
  private final List<Row> pnl;

  ReportChecks(SparkSession spark, Path tables, Path report, String period) throws IOException {
    this.spark = spark;
    this.tables = tables;
    this.page = Jsoup.parse(report.toFile(), "UTF-8");
    this.period = period;
    this.pnl = table("customer_profitability").where("period = '" + period + "'").collectAsList();
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(tables.resolve(name).toString());
  }

  /** Every chart is a PNG that decodes; every figure has a caption and its numbers; nothing links outside. */
  void everyFigureDecodesAndIsExplained(List<String> expectedFigures) throws IOException {
    List<String> ids = page.select("figure").eachAttr("id");
    assertEquals(expectedFigures, ids);
    for (Element figure : page.select("figure")) {
      Element image = figure.selectFirst("img");
      assertNotNull(image, figure.id() + " has no chart");
      String src = image.attr("src");
      assertTrue(src.startsWith("data:image/png;base64,"), figure.id() + ": the image is not embedded");
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(
          Base64.getDecoder().decode(src.substring("data:image/png;base64,".length()))));
      assertNotNull(decoded, figure.id() + ": the PNG does not decode");
      assertEquals(900, decoded.getWidth(), figure.id());
      assertTrue(figure.selectFirst("figcaption").text().length() > 80, figure.id() + ": no real caption");
      assertFalse(figure.select("table tbody tr").isEmpty(), figure.id() + ": no numbers");
    }
    assertTrue(page.select("script, link, iframe, object").isEmpty(), "the report must need nothing else");
    assertTrue(page.select("[src]").stream().allMatch(e -> e.attr("src").startsWith("data:")), "external source");
  }

  /** The whale curve's peak: the shortest prefix of customers by net profit that reaches the highest sum. */
  void whalePeakIsTheCustomersOwn() {
    List<Row> ranked = new ArrayList<>(pnl);
    ranked.sort(Comparator.comparing((Row r) -> r.<BigDecimal>getAs("net_profit")).reversed()
        .thenComparing(r -> r.<String>getAs("customer_id")));
    BigDecimal running = BigDecimal.ZERO;
    BigDecimal peak = null;
    int peakCustomers = 0;
    long losing = 0;
    BigDecimal destroyed = BigDecimal.ZERO;
    for (int i = 0; i < ranked.size(); i++) {
      BigDecimal profit = ranked.get(i).getAs("net_profit");
      running = running.add(profit);
      if (peak == null || running.compareTo(peak) > 0) {
        peak = running;
        peakCustomers = i + 1;
      }
      if (profit.signum() < 0) {
        losing++;
        destroyed = destroyed.subtract(profit);
      }
    }
    BigDecimal total = running;
    Map<String, String> row = rows("whale-curve").get(0);
    assertEquals(String.valueOf(ranked.size()), row.get("customers"));
    assertAmount(total, row.get("total_net_profit"));
    assertEquals(String.valueOf(peakCustomers), row.get("peak_customers"));
    assertAmount(peak, row.get("peak_cumulative_profit"));
    assertAmount(peak.divide(total, 6, RoundingMode.HALF_EVEN), row.get("peak_profit_share"));
    assertEquals(String.valueOf(losing), row.get("unprofitable_customers"));
    assertAmount(destroyed, row.get("profit_destroyed"));
    assertTrue(page.getElementById("whale-curve").selectFirst("figcaption").text()
        .contains(String.format(java.util.Locale.ROOT, "%,d of %,d", peakCustomers, ranked.size())));
  }

  /** Net profit per tenth of the customers ranked by net profit (ntile: the first tenths take the extra ones). */
  void decilesAreTenthsOfTheRanking() {
    List<Row> ranked = new ArrayList<>(pnl);
    ranked.sort(Comparator.comparing((Row r) -> r.<BigDecimal>getAs("net_profit")).reversed()
        .thenComparing(r -> r.<String>getAs("customer_id")));
    int n = ranked.size();
    List<Map<String, String>> rows = rows("profit-by-decile");
    assertEquals(10, rows.size());
    int start = 0;
    for (int decile = 1; decile <= 10; decile++) {
      int size = n / 10 + (decile <= n % 10 ? 1 : 0);
      BigDecimal sum = ranked.subList(start, start + size).stream().map(r -> r.<BigDecimal>getAs("net_profit"))
          .reduce(BigDecimal.ZERO, BigDecimal::add);
      start += size;
      Map<String, String> row = rows.get(decile - 1);
      assertEquals(String.valueOf(decile), row.get("decile"));
      assertEquals(String.valueOf(size), row.get("customers"));
      assertAmount(sum, row.get("net_profit"));
    }
  }

  /** Each activity's cost equals its cts_ column summed over the customers; each pool's cost is fully split. */
  void costToServeAddsUp() {
    Map<String, BigDecimal> byActivity = new TreeMap<>();
    for (String column : pnl.get(0).schema().fieldNames()) {
      if (column.startsWith("cts_")) {
        BigDecimal sum = pnl.stream().map(r -> r.<BigDecimal>getAs(column)).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (sum.signum() != 0) {
          byActivity.put(column.substring(4), sum);
        }
      }
    }
    Map<String, BigDecimal> reported = new TreeMap<>();
    rows("cost-by-activity").forEach(r -> reported.put(r.get("activity"), new BigDecimal(r.get("allocated"))));
    assertEquals(byActivity.keySet(), reported.keySet());
    byActivity.forEach((activity, sum) -> assertAmount(sum, reported.get(activity).toPlainString()));

    Map<String, BigDecimal> allocatedByPool = table("cost_to_serve").where("period = '" + period + "'")
        .groupBy("pool_id").sum("allocated_amount").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getDecimal(1)));
    List<Map<String, String>> pools = rows("unused-capacity");
    assertFalse(pools.isEmpty());
    for (Map<String, String> pool : pools) {
      BigDecimal allocated = new BigDecimal(pool.get("allocated"));
      assertAmount(allocatedByPool.getOrDefault(pool.get("pool_id"), BigDecimal.ZERO), pool.get("allocated"));
      assertAmount(allocated.add(new BigDecimal(pool.get("unused_capacity"))), pool.get("pool_cost"));
    }
  }

  /** Segment counts, and the dividing lines at the exact medians of the two ratios. */
  void segmentsAndTheirMedians() {
    Map<String, String> counts = new HashMap<>();
    for (Map<String, String> row : rows("segments")) {
      counts.put(row.get("segment"), row.get("customers"));
    }
    Map<String, Long> expected = pnl.stream().collect(Collectors.groupingBy(r -> r.<String>getAs("segment"),
        Collectors.counting()));
    expected.forEach((segment, count) -> assertEquals(String.valueOf(count), counts.get(segment), segment));
    assertMedian("t12m_gross_margin_ratio", counts.get("median gross margin ratio"));
    assertMedian("t12m_cost_to_serve_ratio", counts.get("median cost-to-serve ratio"));
  }

  private void assertMedian(String ratio, String reported) {
    List<BigDecimal> values = pnl.stream().map(r -> r.<BigDecimal>getAs(ratio)).filter(v -> v != null).sorted()
        .toList();
    int n = values.size();
    BigDecimal median = n % 2 == 1 ? values.get(n / 2)
        : values.get(n / 2 - 1).add(values.get(n / 2)).divide(BigDecimal.valueOf(2));
    assertEquals(0, median.compareTo(new BigDecimal(reported)), ratio + ": " + median + " vs " + reported);
  }

  /** Status changes: customers with a row in the period before and this one whose status differs. */
  void migrationsAreStatusChanges() {
    String previous = YearMonth.parse(period).minusMonths(1).toString();
    Map<String, String> before = table("customer_profitability").where("period = '" + previous + "'")
        .select("customer_id", "status").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    Map<String, Long> expected = new TreeMap<>();
    for (Row row : pnl) {
      String was = before.get(row.<String>getAs("customer_id"));
      String now = row.getAs("status");
      if (was != null && !was.equals(now)) {
        expected.merge(was + " -> " + now, 1L, Long::sum);
      }
    }
    Map<String, Long> reported = new TreeMap<>();
    rows("migrations").forEach(r -> reported.put(r.get("from_status") + " -> " + r.get("to_status"),
        Long.parseLong(r.get("customers"))));
    assertFalse(expected.isEmpty(), "the sample has status changes in " + period);
    assertEquals(expected, reported);
  }

  /** Customers per recommended action, and the ten best and worst by trailing-12-month net profit. */
  void actionsAndTheBestAndWorstCustomers() {
    Map<String, Long> expected = new TreeMap<>(pnl.stream().collect(Collectors.groupingBy(
        r -> r.<String>getAs("recommended_action"), Collectors.counting())));
    Map<String, Long> reported = new TreeMap<>();
    rows("actions").forEach(r -> reported.put(r.get("recommended_action"), Long.parseLong(r.get("customers"))));
    assertEquals(expected, reported);

    Comparator<Row> best = Comparator.comparing((Row r) -> r.<BigDecimal>getAs("t12m_net_profit")).reversed()
        .thenComparing(r -> r.<String>getAs("customer_id"));
    List<String> ranked = pnl.stream().sorted(best).map(r -> r.<String>getAs("customer_id")).toList();
    assertEquals(ranked.subList(0, 10), column(page.getElementById("best-customers"), "customer_id"));
    List<String> worst = new ArrayList<>(ranked.subList(ranked.size() - 10, ranked.size()));
    java.util.Collections.reverse(worst);
    assertEquals(worst, column(page.getElementById("worst-customers"), "customer_id"));
  }

  /** The referrers listed: their 12 months' credit summed from referral_attribution, largest first. */
  void referralValueFromTheAttributions() {
    YearMonth last = YearMonth.parse(period);
    String first = last.minusMonths(11).toString();
    Map<String, BigDecimal> credited = table("referral_attribution")
        .where("period BETWEEN '" + first + "' AND '" + period + "'")
        .groupBy("beneficiary_customer_id").sum("attributed_amount").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getDecimal(1)));
    // Only customers with a row in the period are listed (a referrer's credit shows on its own P&L row).
    java.util.Set<String> present = pnl.stream().map(r -> r.<String>getAs("customer_id")).collect(Collectors.toSet());
    List<String> expected = credited.entrySet().stream().filter(e -> e.getValue().signum() > 0)
        .filter(e -> present.contains(e.getKey()))
        .sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(10).map(Map.Entry::getKey).toList();
    List<Map<String, String>> rows = rows("referral-value");
    assertEquals(expected, rows.stream().map(r -> r.get("customer_id")).toList());
    rows.forEach(r -> assertAmount(credited.get(r.get("customer_id")), r.get("t12m_referral_value")));
  }

  /** Prospects per recommendation, straight from prospect_scores. */
  void prospectsByRecommendation() {
    Map<String, Long> expected = new TreeMap<>(table("prospect_scores").groupBy("recommendation").count()
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1))));
    Map<String, Long> reported = new TreeMap<>();
    rows("prospects").stream().filter(r -> !r.get("recommendation").startsWith("PURSUE "))
        .forEach(r -> reported.put(r.get("recommendation"), Long.parseLong(r.get("prospects"))));
    assertEquals(expected, reported);
  }

  /** The scenario summary's change in company profit, scenario by scenario. */
  void scenariosAsSummarised() {
    Map<String, BigDecimal> expected = new TreeMap<>(table("scenario_summary").select("scenario",
        "change_in_company_profit").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getDecimal(1))));
    Map<String, BigDecimal> reported = new TreeMap<>();
    rows("scenarios").forEach(r -> reported.put(r.get("scenario"), new BigDecimal(r.get("change_in_company_profit"))));
    assertEquals(expected.keySet(), reported.keySet());
    expected.forEach((scenario, change) -> assertEquals(0, change.compareTo(reported.get(scenario)), scenario));
  }

  /** A figure's numbers as maps from column name to the exact value (numbers) or the text (labels). */
  private List<Map<String, String>> rows(String figure) {
    Element element = page.getElementById(figure);
    assertNotNull(element, "no figure " + figure);
    return rowsOf(element);
  }

  private static List<Map<String, String>> rowsOf(Element container) {
    List<String> header = container.select("table thead th").eachText();
    List<Map<String, String>> rows = new ArrayList<>();
    for (Element tr : container.select("table tbody tr")) {
      Map<String, String> row = new LinkedHashMap<>();
      List<Element> cells = tr.select("td");
      for (int i = 0; i < header.size(); i++) {
        Element cell = cells.get(i);
        row.put(header.get(i), cell.hasAttr("data-value") ? cell.attr("data-value") : cell.text());
      }
      rows.add(row);
    }
    return rows;
  }

  private static List<String> column(Element container, String name) {
    assertNotNull(container);
    return rowsOf(container).stream().map(r -> r.get(name)).toList();
  }

  private static void assertAmount(BigDecimal expected, String reported) {
    assertNotNull(reported);
    assertEquals(0, expected.compareTo(new BigDecimal(reported)), "expected " + expected + ", reported " + reported);
  }
}
