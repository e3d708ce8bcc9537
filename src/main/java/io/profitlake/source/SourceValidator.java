package io.profitlake.source;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.profitlake.privacy.Pii;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Applies a source's contract to its text rows: parses every column and gives each row its first
 * broken rule, in the precedence of data-contracts.md. The result keeps every row read: accepted
 * rows have a null {@link #REASON}.
 */
final class SourceValidator {
  static final String REASON = "_reason";
  static final String FIELD = "_field";
  static final String INVALID_UTF8 = "_invalid_utf8";

  static final String TIMESTAMP_SHAPE =
      "^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})?$";
  static final String DATE_SHAPE = "^\\d{4}-\\d{2}-\\d{2}$";
  static final String PERIOD_SHAPE = "^\\d{4}-(0[1-9]|1[0-2])$";
  static final String NUMBER_SHAPE = "^-?\\d+(\\.\\d+)?$";
  static final String INT_SHAPE = "^-?\\d+$";

  private SourceValidator() {}

  /**
   * Step 0 and 1: malformed rows, then column by column, then the row's cross-field rules.
   *
   * <p>Three projections, each reading the previous one's columns: the trimmed values, then the parsed
   * values, then the rules. A rule refers to a value or a parsed value several times (missing, unparsable,
   * out of range); as one projection each reference would trim, match the shape patterns and cast again
   * for every row (Spark does not share subexpressions inside conditional branches). Spark keeps the
   * projections apart because merging them would repeat that work. Measured with {@code profitlake
   * validate} at 1e6 transaction lines: see the commit that made this change.
   */
  static Dataset<Row> checkRows(SourceContract contract, Dataset<Row> text, Optional<String> pepper) {
    List<Column> values = new ArrayList<>();
    List<Column> parsedValues = new ArrayList<>();
    for (Field f : contract.fields()) {
      Column trimmed = trim(col(f.name()));
      values.add(when(trimmed.equalTo(""), lit(null)).otherwise(trimmed).as(valueOf(f)));
      parsedValues.add(col(valueOf(f)));
      parsedValues.add(parse(f, col(valueOf(f))).as(parsedOf(f)));
    }
    values.add(record(contract, pepper).as(SourceReader.RECORD));
    for (String bookkeeping : List.of(SourceReader.MALFORMED, SourceReader.FILE, SourceReader.FILE_INDEX,
        SourceReader.ROW)) {
      values.add(col(bookkeeping));
    }
    for (String carried : List.of(SourceReader.MALFORMED, SourceReader.RECORD, SourceReader.FILE,
        SourceReader.FILE_INDEX, SourceReader.ROW)) {
      parsedValues.add(col(carried));
    }
    Dataset<Row> staged = text.select(values.toArray(Column[]::new)).select(parsedValues.toArray(Column[]::new));

    List<Column> columns = new ArrayList<>();
    Column reason = when(col(SourceReader.MALFORMED), lit(ReasonCode.MALFORMED_ROW.name()));
    Column field = when(col(SourceReader.MALFORMED), lit(null).cast(DataTypes.StringType));
    for (Field f : contract.fields()) {
      Column value = col(valueOf(f));
      Column parsed = col(parsedOf(f));
      columns.add(parsed.as(f.name()));
      if (f.required()) {
        reason = reason.when(value.isNull(), lit(ReasonCode.MISSING_FIELD.name()));
        field = field.when(value.isNull(), lit(f.name()));
      }
      Column unparsable = value.isNotNull().and(parsed.isNull());
      ReasonCode parseReason = switch (f.kind()) {
        case TIMESTAMP, DATE, PERIOD -> ReasonCode.BAD_TIMESTAMP;
        case DECIMAL, INT, BOOLEAN -> ReasonCode.BAD_NUMBER;
        case TEXT -> null;
      };
      if (parseReason != null) {
        reason = reason.when(unparsable, lit(parseReason.name()));
        field = field.when(unparsable, lit(f.name()));
      }
      if (f.closedValues() != null) {
        Column unknown = value.isNotNull().and(value.isin(f.closedValues().toArray()).unary_$bang());
        reason = reason.when(unknown, lit(ReasonCode.BAD_ENUM.name()));
        field = field.when(unknown, lit(f.name()));
      }
      if (f.min() != null) {
        Column low = f.minExclusive() ? parsed.leq(lit(f.min())) : parsed.lt(lit(f.min()));
        reason = reason.when(low, lit(ReasonCode.NEGATIVE_AMOUNT.name()));
        field = field.when(low, lit(f.name()));
      }
      if (f.max() != null) {
        Column high = parsed.gt(lit(f.max()));
        reason = reason.when(high, lit(ReasonCode.OUT_OF_RANGE.name()));
        field = field.when(high, lit(f.name()));
      }
    }
    Dataset<Row> parsed = staged.select(withBookkeeping(columns, reason, field));
    if (contract.crossRules().isEmpty()) {
      return parsed;
    }
    // Cross-field rules look at parsed values, so they run on the parsed frame.
    Column crossReason = col(REASON);
    Column crossField = col(FIELD);
    Column open = col(REASON).isNull();
    Column nextReason = null;
    Column nextField = null;
    for (SourceContract.CrossRule rule : contract.crossRules()) {
      Column broken = open.and(coalesce(rule.brokenWhen().get(), lit(false)));
      nextReason = nextReason == null ? when(broken, lit(rule.reason().name())) : nextReason.when(broken, lit(rule.reason().name()));
      nextField = nextField == null ? when(broken, lit(rule.field())) : nextField.when(broken, lit(rule.field()));
    }
    return parsed
        .withColumn(FIELD, nextField.otherwise(crossField))
        .withColumn(REASON, nextReason.otherwise(crossReason));
  }

  private static String valueOf(Field f) {
    return "_value_" + f.name();
  }

  private static String parsedOf(Field f) {
    return "_parsed_" + f.name();
  }

  private static Column[] withBookkeeping(List<Column> parsed, Column reason, Column field) {
    List<Column> all = new ArrayList<>(parsed);
    all.add(reason.as(REASON));
    all.add(field.as(FIELD));
    all.add(col(SourceReader.RECORD));
    all.add(col(SourceReader.RECORD).contains("\uFFFD").as(INVALID_UTF8));
    all.add(col(SourceReader.FILE));
    all.add(col(SourceReader.FILE_INDEX));
    all.add(col(SourceReader.ROW));
    return all.toArray(Column[]::new);
  }

  /**
   * The raw record kept in quarantine. A customer record drops contact_name and carries the email
   * only as its keyed hash; a malformed customer line cannot be split safely, so it is withheld.
   */
  private static Column record(SourceContract contract, Optional<String> pepper) {
    if (!contract.name().equals(Contracts.CUSTOMERS.name())) {
      return col(SourceReader.RECORD);
    }
    List<Column> kept = new ArrayList<>();
    for (Field f : contract.fields()) {
      if (f.name().equals("contact_name")) {
        continue;
      }
      kept.add(f.name().equals("contact_email")
          ? Pii.emailHash(col(f.name()), pepper).as("contact_email_hash")
          : col(f.name()));
    }
    return when(col(SourceReader.MALFORMED),
            lit("{\"withheld\":\"malformed customers line: it may hold PII; see the file\"}"))
        .otherwise(to_json(struct(kept.toArray(Column[]::new))));
  }

  private static Column parse(Field f, Column value) {
    return switch (f.kind()) {
      case TEXT -> value;
      case PERIOD -> when(value.rlike(PERIOD_SHAPE), value);
      case DATE -> when(value.rlike(DATE_SHAPE), value.try_cast(DataTypes.DateType));
      // Spark's cast reads 'T' or ' ', an optional Z or +hh:mm; without an offset it is session
      // (business) local time. The shape check keeps out what the cast would also accept.
      case TIMESTAMP -> when(value.rlike(TIMESTAMP_SHAPE), value.try_cast(DataTypes.TimestampType));
      case DECIMAL -> when(value.rlike(NUMBER_SHAPE).and(value.rlike(fits(f.precision(), f.scale()))),
          value.try_cast(DataTypes.createDecimalType(f.precision(), f.scale())));
      case INT -> when(value.rlike(INT_SHAPE), value.try_cast(DataTypes.IntegerType));
      case BOOLEAN -> when(lower(value).isin("true", "1"), lit(true))
          .when(lower(value).isin("false", "0"), lit(false));
    };
  }

  /** Digits that fit DECIMAL(p, s) without rounding: extra decimals must be zeros. */
  private static String fits(int precision, int scale) {
    String fraction = scale == 0 ? "(\\.0+)?" : "(\\.\\d{1," + scale + "}0*)?";
    return "^-?0*\\d{1," + (precision - scale) + "}" + fraction + "$";
  }

  /** Step 2: the first occurrence of a key in input order is kept. */
  static Dataset<Row> checkDuplicateKeys(SourceContract contract, Dataset<Row> rows) {
    Column[] key = contract.key().stream().map(k -> col(k)).toArray(Column[]::new);
    // Rows that failed step 1 share the window but never shadow a good row: they sort by a flag first.
    var order = Window.partitionBy(concatKey(key, col(REASON).isNull()))
        .orderBy(col(SourceReader.FILE_INDEX), col(SourceReader.ROW));
    Column duplicate = col(REASON).isNull().and(row_number().over(order).gt(1));
    return rows
        .withColumn(FIELD, when(duplicate, lit(String.join(",", contract.key()))).otherwise(col(FIELD)))
        .withColumn(REASON, when(duplicate, lit(ReasonCode.DUPLICATE_KEY.name())).otherwise(col(REASON)));
  }

  private static Column[] concatKey(Column[] key, Column passed) {
    Column[] all = new Column[key.length + 1];
    System.arraycopy(key, 0, all, 0, key.length);
    all[key.length] = passed;
    return all;
  }

  /** Step 3: references to the accepted rows of other sources, in declaration order. */
  static Dataset<Row> checkReferences(
      SourceContract contract, Dataset<Row> rows, Map<String, Dataset<Row>> accepted, Optional<Dataset<Row>> poolIds,
      Optional<Dataset<Row>> fxRates, String baseCurrency) {
    Dataset<Row> result = rows;
    int n = 0;
    for (SourceContract.Reference reference : contract.references()) {
      Dataset<Row> target = reference.targetSource().equals(SourceContract.COST_MODEL_POOLS)
          ? poolIds.orElseThrow()
          : accepted.get(reference.targetSource());
      String hit = "_hit" + n++;
      Dataset<Row> keys = target.select(col(reference.targetColumn()).as(hit + "_key"), lit(true).as(hit));
      if (!referencesUniqueKey(reference)) {
        keys = keys.distinct();
      }
      result = result.join(keys, result.col(reference.column()).equalTo(keys.col(hit + "_key")), "left")
          .drop(hit + "_key");
      Column unknown = col(REASON).isNull().and(col(reference.column()).isNotNull()).and(col(hit).isNull());
      result = result
          .withColumn(FIELD, when(unknown, lit(reference.column())).otherwise(col(FIELD)))
          .withColumn(REASON, when(unknown, lit(reference.reason().name())).otherwise(col(REASON)))
          .drop(hit);
    }
    if (contract.fx().isPresent()) {
      SourceContract.FxReference fx = contract.fx().get();
      Column eventPeriod = contract.field(fx.periodColumn()).kind() == Field.Kind.PERIOD
          ? col(fx.periodColumn())
          : date_format(col(fx.periodColumn()), "yyyy-MM");
      Dataset<Row> rates = fxRates.orElseThrow()
          .select(col("period").as("_fx_period"), col("currency").as("_fx_currency"), lit(true).as("_fx_hit"));
      result = result.join(rates,
          eventPeriod.equalTo(rates.col("_fx_period")).and(col(fx.currencyColumn()).equalTo(rates.col("_fx_currency"))),
          "left").drop("_fx_period", "_fx_currency");
      Column missing = col(REASON).isNull().and(col(fx.currencyColumn()).notEqual(lit(baseCurrency)))
          .and(col("_fx_hit").isNull());
      result = result
          .withColumn(FIELD, when(missing, lit(fx.currencyColumn())).otherwise(col(FIELD)))
          .withColumn(REASON, when(missing, lit(ReasonCode.MISSING_FX_RATE.name())).otherwise(col(REASON)))
          .drop("_fx_hit");
    }
    return result;
  }

  /**
   * Whether the reference names the whole unique key of a source, whose accepted rows then hold each
   * value once (step 2 quarantined the duplicates), or the cost model's pool ids (a set). The left join
   * needs no distinct step then: one shuffle and one Spark job fewer per reference.
   */
  static boolean referencesUniqueKey(SourceContract.Reference reference) {
    if (reference.targetSource().equals(SourceContract.COST_MODEL_POOLS)) {
      return true;
    }
    SourceContract target = Contracts.ALL.get(reference.targetSource());
    return target != null && target.key().equals(List.of(reference.targetColumn()));
  }

  /**
   * The raw record and file name serve the quarantine only: an accepted row drops them, so the checked
   * frame kept in memory for the rest of the run is about the size of the parsed values (the record is
   * every field again, as JSON, and the file name a full path on every row).
   */
  static Dataset<Row> withoutRawOfAccepted(Dataset<Row> rows) {
    Column quarantined = col(REASON).isNotNull();
    return rows.withColumns(Map.of(
        SourceReader.RECORD, when(quarantined, col(SourceReader.RECORD)),
        SourceReader.FILE, when(quarantined, col(SourceReader.FILE))));
  }

  /**
   * Step 4, second rule: the referral that closes a cycle (the latest in it) is quarantined, so the
   * accepted referrals form a forest.
   */
  static Dataset<Row> checkReferralCycles(Dataset<Row> referrals) {
    Dataset<Row> closing = io.profitlake.referral.ReferralForest.cycleClosingReferrals(
            referrals.where(col(REASON).isNull()))
        .select(col("referral_id").as("_closing_id"), lit(true).as("_closes_cycle"));
    Column closes = col(REASON).isNull().and(col("_closes_cycle").isNotNull());
    return referrals.join(closing, col("referral_id").equalTo(col("_closing_id")), "left")
        .withColumn(FIELD, when(closes, lit("referrer_customer_id")).otherwise(col(FIELD)))
        .withColumn(REASON, when(closes, lit(ReasonCode.REFERRAL_CYCLE.name())).otherwise(col(REASON)))
        .drop("_closing_id", "_closes_cycle");
  }

  /** Step 4 (referrals): a referred customer keeps its earliest referral, ties by referral_id. */
  static Dataset<Row> checkDuplicateReferrals(Dataset<Row> referrals) {
    var order = Window.partitionBy(col("referred_customer_id"), col(REASON).isNull())
        .orderBy(col("referral_date"), col("referral_id"));
    Column duplicate = col(REASON).isNull().and(row_number().over(order).gt(1));
    return referrals
        .withColumn(FIELD, when(duplicate, lit("referred_customer_id")).otherwise(col(FIELD)))
        .withColumn(REASON, when(duplicate, lit(ReasonCode.DUPLICATE_REFERRAL.name())).otherwise(col(REASON)));
  }
}
