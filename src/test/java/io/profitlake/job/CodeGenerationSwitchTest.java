package io.profitlake.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.profitlake.config.Settings.CodeGeneration;
import io.profitlake.support.SparkTestBase;
import org.junit.jupiter.api.Test;

class CodeGenerationSwitchTest extends SparkTestBase {
  private static final long MB = 1L << 20;
  private static final String WHOLE_STAGE = "spark.sql.codegen.wholeStage";
  private static final String FACTORY_MODE = "spark.sql.codegen.factoryMode";

  @Test
  void autoIsInterpretedBelow16MbOfSourceFiles() {
    // The sample's 13 MB runs faster interpreted, 1e5 lines (33 MB) compiled (README, Performance).
    assertTrue(CodeGenerationSwitch.interpreted(CodeGeneration.AUTO, 13 * MB));
    assertTrue(CodeGenerationSwitch.interpreted(CodeGeneration.AUTO, 16 * MB - 1));
    assertFalse(CodeGenerationSwitch.interpreted(CodeGeneration.AUTO, 16 * MB));
    assertFalse(CodeGenerationSwitch.interpreted(CodeGeneration.AUTO, 33 * MB));
  }

  @Test
  void onAndOffIgnoreTheSize() {
    assertFalse(CodeGenerationSwitch.interpreted(CodeGeneration.ON, 0));
    assertTrue(CodeGenerationSwitch.interpreted(CodeGeneration.OFF, 1L << 40));
  }

  @Test
  void interpretedForTheRunThenTheSessionsOwnSettingsAgain() {
    // One setting the session had, one it did not.
    spark.conf().set(WHOLE_STAGE, "true");
    spark.conf().unset(FACTORY_MODE);
    try (CodeGenerationSwitch run = CodeGenerationSwitch.apply(spark, CodeGeneration.AUTO, MB)) {
      assertEquals("false", spark.conf().get(WHOLE_STAGE));
      assertEquals("NO_CODEGEN", spark.conf().get(FACTORY_MODE));
      // A query in between is evaluated without whole-stage code generation.
      String plan = spark.range(3).selectExpr("id * 2 AS x").queryExecution().executedPlan().toString();
      assertFalse(plan.contains("WholeStageCodegen") || plan.contains("*("), plan);
    }
    assertEquals("true", spark.conf().get(WHOLE_STAGE));
    assertFalse(spark.conf().contains(FACTORY_MODE), "the unset setting is unset again");
  }

  @Test
  void compiledLeavesTheSessionAsItIs() {
    spark.conf().unset(WHOLE_STAGE);
    try (CodeGenerationSwitch run = CodeGenerationSwitch.apply(spark, CodeGeneration.AUTO, 16 * MB)) {
      assertFalse(spark.conf().contains(WHOLE_STAGE));
      String plan = spark.range(3).selectExpr("id * 2 AS x").queryExecution().executedPlan().toString();
      assertTrue(plan.contains("*("), "whole-stage code generation marks its operators: " + plan);
    }
    assertFalse(spark.conf().contains(WHOLE_STAGE));
  }
}
