package io.profitlake.privacy;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.trim;

import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * PII rules (methods.md, PII): contact_name never leaves the job; contact_email only as
 * sha2(lower(trim(email)) || pepper, 256), the pepper from the environment. Without a pepper the
 * hash is null: an unkeyed hash of an email is reversible by dictionary.
 */
public final class Pii {
  public static final String PEPPER_VARIABLE = "PROFITLAKE_PEPPER";

  private Pii() {}

  public static Column emailHash(Column email, Optional<String> pepper) {
    if (pepper.isEmpty()) {
      return lit(null).cast(DataTypes.StringType);
    }
    return sha2(concat(lower(trim(email)), lit(pepper.get())), 256);
  }
}
