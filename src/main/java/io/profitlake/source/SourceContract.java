package io.profitlake.source;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;

/** The contract of one input source: its columns, unique key, cross-field rules and references. */
public record SourceContract(
    String name,
    List<Field> fields,
    List<String> key,
    List<CrossRule> crossRules,
    List<Reference> references,
    Optional<FxReference> fx) {

  public SourceContract {
    fields = List.copyOf(fields);
    key = List.copyOf(key);
    crossRules = List.copyOf(crossRules);
    references = List.copyOf(references);
  }

  /** A rule over the parsed columns of one row; {@code brokenWhen} is true for a bad row. */
  public record CrossRule(ReasonCode reason, String field, Supplier<Column> brokenWhen) {}

  /**
   * A reference to the accepted rows of another source (or, for {@link #COST_MODEL_POOLS}, to the
   * pools of the cost model). A null value is not checked: optional references may be empty.
   */
  public record Reference(ReasonCode reason, String column, String targetSource, String targetColumn) {}

  /** Amounts in {@code currencyColumn} need an fx rate of the period of {@code periodColumn}. */
  public record FxReference(String currencyColumn, String periodColumn) {}

  public static final String COST_MODEL_POOLS = "cost_model.pools";

  public Field field(String fieldName) {
    return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(name + " has no column " + fieldName));
  }

  public List<String> columnNames() {
    return fields.stream().map(Field::name).toList();
  }
}
