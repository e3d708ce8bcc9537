package io.profitlake.job;

import static org.apache.spark.sql.functions.col;

import io.profitlake.config.ConfigurationError;
import io.profitlake.config.CostModel;
import io.profitlake.config.Scenario;
import io.profitlake.lakehouse.Tables;
import io.profitlake.profitability.CustomerProfitability;
import io.profitlake.profitability.Periods;
import io.profitlake.scenario.Levers;
import io.profitlake.scenario.ScenarioTables;
import io.profitlake.scenario.ScenarioWindow;
import io.profitlake.scenario.Standing;
import io.profitlake.source.AcceptedRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured scenarios (methods.md, Scenarios), replayed after the baseline: each runs the baseline's own
 * cost-to-serve and P&L steps ({@link Pipeline}) over the window, on its view of the run's accepted rows and with
 * its cost model, and the three scenario tables compare them with the baseline.
 */
final class ScenarioReplay {
  private static final Logger LOG = LoggerFactory.getLogger(ScenarioReplay.class);

  private ScenarioReplay() {}

  /**
   * An explicit exit list that names a customer the run did not accept is a configuration mistake: checked right
   * after the sources, before anything is computed (one small query, and only when a list is given).
   */
  static void requireKnownCustomers(List<Scenario> scenarios, Dataset<Row> customers) {
    Set<String> listed = new TreeSet<>();
    for (Scenario scenario : scenarios) {
      scenario.exit().ifPresent(exit -> listed.addAll(exit.customers()));
    }
    if (listed.isEmpty()) {
      return;
    }
    Set<String> known = new TreeSet<>(customers.select(col(Tables.CUSTOMER_ID))
        .where(col(Tables.CUSTOMER_ID).isin(listed.toArray())).as(Encoders.STRING()).collectAsList());
    for (Scenario scenario : scenarios) {
      List<String> unknown = scenario.exit().map(exit -> exit.customers().stream()
          .filter(id -> !known.contains(id)).toList()).orElse(List.of());
      if (!unknown.isEmpty()) {
        throw new ConfigurationError("scenario " + scenario.name() + ": exit.customers names "
            + String.join(", ", unknown) + ", not an accepted customer of this run (source customers; see the "
            + "quarantine table if it was rejected): fix the id or remove it");
      }
    }
  }

  /**
   * @param baseline the run's customer P&L (every processed period)
   * @param baselineBooks the run's pool books
   * @param recorded customer_profitability as the lakehouse holds it after this run's write
   */
  static ScenarioTables.Result replay(SparkSession spark, CostModel model, List<Scenario> scenarios,
      Materialisation frames, AcceptedRows sources, Periods processed, Dataset<Row> baseline, Dataset<Row> baselineBooks,
      Dataset<Row> recorded) {
    ScenarioWindow window = ScenarioWindow.of(processed);
    Dataset<Row> nobody = spark.createDataset(List.<String>of(), Encoders.STRING()).toDF(Tables.CUSTOMER_ID);
    ScenarioTables.Replay base = new ScenarioTables.Replay(Scenario.BASELINE,
        "The run's own results: nothing changed", baseline, baselineBooks, nobody, true);
    Optional<Dataset<Row>> standing = window.before().map(before -> frames.keep(Standing.asOf(recorded, before)));
    List<ScenarioTables.Replay> replays = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      warnWithoutStanding(scenario, window);
      Dataset<Row> exited = scenario.exit()
          .map(exit -> frames.keep(Standing.exited(spark, exit, standing)))
          .orElse(nobody);
      AcceptedRows levered = Levers.apply(sources, scenario, exited, standing, window);
      Pipeline pipeline = new Pipeline(spark, scenario.applyTo(model), frames, stage -> { }, levered, window.periods());
      Pipeline.Costs costs = pipeline.costToServe();
      // Read by two of the tables: computed once.
      Dataset<Row> pnl = frames.keep(CustomerProfitability.withNetProfit(pipeline.componentsPerCustomer(costs)));
      replays.add(new ScenarioTables.Replay(scenario.name(), scenario.description(), pnl, costs.books(), exited, false));
    }
    List<String> names = new ArrayList<>(List.of(Scenario.BASELINE));
    scenarios.forEach(scenario -> names.add(scenario.name()));
    LOG.info("scenarios over {}: {}", window.periods(), String.join(", ", names));
    return ScenarioTables.of(base, replays, window);
  }

  private static void warnWithoutStanding(Scenario scenario, ScenarioWindow window) {
    if (window.before().isPresent()) {
      return;
    }
    boolean bySegment = scenario.priceChanges().stream().anyMatch(c -> !c.segment().equals(Scenario.ALL_SEGMENTS));
    if (scenario.exit().map(Scenario.Exit::usesCustomerValue).orElse(false) || bySegment) {
      LOG.warn("scenario {}: the window {} starts at the first processed period, so no period before it says "
          + "where customers stood: only an explicit exit.customers list and price changes for ALL apply",
          scenario.name(), window.periods());
    }
  }
}
