package io.profitlake.report;

import io.profitlake.currency.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The numbers under a figure, as the report prints them beside it: a header and rows of cells. A cell keeps
 * the exact value it shows (a decimal as the table holds it, a count, a label), so a reader who copies the
 * table, or a test, gets the lakehouse's figures and not the chart's rounded pixels.
 */
record Table(List<String> header, List<List<Cell>> rows) {

  Table {
    header = List.copyOf(header);
    rows = List.copyOf(rows);
  }

  /** One cell: what it shows and, for a number, its exact value (null for text). */
  record Cell(String text, String value, boolean numeric) {
    static Cell text(Object text) {
      return new Cell(text == null ? "" : text.toString(), null, false);
    }

    /** An amount of money, to the cent with thousands separators; null shows as a dash. */
    static Cell money(BigDecimal amount) {
      return amount == null ? new Cell("–", "", true)
          : new Cell(Money.format(amount), amount.toPlainString(), true);
    }

    /** A count. */
    static Cell count(long count) {
      return new Cell(String.format(Locale.ROOT, "%,d", count), Long.toString(count), true);
    }

    /** A share (1 = 100%) shown as a percentage with one decimal; the value keeps every digit of the table. */
    static Cell share(BigDecimal share) {
      return share == null ? new Cell("–", "", true)
          : new Cell(percent(share), share.toPlainString(), true);
    }

    /** A plain decimal (a ratio, a statistic) as the table holds it. */
    static Cell decimal(BigDecimal value) {
      return value == null ? new Cell("–", "", true) : new Cell(value.toPlainString(), value.toPlainString(), true);
    }
  }

  /** A share (1 = 100%) as text: "41.2%". */
  static String percent(BigDecimal share) {
    return share.movePointRight(2).setScale(1, RoundingMode.HALF_EVEN).toPlainString() + "%";
  }

  /** Builds a table row by row. */
  static final class Builder {
    private final List<String> header;
    private final List<List<Cell>> rows = new ArrayList<>();

    Builder(String... header) {
      this.header = List.of(header);
    }

    Builder row(Cell... cells) {
      if (cells.length != header.size()) {
        throw new IllegalArgumentException("row of " + cells.length + " cells for " + header.size() + " columns");
      }
      rows.add(List.of(cells));
      return this;
    }

    Table build() {
      return new Table(header, rows);
    }
  }
}
