package io.profitlake.profitability;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.quarter;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.year;

import io.profitlake.privacy.Pii;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** dim_customer (PII removed) and dim_period. */
public final class Dimensions {
  private Dimensions() {}

  public static Dataset<Row> customers(Dataset<Row> accepted, Optional<String> pepper) {
    return accepted
        .withColumn("contact_email_hash", Pii.emailHash(col("contact_email"), pepper))
        .drop("contact_name", "contact_email");
  }

  public static Dataset<Row> periods(SparkSession spark, Periods periods) {
    Dataset<Row> names = spark.createDataset(periods.names(), Encoders.STRING()).toDF("period");
    org.apache.spark.sql.Column first = to_date(col("period"), "yyyy-MM");
    return names.select(col("period"), year(first).as("year"), quarter(first).as("quarter"), month(first).as("month"),
        first.as("first_day"), last_day(first).as("last_day"));
  }
}
