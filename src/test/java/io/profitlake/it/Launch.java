package io.profitlake.it;

import io.profitlake.support.TestSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the integration tests share: running the project's commands as a user does, configs, ports. */
final class Launch {
  private Launch() {}

  /** A finished command: its exit code and everything it printed. */
  record Result(int exitCode, String output) {
    String lastLine() {
      String[] lines = output.strip().split("\n");
      return lines[lines.length - 1].strip();
    }
  }

  static Result run(Path cwd, List<String> command, int minutes) throws Exception {
    return run(cwd, command, minutes, Map.of());
  }

  /** Runs a command to its end (killed, with its children, after {@code minutes}). */
  static Result run(Path cwd, List<String> command, int minutes, Map<String, String> env) throws Exception {
    Path log = Files.createTempFile("profitlake-it", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + minutes + " minutes");
    }
    return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /**
   * Runs a command to its end, like {@link #run(Path, List, int, Map)}, and calls {@code action} once, as soon as
   * its output shows {@code marker}.
   */
  static Result runAndAct(Path cwd, List<String> command, int minutes, Map<String, String> env, String marker,
      Runnable action) throws Exception {
    Path log = Files.createTempFile("profitlake-it", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
    boolean acted = false;
    while (!process.waitFor(500, TimeUnit.MILLISECONDS)) {
      if (!acted && Files.readString(log, StandardCharsets.UTF_8).contains(marker)) {
        action.run();
        acted = true;
      }
      if (System.nanoTime() > deadline) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in " + minutes + " minutes");
      }
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    if (!acted) {
      throw new AssertionError(String.join(" ", command) + " ended before printing " + marker + ":\n" + output);
    }
    return new Result(process.exitValue(), output);
  }

  /** The launcher of the README, bin/profitlake, with its arguments. */
  static List<String> profitlake(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(Path.of("bin/profitlake").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * A config file for the CLI: the project's cost model, every source as CSV under {@code inputs}, the
   * lakehouse at {@code lakehouse}, no sample generation.
   */
  static Path config(Path file, Path inputs, Path lakehouse) throws IOException {
    Files.writeString(file, "include file(\"" + Path.of("conf/cost-model.conf").toAbsolutePath() + "\")\n"
        + TestSettings.sourcesIn(inputs, lakehouse)
        + "profitlake.sample.generate-if-missing = false\nprofitlake.spark.master = \"local[2]\"\n");
    return file;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
