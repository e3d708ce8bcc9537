package io.profitlake.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.RollingFileAppender;

/**
 * The console and the log file of log4j2.properties: the console shows a run's progress, warnings and errors,
 * the file every line; {@code --verbose} shows every line on the console too.
 */
final class ConsoleLog {
  /**
   * Read by log4j2.properties: the level of the lines the console shows besides the progress. Not under
   * {@code profitlake.}: Typesafe Config reads every system property, and that root takes only its own keys.
   */
  static final String CONSOLE_LEVEL = "profitlake-log.console-level";

  private ConsoleLog() {}

  /** Every line of the log file on the console as well, from now on. */
  static void verbose() {
    System.setProperty(CONSOLE_LEVEL, "info");
    if (LogManager.getContext(false) instanceof LoggerContext context) {
      context.reconfigure();
    }
  }

  /** The log file, when the job's own log4j2.properties is the configuration in use. */
  static Optional<Path> file() {
    if (LogManager.getContext(false) instanceof LoggerContext context) {
      Appender appender = context.getConfiguration().getAppender("file");
      if (appender instanceof RollingFileAppender rolling) {
        return Optional.of(Path.of(rolling.getFileName()).toAbsolutePath().normalize());
      }
    }
    return Optional.empty();
  }
}
