package io.profitlake.job;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version Maven wrote into the jar. */
public final class AppVersion {
  private AppVersion() {}

  public static String get() {
    try (InputStream in = AppVersion.class.getResourceAsStream("/profitlake-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
