package io.profitlake.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes hand-built CSV inputs for tests. */
public final class CsvFiles {
  private CsvFiles() {}

  /** Writes {@code lines} (header first) as {@code dir/source/part-0.csv}. */
  public static Path write(Path dir, String source, String... lines) throws IOException {
    Path folder = dir.resolve(source);
    Files.createDirectories(folder);
    Path file = folder.resolve("part-0.csv");
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }
}
