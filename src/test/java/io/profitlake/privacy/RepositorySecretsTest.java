package io.profitlake.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No secret or credential in the repository: every file under version control (or, without git, every
 * file outside target/ and .git/) is scanned for the shapes of keys, tokens and passwords.
 */
class RepositorySecretsTest {
  /** Credential shapes: cloud keys, tokens, private keys, and a password or secret given a literal value. */
  static final List<Pattern> SECRETS = List.of(
      Pattern.compile("AKIA[0-9A-Z]{16}"),
      Pattern.compile("-----BEGIN (RSA |EC |DSA |OPENSSH |PGP )?PRIVATE KEY( BLOCK)?-----"),
      Pattern.compile("gh[pousr]_[A-Za-z0-9]{36}"),
      Pattern.compile("xox[abprs]-[A-Za-z0-9-]{10,}"),
      Pattern.compile("AIza[0-9A-Za-z_-]{35}"),
      Pattern.compile("(?i)(aws_secret_access_key|password|passwd|secret|api[_-]?key|access[_-]?token|pepper)"
          + "\\s*[=:]\\s*[\"']?[A-Za-z0-9/+_-]{12,}[\"']?\\s*$"),
      Pattern.compile("(?i)://[^/\\s:@]+:[^/\\s:@]{6,}@"));

  private static Optional<String> secretIn(String line) {
    for (Pattern pattern : SECRETS) {
      Matcher matcher = pattern.matcher(line);
      if (matcher.find()) {
        return Optional.of(pattern.pattern());
      }
    }
    return Optional.empty();
  }

  @Test
  void thePatternsFindPlantedSecretsAndSpareOrdinaryCode() {
    // Planted values are assembled at run time so that this file itself holds none.
    List<String> planted = List.of(
        "aws_access_key_id = " + "AKIA" + "Q3EXAMPLE7KEY2ZZ",
        "-----BEGIN " + "RSA PRIVATE KEY-----",
        "token: gh" + "p_" + "a".repeat(36),
        "profitlake.pepper = \"" + "s3cr3tPepperValue" + "\"",
        "password=" + "hunter2hunter2",
        "url = \"jdbc:postgresql://admin:" + "Sup3rSecret@db/x\"");
    for (String line : planted) {
      assertTrue(secretIn(line).isPresent(), line);
    }
    List<String> ordinary = List.of(
        "String pepperText = root.string(\"pepper\");",
        "# PROFITLAKE_PEPPER keys the hash of contact emails.",
        "builder.config(\"spark.connect.authenticate.token\", token);",
        "pepper = ${?PROFITLAKE_PEPPER}",
        "metastore-uri = \"thrift://metastore.internal:9083\"");
    for (String line : ordinary) {
      assertEquals(Optional.empty(), secretIn(line), line);
    }
  }

  @Test
  void noFileOfTheRepositoryHoldsASecret() throws Exception {
    List<String> findings = new ArrayList<>();
    List<Path> files = trackedFiles();
    assertTrue(files.size() > 50, "the scan sees the repository: " + files.size() + " files");
    for (Path file : files) {
      if (!Files.isRegularFile(file) || isBinary(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      for (int i = 0; i < lines.size(); i++) {
        int lineNumber = i + 1;
        secretIn(lines.get(i)).ifPresent(p -> findings.add(file + ":" + lineNumber + " matches " + p));
      }
    }
    assertEquals(List.of(), findings);
  }

  /** git ls-files when this is a clone; otherwise every file outside target/ and .git/. */
  private static List<Path> trackedFiles() throws IOException, InterruptedException {
    Path root = Path.of("").toAbsolutePath();
    if (Files.isDirectory(root.resolve(".git"))) {
      Process git = new ProcessBuilder("git", "ls-files", "-z").directory(root.toFile()).start();
      String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (git.waitFor() == 0) {
        return Stream.of(out.split("\0")).filter(s -> !s.isEmpty()).map(root::resolve).toList();
      }
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !p.startsWith(root.resolve("target")) && !p.startsWith(root.resolve(".git"))
          && !p.startsWith(root.resolve("lakehouse")) && !p.startsWith(root.resolve("data"))).toList();
    }
  }

  private static boolean isBinary(Path file) throws IOException {
    byte[] head = new byte[Math.min(8000, (int) Files.size(file))];
    try (var in = Files.newInputStream(file)) {
      int read = in.readNBytes(head, 0, head.length);
      for (int i = 0; i < read; i++) {
        if (head[i] == 0) {
          return true;
        }
      }
    }
    return false;
  }
}
