package io.profitlake.config;

/**
 * A setting that cannot be used: names the key, the value found and what is allowed. The CLI turns
 * it into exit code 2.
 */
public final class ConfigurationError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigurationError(String message) {
    super(message);
  }

  static ConfigurationError at(String key, Object value, String allowed) {
    return new ConfigurationError(key + " = " + value + ": " + allowed);
  }
}
