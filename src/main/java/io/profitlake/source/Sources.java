package io.profitlake.source;

import static org.apache.spark.sql.functions.col;

import io.profitlake.config.Settings;
import io.profitlake.lineage.Lineage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads every configured source and applies its contract: the one entry point for inputs. */
public final class Sources {
  private static final Logger LOG = LoggerFactory.getLogger(Sources.class);

  private Sources() {}

  public static ValidatedSources load(SparkSession spark, Settings settings) {
    SourceReader reader = new SourceReader(spark);
    Map<String, Dataset<Row>> checked = new LinkedHashMap<>();
    Map<String, Dataset<Row>> accepted = new LinkedHashMap<>();
    Dataset<Row> poolIds = spark.createDataset(
            new java.util.ArrayList<>(settings.costModel().allPoolIds()), org.apache.spark.sql.Encoders.STRING())
        .toDF("pool_id");
    for (SourceContract contract : Contracts.ALL.values()) {
      Settings.SourceLocation location = settings.source(contract.name());
      spark.sparkContext().setJobDescription("read and check source " + contract.name());
      Dataset<Row> text;
      if (location.isConfigured()) {
        LOG.info("reading source {} ({} at {})", contract.name(), location.format(), location.path());
        text = reader.read(contract, location);
      } else {
        settings.requireSources();
        LOG.info("source {} not configured: every amount must be in the base currency {}", contract.name(),
            settings.costModel().currency());
        text = reader.empty(contract);
      }
      Dataset<Row> rows = SourceValidator.checkRows(contract, text, settings.pepper());
      rows = SourceValidator.checkDuplicateKeys(contract, rows);
      rows = SourceValidator.checkReferences(contract, rows, accepted, Optional.of(poolIds),
          Optional.ofNullable(accepted.get("fx_rates")), settings.costModel().currency());
      if (contract.name().equals(Contracts.REFERRALS.name())) {
        // The cycle check walks the graph in several jobs: it reads the checked referrals from memory.
        rows = Lineage.cut(SourceValidator.checkDuplicateReferrals(rows));
        rows = SourceValidator.checkReferralCycles(rows);
      }
      // Computed once, here: the accepted rows, the quarantine and the counts all come from this frame.
      // The checkpoint also cuts the contract's long plan out of every later plan that reads the source.
      rows = Lineage.cut(SourceValidator.withoutRawOfAccepted(rows));
      checked.put(contract.name(), rows);
      accepted.put(contract.name(), rows.where(col(SourceValidator.REASON).isNull()));
    }
    return new ValidatedSources(checked);
  }
}
