package io.profitlake.lifetime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CDNOW sample and its oracles (src/test/resources/cdnow, NOTICE.md there). The purchase histories here are
 * worked out in plain Java from the transaction file, independently of the job's Spark code.
 */
public final class Cdnow {
  public static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);
  public static final LocalDate HOLDOUT_END = LocalDate.of(1998, 6, 30);

  private Cdnow() {}

  /** One line of CDNOW_sample.txt: sample customer id, day, dollars. */
  public record Line(int customer, LocalDate day, BigDecimal dollars) {}

  /** A customer's calibration history: x, t_x and T in days, the sum of its repeat-day values in cents. */
  public record History(int customer, long x, int txDays, int bigTDays, long repeatCents, long holdoutDays) {}

  public static String resource(String name) {
    try (InputStream in = Cdnow.class.getResourceAsStream("/cdnow/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource cdnow/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode oracles() {
    try {
      return new ObjectMapper().readTree(resource("oracles.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Line> lines() {
    List<Line> lines = new ArrayList<>();
    for (String text : resource("CDNOW_sample.txt").split("\n")) {
      if (text.isBlank()) {
        continue;
      }
      String[] f = text.trim().split("\\s+");
      lines.add(new Line(Integer.parseInt(f[1]), LocalDate.parse(f[2], DateTimeFormatter.BASIC_ISO_DATE),
          new BigDecimal(f[4])));
    }
    return lines;
  }

  /** Every sample customer's history as of {@link #CALIBRATION_END}, by customer id. */
  public static Map<Integer, History> histories() {
    Map<Integer, TreeMap<LocalDate, BigDecimal>> days = new TreeMap<>();
    Map<Integer, java.util.Set<LocalDate>> holdout = new TreeMap<>();
    for (Line line : lines()) {
      if (line.day().isAfter(CALIBRATION_END)) {
        holdout.computeIfAbsent(line.customer(), c -> new java.util.HashSet<>()).add(line.day());
      } else {
        days.computeIfAbsent(line.customer(), c -> new TreeMap<>()).merge(line.day(), line.dollars(), BigDecimal::add);
      }
    }
    Map<Integer, History> histories = new TreeMap<>();
    days.forEach((customer, byDay) -> {
      LocalDate first = byDay.firstKey();
      BigDecimal repeat = byDay.tailMap(first, false).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
      histories.put(customer, new History(customer, byDay.size() - 1, (int) ChronoUnit.DAYS.between(first, byDay.lastKey()),
          (int) ChronoUnit.DAYS.between(first, CALIBRATION_END), repeat.movePointRight(2).longValueExact(),
          holdout.getOrDefault(customer, java.util.Set.of()).size()));
    });
    return histories;
  }
}
