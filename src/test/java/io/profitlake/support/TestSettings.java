package io.profitlake.support;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.profitlake.config.Settings;
import io.profitlake.config.SettingsLoader;
import java.io.File;
import java.nio.file.Path;

/** Settings for tests: literal HOCON over the project's cost model and the reference defaults. */
public final class TestSettings {
  private TestSettings() {}

  public static Config layered(String hocon) {
    return ConfigFactory.parseString(hocon)
        .withFallback(ConfigFactory.parseFile(new File("conf/cost-model.conf")))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** Settings from literal HOCON over the reference defaults only: a cost model written whole in the test. */
  public static Settings parseAlone(String hocon) {
    return SettingsLoader.fromConfig(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve());
  }

  public static Settings parse(String hocon) {
    return SettingsLoader.fromConfig(layered(hocon));
  }

  /** Every source as CSV in {@code dir}/{source}, the lakehouse in {@code lakehouse}. */
  public static String sourcesIn(Path dir, Path lakehouse) {
    StringBuilder hocon = new StringBuilder("profitlake {\n");
    hocon.append("  lakehouse.path = \"").append(lakehouse).append("\"\n");
    hocon.append("  spark { shuffle-partitions = 2, conf { \"spark.ui.enabled\" = \"false\" } }\n");
    hocon.append("  sources {\n");
    for (String source : Settings.SOURCE_NAMES) {
      hocon.append("    ").append(source).append(" { path = \"").append(dir.resolve(source)).append("\", format = csv }\n");
    }
    hocon.append("  }\n}\n");
    return hocon.toString();
  }
}
