package io.profitlake.report;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.apache.commons.text.StringEscapeUtils;

/**
 * The report as one HTML file that needs nothing else: styles inline, charts as PNG data URIs, no script and
 * no link to the network, so it opens from a mail attachment or a shared drive. Each figure keeps its numbers
 * in a table under it; each numeric cell carries its exact value in {@code data-value}.
 */
final class HtmlPage {
  /** The period's figures at the top of the page. */
  record Headline(long customers, BigDecimal netRevenue, BigDecimal netProfit, long losingCustomers,
      BigDecimal t12mNetProfit, long unprofitableCustomers) {}

  private static final String STYLE = """
      body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#212121;\
      background:#fafafa}
      header{background:#1b3a57;color:#fff;padding:1.2rem 2rem}
      header h1{margin:0 0 .3rem;font-size:1.6rem}
      header p{margin:0;opacity:.85}
      main{max-width:1100px;margin:0 auto;padding:1rem 2rem 3rem}
      .headline{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
      .headline div{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:.6rem 1rem;flex:1 1 12rem}
      .headline b{display:block;font-size:1.25rem}
      figure{background:#fff;border:1px solid #e0e0e0;border-radius:6px;margin:1.5rem 0;padding:1rem}
      figure h2,section h2{margin:.2rem 0 .8rem;font-size:1.2rem}
      figure img{max-width:100%;height:auto;display:block}
      figcaption{margin:.8rem 0;line-height:1.45}
      table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0;width:100%}
      th,td{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left}
      td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      th{font-size:.75rem;color:#616161}
      .scroll{overflow-x:auto}
      details summary{cursor:pointer;color:#1565c0}
      section{background:#fff;border:1px solid #e0e0e0;border-radius:6px;margin:1.5rem 0;padding:1rem}
      footer{color:#757575;font-size:.8rem;max-width:1100px;margin:0 auto;padding:0 2rem 2rem}
      """;

  private final String period;
  private final String currency;
  private final String lakehouse;
  private final Headline headline;
  private final List<Figure> figures;
  private final Table best;
  private final Table worst;

  HtmlPage(String period, String currency, String lakehouse, Headline headline, List<Figure> figures, Table best,
      Table worst) {
    this.period = period;
    this.currency = currency;
    this.lakehouse = lakehouse;
    this.headline = headline;
    this.figures = figures;
    this.best = best;
    this.worst = worst;
  }

  String render() {
    StringBuilder html = new StringBuilder(1 << 20);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>ProfitLake report ").append(escape(period)).append("</title>\n")
        .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
    html.append("<header><h1>Customer profitability, ").append(escape(period)).append("</h1>\n<p>Which customers make ")
        .append("the company money, and what to do about the others. Amounts in ").append(escape(currency))
        .append(", from the lakehouse ").append(escape(lakehouse)).append(".</p></header>\n<main>\n");
    headline(html);
    html.append("<nav><p>Contents: ");
    for (int i = 0; i < figures.size(); i++) {
      Figure figure = figures.get(i);
      html.append(i == 0 ? "" : " · ").append("<a href=\"#").append(figure.id()).append("\">")
          .append(escape(figure.title())).append("</a>");
    }
    html.append(" · <a href=\"#best-customers\">Best customers</a> · <a href=\"#worst-customers\">Worst customers</a>")
        .append("</p></nav>\n");
    for (Figure figure : figures) {
      figure(html, figure);
      if (figure.id().equals("actions")) {
        list(html, "best-customers", "The ten best customers (trailing 12 months)", best);
        list(html, "worst-customers", "The ten worst customers (trailing 12 months)", worst);
      }
    }
    html.append("</main>\n<footer>Made by ProfitLake on ")
        .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
        .append(". Every number comes from the lakehouse's tables; the README's \"Outputs\" says how each is made. ")
        .append("Charts drawn with JFreeChart.</footer>\n</body>\n</html>\n");
    return html.toString();
  }

  private void headline(StringBuilder html) {
    html.append("<div class=\"headline\" id=\"headline\">\n");
    tile(html, "customers in " + period, String.format(Locale.ROOT, "%,d", headline.customers()));
    tile(html, "net revenue in " + period, ManagementReport.money(headline.netRevenue(), currency));
    tile(html, "net profit in " + period, ManagementReport.money(headline.netProfit(), currency));
    tile(html, "customers losing money in " + period, String.format(Locale.ROOT, "%,d", headline.losingCustomers()));
    tile(html, "net profit, trailing 12 months", ManagementReport.money(headline.t12mNetProfit(), currency));
    tile(html, "UNPROFITABLE customers (t12m)", String.format(Locale.ROOT, "%,d", headline.unprofitableCustomers()));
    html.append("</div>\n");
  }

  private static void tile(StringBuilder html, String label, String value) {
    html.append("<div><b>").append(escape(value)).append("</b>").append(escape(label)).append("</div>\n");
  }

  private static void figure(StringBuilder html, Figure figure) {
    html.append("<figure id=\"").append(figure.id()).append("\">\n<h2>").append(escape(figure.title()))
        .append("</h2>\n");
    if (figure.png() != null) {
      html.append("<img width=\"").append(Charts.WIDTH).append("\" height=\"").append(Charts.HEIGHT)
          .append("\" alt=\"").append(escape(figure.title())).append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(figure.png())).append("\">\n");
    }
    html.append("<figcaption>").append(escape(figure.caption())).append("</figcaption>\n")
        .append("<details><summary>The numbers</summary>\n");
    table(html, figure.numbers());
    html.append("</details>\n</figure>\n");
  }

  private static void list(StringBuilder html, String id, String title, Table table) {
    html.append("<section id=\"").append(id).append("\">\n<h2>").append(escape(title)).append("</h2>\n");
    table(html, table);
    html.append("</section>\n");
  }

  private static void table(StringBuilder html, Table table) {
    html.append("<div class=\"scroll\"><table>\n<thead><tr>");
    table.header().forEach(name -> html.append("<th>").append(escape(name)).append("</th>"));
    html.append("</tr></thead>\n<tbody>\n");
    for (List<Table.Cell> row : table.rows()) {
      html.append("<tr>");
      for (Table.Cell cell : row) {
        if (cell.numeric()) {
          html.append("<td class=\"n\" data-value=\"").append(escape(cell.value())).append("\">");
        } else {
          html.append("<td>");
        }
        html.append(escape(cell.text())).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</tbody></table></div>\n");
  }

  /** Text into HTML (Commons Text, which Spark ships). */
  static String escape(String text) {
    return StringEscapeUtils.escapeHtml4(text);
  }
}
