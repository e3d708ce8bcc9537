package io.profitlake.failure;

/** The process exit codes of the CLI, documented in README and --help. */
public enum ExitCode {
  SUCCESS(0),
  UNEXPECTED(1),
  USAGE_OR_CONFIG(2),
  INPUT_CONTRACT(3),
  QUARANTINE_RATE(4),
  RECONCILIATION(5);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
