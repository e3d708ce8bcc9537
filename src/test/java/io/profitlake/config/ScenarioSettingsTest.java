package io.profitlake.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.profitlake.insights.Actions;
import io.profitlake.insights.Segments;
import io.profitlake.insights.Status;
import io.profitlake.support.TestSettings;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** profitlake.scenarios: what loads, and every mistake named with its key, value and what is allowed. */
class ScenarioSettingsTest {

  private static List<Scenario> scenarios(String list) {
    return TestSettings.parse("profitlake.scenarios = " + list).scenarios();
  }

  private static String error(String list) {
    return assertThrows(ConfigurationError.class, () -> scenarios(list)).getMessage();
  }

  @Test
  void noScenariosByDefault() {
    assertEquals(List.of(), TestSettings.parse("").scenarios());
  }

  @Test
  void everyLeverLoads() {
    List<Scenario> loaded = scenarios("[{ name = cut, description = \"all levers\", "
        + "exit { status = UNPROFITABLE, segment = [AGGRESSIVE, BARGAIN_BASEMENT], recommended_action = "
        + "REVIEW_RELATIONSHIP, t12m_decile = [9, 10], customers = [C1, 42] }, "
        + "price_change = [{ segment = PASSIVE, fraction = 0.05 }, { segment = NO_REVENUE, fraction = -0.1 }], "
        + "pools { support { capacity_minutes = 100000, cost_factor = 0.8285714286 }, call_centre { cost_factor = 1 } }, "
        + "activities { answer_call { base_minutes = 0.5, coefficients { talk_minutes = 0.75 } } } }, "
        + "{ name = nothing, description = \"\" }]");
    assertEquals(2, loaded.size());
    Scenario cut = loaded.get(0);
    assertEquals("cut", cut.name());
    Scenario.Exit exit = cut.exit().orElseThrow();
    assertEquals(List.of("UNPROFITABLE"), exit.statuses());
    assertEquals(List.of("AGGRESSIVE", "BARGAIN_BASEMENT"), exit.segments());
    assertEquals(List.of("REVIEW_RELATIONSHIP"), exit.recommendedActions());
    assertEquals(List.of(9, 10), exit.t12mDeciles());
    assertEquals(List.of("C1", "42"), exit.customers());
    assertEquals(List.of(new Scenario.PriceChange("PASSIVE", new BigDecimal("0.05")),
        new Scenario.PriceChange("NO_REVENUE", new BigDecimal("-0.1"))), cut.priceChanges());
    assertEquals(new Scenario.PoolLever(Optional.of(new BigDecimal("100000")), Optional.of(new BigDecimal("0.8285714286"))),
        cut.pools().get("support"));
    assertEquals(new Scenario.PoolLever(Optional.empty(), Optional.of(BigDecimal.ONE)), cut.pools().get("call_centre"));
    assertEquals(new Scenario.TimeEquation(new BigDecimal("0.5"), Map.of("talk_minutes", new BigDecimal("0.75"))),
        cut.activities().get("answer_call"));
    Scenario nothing = loaded.get(1);
    assertEquals(List.of(Optional.empty(), List.of(), Map.of(), Map.of()),
        List.of(nothing.exit(), nothing.priceChanges(), nothing.pools(), nothing.activities()));
  }

  @Test
  void theScenarioCostModelChangesOnlyWhatTheLeversSay() {
    Settings settings = TestSettings.parse("profitlake.scenarios = [{ name = s, description = d, "
        + "pools { support { capacity_minutes = 90000 } }, activities { answer_call { base_minutes = 2 } } }]");
    CostModel base = settings.costModel();
    CostModel model = settings.scenarios().get(0).applyTo(base);
    assertEquals(new BigDecimal("90000"), model.pools().get("support").capacityMinutes());
    assertEquals(base.pools().get("support").mode(), model.pools().get("support").mode());
    assertEquals(base.pools().get("fulfilment"), model.pools().get("fulfilment"));
    // The new equation replaces the whole one: the omitted coefficients count 0.
    assertEquals(new CostModel.Activity("answer_call", "call_centre", Driver.CALL, new BigDecimal("2"), Map.of()),
        model.activities().get("answer_call"));
    assertEquals(base.activities().get("handle_ticket"), model.activities().get("handle_ticket"));
    assertEquals(base.sharedPools(), model.sharedPools());
  }

  @Test
  void theCriteriaValuesAreTheOnesTheInsightsWrite() {
    assertEquals(List.of(Status.PROFITABLE, Status.BREAKEVEN, Status.UNPROFITABLE, "LAPSED"), Scenario.STATUSES);
    assertEquals(List.of(Segments.PASSIVE, Segments.CARRIAGE_TRADE, Segments.BARGAIN_BASEMENT, Segments.AGGRESSIVE,
        Segments.NO_REVENUE), Scenario.SEGMENTS);
    assertEquals(List.of(Actions.COLLECT, Actions.PROTECT, Actions.GROW, Actions.KEEP_FOR_REFERRALS,
        Actions.REVIEW_RELATIONSHIP, Actions.REPRICE, Actions.REDUCE_COST_TO_SERVE), Scenario.ACTIONS);
  }

  @Test
  void namesAreIdentifiersUniqueAndNotBaseline() {
    assertEquals("profitlake.scenarios[0].name = \"exit review\": must be an identifier (a letter or _, then letters, "
        + "digits or _), such as exit_review", error("[{ name = \"exit review\", description = d }]"));
    assertEquals("profitlake.scenarios[0].name = Baseline: is reserved for the run's own results; choose another name",
        error("[{ name = Baseline, description = d }]"));
    assertEquals("profitlake.scenarios[1].name = a: names another scenario too; scenario names are unique",
        error("[{ name = a, description = d }, { name = a, description = e }]"));
    assertEquals("missing key profitlake.scenarios[0].description", error("[{ name = a }]"));
  }

  @Test
  void anUnknownLeverIsNamedWithTheAllowedOnes() {
    assertEquals("unknown key profitlake.scenarios[0].price-change: allowed keys under profitlake.scenarios[0] are "
        + "[activities, description, exit, name, pools, price_change]",
        error("[{ name = a, description = d, price-change = [] }]"));
    assertEquals("profitlake.scenarios = {}: must be a list [ { ... }, { ... } ]",
        assertThrows(ConfigurationError.class, () -> TestSettings.parse("profitlake.scenarios {}")).getMessage());
  }

  @Test
  void exitCriteriaAreCheckedValueByValue() {
    assertEquals("profitlake.scenarios[0].exit.status = LOSSMAKING: must be one of [PROFITABLE, BREAKEVEN, "
        + "UNPROFITABLE, LAPSED]", error("[{ name = a, description = d, exit { status = [UNPROFITABLE, LOSSMAKING] } }]"));
    assertEquals("profitlake.scenarios[0].exit.t12m_decile = 11: each decile must be a whole number from 1 to 10",
        error("[{ name = a, description = d, exit { t12m_decile = 11 } }]"));
    assertEquals("profitlake.scenarios[0].exit = {}: an exit needs at least one criterion: status, segment, "
        + "recommended_action, t12m_decile or customers (an exit of everyone is not a scenario)",
        error("[{ name = a, description = d, exit {} }]"));
    assertEquals("profitlake.scenarios[0].exit.segment = []: an empty list matches nothing; give values or leave "
        + "the key out", error("[{ name = a, description = d, exit { segment = [] } }]"));
    assertEquals("unknown key profitlake.scenarios[0].exit.decile: allowed keys under profitlake.scenarios[0].exit are "
        + "[customers, recommended_action, segment, status, t12m_decile]",
        error("[{ name = a, description = d, exit { decile = 1 } }]"));
  }

  @Test
  void priceChangesNameEachSegmentOnceAndAllAlone() {
    assertEquals("profitlake.scenarios[0].price_change[1].segment = ALL: ALL changes every customer's prices, so it "
        + "must be the only entry of profitlake.scenarios[0].price_change",
        error("[{ name = a, description = d, price_change = [{ segment = PASSIVE, fraction = 0.1 }, "
            + "{ segment = ALL, fraction = 0.1 }] }]"));
    assertEquals("profitlake.scenarios[0].price_change[1].segment = PASSIVE: appears twice in "
        + "profitlake.scenarios[0].price_change; each segment at most once",
        error("[{ name = a, description = d, price_change = [{ segment = PASSIVE, fraction = 0.1 }, "
            + "{ segment = PASSIVE, fraction = 0.2 }] }]"));
    assertEquals("profitlake.scenarios[0].price_change[0].fraction = -1: must be a fraction above -1 with at most 6 "
        + "decimals (0.05 = 5% more)",
        error("[{ name = a, description = d, price_change = [{ segment = ALL, fraction = -1 }] }]"));
    assertEquals("profitlake.scenarios[0].price_change[0].fraction = 0.1234567: must be a fraction above -1 with at "
        + "most 6 decimals (0.05 = 5% more)",
        error("[{ name = a, description = d, price_change = [{ segment = ALL, fraction = 0.1234567 }] }]"));
    assertEquals("profitlake.scenarios[0].price_change[0].segment = WHALES: must be one of [PASSIVE, CARRIAGE_TRADE, "
        + "BARGAIN_BASEMENT, AGGRESSIVE, NO_REVENUE, ALL]",
        error("[{ name = a, description = d, price_change = [{ segment = WHALES, fraction = 0.1 }] }]"));
  }

  @Test
  void poolLeversNameResourcePools() {
    assertEquals("profitlake.scenarios[0].pools.it_equipment = {...}: is a shared pool: no lever cuts a shared pool "
        + "(its share flows into the resource pools); resource pools are [call_centre, field_sales, finance_ops, "
        + "fulfilment, support]",
        error("[{ name = a, description = d, pools { it_equipment { cost_factor = 0.5 } } }]"));
    assertEquals("profitlake.scenarios[0].pools.helpdesk = {...}: names no resource pool of the cost model; resource "
        + "pools are [call_centre, field_sales, finance_ops, fulfilment, support]",
        error("[{ name = a, description = d, pools { helpdesk { cost_factor = 0.5 } } }]"));
    assertEquals("unknown key profitlake.scenarios[0].pools.support.capacity-minutes: allowed keys under "
        + "profitlake.scenarios[0].pools.support are [capacity_minutes, cost_factor]",
        error("[{ name = a, description = d, pools { support { capacity-minutes = 5 } } }]"));
    assertEquals("profitlake.scenarios[0].pools.support.cost_factor = 0.12345678901: must have at most 10 decimals",
        error("[{ name = a, description = d, pools { support { cost_factor = 0.12345678901 } } }]"));
    assertEquals("profitlake.scenarios[0].pools.support.capacity_minutes = -1: must be >= 0",
        error("[{ name = a, description = d, pools { support { capacity_minutes = -1 } } }]"));
    assertEquals("profitlake.scenarios[0].pools.support = {}: a pool lever needs capacity_minutes, cost_factor or both",
        error("[{ name = a, description = d, pools { support {} } }]"));
  }

  @Test
  void activityLeversUseTheirDriversAttributes() {
    assertEquals("profitlake.scenarios[0].activities.answer_cal = {...}: names no activity of the cost model; "
        + "activities are [answer_call, handle_ticket, invoice_customer, process_order, process_return, sales_visit]",
        error("[{ name = a, description = d, activities { answer_cal { base_minutes = 1 } } }]"));
    assertEquals("profitlake.scenarios[0].activities.answer_call.coefficients.handle_minutes = 1: unknown attribute "
        + "of driver call in activity answer_call; allowed attributes are [talk_minutes, wait_minutes]",
        error("[{ name = a, description = d, activities { answer_call { coefficients { handle_minutes = 1 } } } }]"));
  }

  @Test
  void theSampleScenariosLoadFromTheirFile() {
    CostModel model = TestSettings.parse("").costModel();
    List<Scenario> examples = SettingsLoader.scenarios(new java.io.File("conf/scenarios.conf"), model);
    assertEquals(List.of("exit_review_relationship", "exit_review_and_cut_support", "reprice_aggressive"),
        examples.stream().map(Scenario::name).toList());
    assertEquals(List.of("REVIEW_RELATIONSHIP"), examples.get(0).exit().orElseThrow().recommendedActions());
    assertEquals(List.of(new Scenario.PriceChange("AGGRESSIVE", new BigDecimal("0.05"))), examples.get(2).priceChanges());
  }

  @Test
  void aScenarioFileHoldsOnlyScenarios(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    CostModel model = TestSettings.parse("").costModel();
    java.io.File missing = dir.resolve("none.conf").toFile();
    assertEquals("scenario file " + missing + " does not exist (give an existing file to --scenarios)",
        assertThrows(ConfigurationError.class, () -> SettingsLoader.scenarios(missing, model)).getMessage());
    java.nio.file.Path other = java.nio.file.Files.writeString(dir.resolve("other.conf"), "profitlake.pepper = x\n");
    assertEquals("scenario file " + other + " holds no profitlake.scenarios = [ { name = ..., description = ..., ... } ] "
        + "(conf/scenarios.conf is an example)",
        assertThrows(ConfigurationError.class, () -> SettingsLoader.scenarios(other.toFile(), model)).getMessage());
    java.nio.file.Path mixed = java.nio.file.Files.writeString(dir.resolve("mixed.conf"),
        "profitlake.pepper = x\nprofitlake.scenarios = []\n");
    assertEquals("unknown key profitlake.pepper: allowed keys under profitlake are [scenarios]",
        assertThrows(ConfigurationError.class, () -> SettingsLoader.scenarios(mixed.toFile(), model)).getMessage());
  }
}
