package io.profitlake.currency;

import java.math.BigDecimal;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** Money in the job's frames and outputs: DECIMAL(18,2), declared once (data-contracts.md). */
public final class Money {
  public static final DataType TYPE = DataTypes.createDecimalType(18, 2);

  private Money() {}

  /** The amount as money. Callers round first where methods.md says so; this only sets the type. */
  public static Column of(Column amount) {
    return amount.cast(TYPE);
  }

  /** An amount as people read it: to the cent, with thousands separators, the same in every locale (1,234.50). */
  public static String format(BigDecimal amount) {
    return String.format(Locale.ROOT, "%,.2f", amount);
  }
}
