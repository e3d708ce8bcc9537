package io.profitlake.job;

import io.profitlake.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code profitlake.spark.code-generation} for one run. Spark compiles each query's operators to Java
 * code, and the JVM then compiles that compiler and the code it made: on a large input that pays many
 * times over, on a small one it takes longer than the work it speeds up. {@code auto} evaluates the run's
 * queries interpreted when the source files total less than {@link #SMALL_INPUT_BYTES} (README,
 * Performance, has the measurements). Interpreted is Spark's own evaluation path, the one it falls back
 * to whenever generated code does not compile: the same expressions, the same results. The session's
 * previous settings come back when the run ends, so a session shared with other work keeps its own.
 */
public final class CodeGenerationSwitch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CodeGenerationSwitch.class);

  /** Below this much source text a run is faster interpreted (measured: 13 MB faster, 33 MB slower). */
  static final long SMALL_INPUT_BYTES = 16L << 20;
  /**
   * No whole-stage code generation, and every expression through Spark's interpreted evaluation. Public for the
   * integration tests' reader session, which reads small tables the same way.
   */
  public static final Map<String, String> INTERPRETED = Map.of(
      "spark.sql.codegen.wholeStage", "false",
      "spark.sql.codegen.factoryMode", "NO_CODEGEN");

  private final RuntimeConfig conf;
  /** The settings replaced, each with its previous value (empty: it was not set). */
  private final Map<String, Optional<String>> replaced;

  private CodeGenerationSwitch(RuntimeConfig conf, Map<String, Optional<String>> replaced) {
    this.conf = conf;
    this.replaced = replaced;
  }

  /** Whether a run over this much source text is evaluated interpreted. */
  static boolean interpreted(Settings.CodeGeneration mode, long inputBytes) {
    return switch (mode) {
      case ON -> false;
      case OFF -> true;
      case AUTO -> inputBytes < SMALL_INPUT_BYTES;
    };
  }

  /** Sets the session for the run; {@link #close} puts back what it replaced. */
  static CodeGenerationSwitch apply(SparkSession spark, Settings.CodeGeneration mode, long inputBytes) {
    RuntimeConfig conf = spark.conf();
    Map<String, Optional<String>> replaced = new LinkedHashMap<>();
    boolean interpreted = interpreted(mode, inputBytes);
    if (interpreted) {
      INTERPRETED.forEach((key, value) -> {
        replaced.put(key, conf.contains(key) ? Optional.of(conf.get(key)) : Optional.empty());
        conf.set(key, value);
      });
    }
    LOG.info("code generation: {} ({}: {} MB of source files)", interpreted ? "off, queries evaluated interpreted" : "on",
        mode.configName(), inputBytes >> 20);
    return new CodeGenerationSwitch(conf, replaced);
  }

  @Override
  public void close() {
    replaced.forEach((key, previous) -> {
      if (previous.isPresent()) {
        conf.set(key, previous.get());
      } else {
        conf.unset(key);
      }
    });
  }
}
