package io.profitlake.failure;

/**
 * A failure the user can act on: the message says what was wrong, where, and how to fix it, and
 * the exit code says which kind it was. Anything else that escapes the job is exit 1.
 */
public class JobFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ExitCode exitCode;

  public JobFailure(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public JobFailure(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  public static JobFailure inputContract(String message) {
    return new JobFailure(ExitCode.INPUT_CONTRACT, message);
  }
}
