package io.profitlake.sample;

import io.profitlake.source.ReasonCode;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Rows that break the contracts, one known reason each, appended to every source as a file that
 * sorts after the generated ones (so that a duplicate key is the later occurrence), and a manifest
 * of the exact quarantine counts they must produce.
 */
final class BadRows {
  static final String FILE_NAME = "zz-bad-rows.csv";
  static final String MANIFEST = "bad-rows-manifest.json";

  private final Map<String, List<String>> lines = new LinkedHashMap<>();
  private final Map<String, Map<String, Integer>> expected = new TreeMap<>();

  /** One bad row: the template with {@code changes}, expected to be quarantined with {@code reason}. */
  private void add(String source, String[] header, Map<String, String> template, ReasonCode reason,
      String... changes) {
    Map<String, String> row = new LinkedHashMap<>(template);
    for (int k = 0; k < changes.length; k += 2) {
      if (!row.containsKey(changes[k])) {
        throw new IllegalArgumentException(source + " has no column " + changes[k]);
      }
      row.put(changes[k], changes[k + 1]);
    }
    List<String> fields = new ArrayList<>();
    for (String column : header) {
      fields.add(csv(row.get(column)));
    }
    lines.computeIfAbsent(source, s -> new ArrayList<>()).add(String.join(",", fields));
    count(source, reason);
  }

  private void addRaw(String source, String line, ReasonCode reason) {
    lines.computeIfAbsent(source, s -> new ArrayList<>()).add(line);
    count(source, reason);
  }

  private void count(String source, ReasonCode reason) {
    expected.computeIfAbsent(source, s -> new TreeMap<>()).merge(reason.name(), 1, Integer::sum);
  }

  static void inject(GeneratedSample sample, String outDir, Configuration hadoop) {
    BadRows bad = new BadRows();
    bad.build(sample);
    bad.write(sample, outDir, hadoop);
  }

  private void build(GeneratedSample sample) {
    String tx = "transactions";
    Dataset<Row> transactions = sample.source(tx);
    String[] h = transactions.columns();
    Map<String, String> t = template(transactions);
    addRaw(tx, "TXBAD-MALFORMED,O1," + t.get("customer_id"), ReasonCode.MALFORMED_ROW);
    add(tx, h, t, ReasonCode.MISSING_FIELD, "transaction_id", "");
    add(tx, h, t, ReasonCode.MISSING_FIELD, "transaction_id", "TXBAD-02", "customer_id", "");
    add(tx, h, t, ReasonCode.BAD_TIMESTAMP, "transaction_id", "TXBAD-03", "transaction_ts", "2024-13-45T10:00:00");
    add(tx, h, t, ReasonCode.BAD_TIMESTAMP, "transaction_id", "TXBAD-04", "transaction_ts", "05/03/2024 10:00");
    add(tx, h, t, ReasonCode.BAD_NUMBER, "transaction_id", "TXBAD-05", "net_amount", "1,209.33");
    add(tx, h, t, ReasonCode.BAD_NUMBER, "transaction_id", "TXBAD-06", "quantity", "1e3");
    add(tx, h, t, ReasonCode.BAD_ENUM, "transaction_id", "TXBAD-07", "transaction_type", "REFUND");
    add(tx, h, t, ReasonCode.NEGATIVE_AMOUNT, "transaction_id", "TXBAD-08", "quantity", "-2");
    add(tx, h, t, ReasonCode.NEGATIVE_AMOUNT, "transaction_id", "TXBAD-09", "net_amount", "-10.00");
    add(tx, h, t, ReasonCode.DUPLICATE_KEY, "net_amount", "999.99");
    add(tx, h, t, ReasonCode.UNKNOWN_CUSTOMER, "transaction_id", "TXBAD-11", "customer_id", "C9999999");
    add(tx, h, t, ReasonCode.UNKNOWN_SALES_REP, "transaction_id", "TXBAD-12", "sales_rep_id", "R999");
    add(tx, h, t, ReasonCode.MISSING_FX_RATE, "transaction_id", "TXBAD-13", "currency", "JPY");

    String inv = "invoices";
    h = sample.source(inv).columns();
    Map<String, String> i = template(sample.source(inv));
    add(inv, h, i, ReasonCode.INCONSISTENT_DATES, "invoice_id", "INVBAD-01", "due_date", "2000-01-01");
    add(inv, h, i, ReasonCode.INCONSISTENT_AMOUNTS, "invoice_id", "INVBAD-02", "paid_amount", "99999999.00",
        "paid_date", i.get("due_date"));
    add(inv, h, i, ReasonCode.MISSING_FIELD, "invoice_id", "INVBAD-03", "amount", "");
    add(inv, h, i, ReasonCode.NEGATIVE_AMOUNT, "invoice_id", "INVBAD-04", "amount", "0");
    add(inv, h, i, ReasonCode.BAD_TIMESTAMP, "invoice_id", "INVBAD-05", "issue_date", "2024-02-30");
    add(inv, h, i, ReasonCode.UNKNOWN_CUSTOMER, "invoice_id", "INVBAD-06", "customer_id", "C9999999");

    String cu = "customers";
    h = sample.source(cu).columns();
    Map<String, String> c = template(sample.source(cu));
    add(cu, h, c, ReasonCode.BAD_ENUM, "customer_id", "CBAD0001", "size_band", "HUGE");
    add(cu, h, c, ReasonCode.INCONSISTENT_DATES, "customer_id", "CBAD0002", "churn_date", "1999-01-01");
    add(cu, h, c, ReasonCode.MISSING_FIELD, "customer_id", "CBAD0003", "acquisition_date", "");
    add(cu, h, c, ReasonCode.NEGATIVE_AMOUNT, "customer_id", "CBAD0004", "acquisition_cost", "-5.00");
    add(cu, h, c, ReasonCode.DUPLICATE_KEY, "customer_name", "A second record for the same id");

    String sr = "sales_reps";
    h = sample.source(sr).columns();
    add(sr, h, template(sample.source(sr)), ReasonCode.OUT_OF_RANGE, "rep_id", "RBAD1", "commission_rate", "1.5");

    String sa = "sales_activities";
    h = sample.source(sa).columns();
    Map<String, String> a = template(sample.source(sa));
    add(sa, h, a, ReasonCode.BAD_ENUM, "activity_id", "SABAD-01", "activity_type", "LUNCH");
    add(sa, h, a, ReasonCode.UNKNOWN_CUSTOMER, "activity_id", "SABAD-02", "customer_id", "C9999999");
    add(sa, h, a, ReasonCode.UNKNOWN_SALES_REP, "activity_id", "SABAD-03", "rep_id", "R999");

    String rf = "referrals";
    h = sample.source(rf).columns();
    Map<String, String> r = template(sample.source(rf));
    add(rf, h, r, ReasonCode.SELF_REFERRAL, "referral_id", "RFBAD-01", "referred_customer_id", r.get("referrer_customer_id"));
    add(rf, h, r, ReasonCode.DUPLICATE_REFERRAL, "referral_id", "RFBAD-02", "referral_date", "2030-01-01");
    add(rf, h, r, ReasonCode.UNKNOWN_CUSTOMER, "referral_id", "RFBAD-03", "referred_customer_id", "C9999999");

    String st = "support_tickets";
    h = sample.source(st).columns();
    Map<String, String> s = template(sample.source(st));
    add(st, h, s, ReasonCode.BAD_ENUM, "ticket_id", "TKBAD-01", "priority", "CRITICAL");
    add(st, h, s, ReasonCode.INCONSISTENT_DATES, "ticket_id", "TKBAD-02", "closed_ts", "2000-01-01T00:00:00");
    add(st, h, s, ReasonCode.BAD_NUMBER, "ticket_id", "TKBAD-03", "escalated", "yes");

    String cl = "calls";
    h = sample.source(cl).columns();
    Map<String, String> k = template(sample.source(cl));
    add(cl, h, k, ReasonCode.NEGATIVE_AMOUNT, "call_id", "CLBAD-01", "wait_seconds", "-5");
    add(cl, h, k, ReasonCode.BAD_NUMBER, "call_id", "CLBAD-02", "talk_seconds", "12.5");

    String cp = "cost_pools";
    h = sample.source(cp).columns();
    Map<String, String> p = template(sample.source(cp));
    add(cp, h, p, ReasonCode.UNKNOWN_POOL, "pool_id", "marketing_that_is_not_in_the_model");
    add(cp, h, p, ReasonCode.DUPLICATE_KEY, "amount", "1.00");

    String fx = "fx_rates";
    h = sample.source(fx).columns();
    add(fx, h, template(sample.source(fx)), ReasonCode.NEGATIVE_AMOUNT, "period", "2099-01", "rate_to_base", "0");

    String pr = "prospects";
    h = sample.source(pr).columns();
    Map<String, String> q = template(sample.source(pr));
    add(pr, h, q, ReasonCode.BAD_ENUM, "prospect_id", "PBAD-01", "size_band", "GIANT");
    add(pr, h, q, ReasonCode.DUPLICATE_KEY, "industry", "RETAIL");
  }

  /** The first generated row of a source, as text: the base every bad row changes one thing in. */
  private static Map<String, String> template(Dataset<Row> rows) {
    Row first = rows.limit(1).collectAsList().get(0);
    Map<String, String> values = new LinkedHashMap<>();
    for (String column : rows.columns()) {
      Object value = first.get(first.fieldIndex(column));
      values.put(column, value == null ? "" : value instanceof java.math.BigDecimal d ? d.toPlainString() : value.toString());
    }
    return values;
  }

  private static String csv(String value) {
    if (value == null) {
      return "";
    }
    if (value.contains(",") || value.contains("\"")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }

  private void write(GeneratedSample sample, String outDir, Configuration hadoop) {
    try {
      for (Map.Entry<String, List<String>> entry : lines.entrySet()) {
        String[] header = sample.source(entry.getKey()).columns();
        Path path = new Path(outDir + "/" + entry.getKey() + "/" + FILE_NAME);
        try (Writer out = new OutputStreamWriter(path.getFileSystem(hadoop).create(path, true), StandardCharsets.UTF_8)) {
          out.write(String.join(",", header) + "\n");
          for (String line : entry.getValue()) {
            out.write(line + "\n");
          }
        }
      }
      Path manifest = new Path(outDir + "/" + MANIFEST);
      FileSystem fs = manifest.getFileSystem(hadoop);
      try (Writer out = new OutputStreamWriter(fs.create(manifest, true), StandardCharsets.UTF_8)) {
        out.write(manifestJson());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write bad rows under " + outDir + ": " + e.getMessage(), e);
    }
  }

  /** {"source": {"REASON": count, ...}, ...}: the exact quarantine counts the bad rows must produce. */
  String manifestJson() {
    StringBuilder json = new StringBuilder("{\n");
    int s = 0;
    for (Map.Entry<String, Map<String, Integer>> source : expected.entrySet()) {
      json.append("  \"").append(source.getKey()).append("\": {");
      int r = 0;
      for (Map.Entry<String, Integer> reason : source.getValue().entrySet()) {
        json.append(r++ == 0 ? "" : ", ").append('"').append(reason.getKey()).append("\": ").append(reason.getValue());
      }
      json.append(s++ + 1 < expected.size() ? "},\n" : "}\n");
    }
    return json.append("}\n").toString();
  }
}
