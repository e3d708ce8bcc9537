package io.profitlake.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.profitlake.config.Settings;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark: for each size, generates the inputs once (transaction lines as the size, the other
 * sources in the generator's proportions), runs the whole job in a fresh JVM per repeat, and reports
 * per size the median run: wall times, time per pipeline stage, rows per second, heap, tasks,
 * shuffle bytes, and the scaling exponent between consecutive sizes. Writes bench.json and bench.md.
 */
public final class Benchmark {
  private static final Logger LOG = LoggerFactory.getLogger(Benchmark.class);
  /** Transaction lines per customer the generator makes over 24 months (the sample: 41,209 / 2,000). */
  static final double LINES_PER_CUSTOMER_24_MONTHS = 20.6;

  /**
   * @param baseConfig the config whose cost model and settings the runs use (sources and lakehouse are
   *     replaced by the benchmark's)
   */
  public record Options(List<Long> sizes, int repeat, int months, Path out, File baseConfig, int splitFiles) {
    /** Without the split-files case. */
    public Options(List<Long> sizes, int repeat, int months, Path out, File baseConfig) {
      this(sizes, repeat, months, out, baseConfig, 0);
    }
  }

  private final Options options;
  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Benchmark(Options options) {
    this.options = options;
  }

  /** Runs every size and repeat; returns the Markdown report (also written to the out folder). */
  public String run() throws IOException, InterruptedException {
    Files.createDirectories(options.out().resolve("logs"));
    List<Map<String, Object>> summaries = new ArrayList<>();
    List<Map<String, Object>> splitSummaries = new ArrayList<>();
    for (long size : options.sizes()) {
      Path data = generate(size);
      summaries.add(median(size, label(size), data, data.resolve("transactions")));
      if (options.splitFiles() > 0) {
        // The same rows, the transactions as a folder of part files: one scan per folder must cost about the same.
        Path split = splitTransactions(size, data);
        splitSummaries.add(median(size, label(size) + "-split" + options.splitFiles(), data, split));
      }
    }
    addExponents(summaries);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("machine", machine());
    report.put("months", options.months());
    report.put("sizes", summaries);
    if (!splitSummaries.isEmpty()) {
      report.put("split_files", options.splitFiles());
      report.put("sizes_split", splitSummaries);
    }
    json.writeValue(options.out().resolve("bench.json").toFile(), report);
    String markdown = markdown(summaries);
    if (!splitSummaries.isEmpty()) {
      markdown += "\nThe same inputs with the transactions as " + options.splitFiles() + " part files:\n\n"
          + markdown(splitSummaries);
    }
    Files.writeString(options.out().resolve("bench.md"), markdown, StandardCharsets.UTF_8);
    return markdown;
  }

  /** The median run (by job time) of the repeats of one case. */
  private Map<String, Object> median(long size, String name, Path data, Path transactions)
      throws IOException, InterruptedException {
    List<Map<String, Object>> runs = new ArrayList<>();
    for (int repeat = 1; repeat <= options.repeat(); repeat++) {
      runs.add(measure(size, name + "-run" + repeat, repeat, data, transactions));
    }
    runs.sort(Comparator.comparingDouble(r -> ((Number) r.get("job_seconds")).doubleValue()));
    Map<String, Object> median = new LinkedHashMap<>(runs.get(runs.size() / 2));
    median.put("size", size);
    median.put("repeats", runs.size());
    median.put("job_seconds_all", runs.stream().map(r -> r.get("job_seconds")).toList());
    return median;
  }

  /**
   * The size's transaction lines as {@code splitFiles} part files with a header each (the layout Spark writes),
   * in contiguous runs so that input order, and so every result, stays that of the one file. Made once.
   */
  private Path splitTransactions(long size, Path data) throws IOException {
    int parts = options.splitFiles();
    Path split = options.out().resolve("data").resolve(label(size) + "-" + options.months() + "m-transactions-split" + parts);
    Path done = split.resolve(".complete");
    if (Files.exists(done)) {
      return split;
    }
    deleteTree(split);
    Files.createDirectories(split);
    List<Path> files;
    try (var list = Files.list(data.resolve("transactions"))) {
      files = list.filter(f -> !f.getFileName().toString().startsWith("_") && !f.getFileName().toString().startsWith("."))
          .sorted().toList();
    }
    splitLines(files, split, parts);
    Files.writeString(done, "");
    LOG.info("size {}: transactions split into {} files in {}", label(size), parts, split);
    return split;
  }

  /**
   * The data lines of {@code files} (each starting with the same header) as {@code parts} files part-NNNNN.csv,
   * each with the header and a contiguous run of the lines in order. Streamed twice (count, then copy), so a
   * source of any size fits in memory.
   */
  static void splitLines(List<Path> files, Path out, int parts) throws IOException {
    long lines = 0;
    String header = null;
    for (Path file : files) {
      try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String first = reader.readLine();
        header = header == null ? first : header;
        lines += reader.lines().count();
      }
    }
    long written = 0;
    int part = -1;
    java.io.BufferedWriter writer = null;
    try {
      for (Path file : files) {
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          reader.readLine();
          for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            // Line k (from 0) goes to part floor(k x parts / lines): contiguous runs of nearly equal length.
            int target = (int) (written * parts / lines);
            while (part < target) {
              if (writer != null) {
                writer.close();
              }
              part++;
              writer = newPart(out, part, header);
            }
            writer.write(line);
            writer.newLine();
            written++;
          }
        }
      }
      while (part < parts - 1) {  // parts beyond the lines (or no lines at all) still get their header
        if (writer != null) {
          writer.close();
        }
        part++;
        writer = newPart(out, part, header);
      }
    } finally {
      if (writer != null) {
        writer.close();
      }
    }
  }

  private static java.io.BufferedWriter newPart(Path out, int part, String header) throws IOException {
    java.io.BufferedWriter writer = Files.newBufferedWriter(out.resolve(String.format(Locale.ROOT, "part-%05d.csv", part)),
        StandardCharsets.UTF_8);
    writer.write(header);
    writer.newLine();
    return writer;
  }

  static long customersFor(long lines, int months) {
    return Math.max(20, Math.round(lines / (LINES_PER_CUSTOMER_24_MONTHS * months / 24.0)));
  }

  /** The inputs of a size, generated once and kept (a completed folder carries a marker file). */
  private Path generate(long size) throws IOException, InterruptedException {
    Path data = options.out().resolve("data").resolve(label(size) + "-" + options.months() + "m");
    Path done = data.resolve(".complete");
    if (Files.exists(done)) {
      LOG.info("size {}: reusing the inputs in {}", label(size), data);
      return data;
    }
    deleteTree(data);
    Path config = config("generate-" + label(size), data, options.out().resolve("scratch-lakehouse"),
        data.resolve("transactions"));
    long customers = customersFor(size, options.months());
    LOG.info("size {}: generating {} customers over {} months into {}", label(size), customers, options.months(), data);
    long started = System.nanoTime();
    int exit = child(List.of("io.profitlake.cli.ProfitLakeCli", "generate", "--config", config.toString(),
        "--customers", String.valueOf(customers), "--months", String.valueOf(options.months()),
        "--out", data.toString()), options.out().resolve("logs").resolve("generate-" + label(size) + ".log"));
    if (exit != 0) {
      throw new IllegalStateException("generating size " + label(size) + " failed with exit " + exit + "; see "
          + options.out().resolve("logs"));
    }
    Files.writeString(done, "");
    LOG.info("size {}: generated in {} s", label(size), (System.nanoTime() - started) / 1_000_000_000);
    return data;
  }

  private Map<String, Object> measure(long size, String name, int repeat, Path data, Path transactions)
      throws IOException, InterruptedException {
    Path lakehouse = options.out().resolve("lakehouse").resolve(name);
    deleteTree(lakehouse);
    Path config = config(name, data, lakehouse, transactions);
    Path metrics = options.out().resolve("logs").resolve(name + ".json");
    Files.deleteIfExists(metrics);
    LOG.info("{}: run {} of {} (fresh JVM, empty lakehouse)", name, repeat, options.repeat());
    long started = System.nanoTime();
    int exit = child(List.of(BenchRun.class.getName(), config.toString(), metrics.toString()),
        options.out().resolve("logs").resolve(name + ".log"));
    double wall = (System.nanoTime() - started) / 1e9;
    if (exit != 0 || !Files.exists(metrics)) {
      throw new IllegalStateException("the run of size " + label(size) + " failed with exit " + exit + "; see "
          + options.out().resolve("logs").resolve(name + ".log"));
    }
    Map<String, Object> result = json.readValue(metrics.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
    result.put("process_seconds", Math.round(wall * 1000) / 1000.0);
    LOG.info("{}: run {} took {} s (job {} s)", name, repeat, String.format(Locale.ROOT, "%.1f", wall),
        result.get("job_seconds"));
    deleteTree(lakehouse);
    return result;
  }

  /** A config over the base one: the size's inputs, its own lakehouse, no sample generation. */
  private Path config(String name, Path data, Path lakehouse, Path transactions) throws IOException {
    StringBuilder hocon = new StringBuilder();
    if (options.baseConfig() != null) {
      hocon.append("include file(\"").append(options.baseConfig().getAbsolutePath()).append("\")\n");
    }
    hocon.append("profitlake.lakehouse.path = \"").append(lakehouse.toAbsolutePath()).append("\"\n");
    hocon.append("profitlake.sample.generate-if-missing = false\n");
    for (String source : Settings.SOURCE_NAMES) {
      Path path = source.equals("transactions") ? transactions : data.resolve(source);
      hocon.append("profitlake.sources.").append(source).append(" { path = \"")
          .append(path.toAbsolutePath()).append("\", format = csv }\n");
    }
    Path file = options.out().resolve("logs").resolve(name + ".conf");
    Files.writeString(file, hocon.toString(), StandardCharsets.UTF_8);
    return file;
  }

  /** Runs a main class in a fresh JVM with this JVM's flags and classpath. */
  private static int child(List<String> mainAndArgs, Path log) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!flag.startsWith("-agentlib") && !flag.startsWith("-javaagent")) {
        command.add(flag);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(mainAndArgs);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(3, TimeUnit.HOURS)) {
      process.destroyForcibly();
      throw new IllegalStateException("gave up after 3 hours: " + String.join(" ", mainAndArgs));
    }
    return process.exitValue();
  }

  /** log(t2 / t1) / log(n2 / n1) between consecutive sizes, on job time and transaction lines read. */
  static void addExponents(List<Map<String, Object>> summaries) {
    for (int i = 1; i < summaries.size(); i++) {
      double n1 = ((Number) summaries.get(i - 1).get("transaction_lines")).doubleValue();
      double n2 = ((Number) summaries.get(i).get("transaction_lines")).doubleValue();
      double t1 = ((Number) summaries.get(i - 1).get("job_seconds")).doubleValue();
      double t2 = ((Number) summaries.get(i).get("job_seconds")).doubleValue();
      summaries.get(i).put("scaling_exponent", exponent(n1, t1, n2, t2));
    }
  }

  static double exponent(double n1, double t1, double n2, double t2) {
    return Math.round(Math.log(t2 / t1) / Math.log(n2 / n1) * 1000) / 1000.0;
  }

  static String markdown(List<Map<String, Object>> summaries) {
    StringBuilder md = new StringBuilder();
    md.append("| size | transaction lines | input rows | process wall (s) | job (s) | lines/s | input rows/s "
        + "| peak heap used (MB) | peak live heap (MB) | Spark jobs | tasks | shuffle written (MB) | exponent |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    Set<String> stages = new LinkedHashSet<>();
    for (Map<String, Object> s : summaries) {
      double job = number(s, "job_seconds");
      md.append("| ").append(label(((Number) s.get("size")).longValue()))
          .append(" | ").append(String.format(Locale.ROOT, "%,d", (long) number(s, "transaction_lines")))
          .append(" | ").append(String.format(Locale.ROOT, "%,d", (long) number(s, "input_rows")))
          .append(" | ").append(fixed(number(s, "process_seconds")))
          .append(" | ").append(fixed(job))
          .append(" | ").append(String.format(Locale.ROOT, "%,.0f", number(s, "transaction_lines") / job))
          .append(" | ").append(String.format(Locale.ROOT, "%,.0f", number(s, "input_rows") / job))
          .append(" | ").append(megabytes(number(s, "peak_heap_used_bytes")))
          .append(" | ").append(megabytes(number(s, "peak_live_heap_bytes")))
          .append(" | ").append((long) number(s, "spark_jobs"))
          .append(" | ").append(String.format(Locale.ROOT, "%,d", (long) number(s, "tasks")))
          .append(" | ").append(megabytes(number(s, "shuffle_write_bytes")))
          .append(" | ").append(s.containsKey("scaling_exponent") ? s.get("scaling_exponent") : "")
          .append(" |\n");
      @SuppressWarnings("unchecked")
      Map<String, Object> byStage = (Map<String, Object>) s.get("stage_seconds");
      stages.addAll(byStage.keySet());
    }
    md.append("\nWall seconds per stage of the job (driver planning, Spark jobs and Delta commits; the median run of "
        + "each size):\n\n| stage |");
    summaries.forEach(s -> md.append(' ').append(label(((Number) s.get("size")).longValue())).append(" |"));
    md.append("\n|---|").append("---|".repeat(summaries.size())).append('\n');
    for (String stage : stages) {
      md.append("| ").append(stage).append(" |");
      for (Map<String, Object> s : summaries) {
        @SuppressWarnings("unchecked")
        Map<String, Object> byStage = (Map<String, Object>) s.get("stage_seconds");
        Object seconds = byStage.get(stage);
        md.append(' ').append(seconds == null ? "" : fixed(((Number) seconds).doubleValue())).append(" |");
      }
      md.append('\n');
    }
    return md.toString();
  }

  private static double number(Map<String, Object> map, String key) {
    return ((Number) map.get(key)).doubleValue();
  }

  private static String fixed(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static String megabytes(double bytes) {
    return String.format(Locale.ROOT, "%,.0f", bytes / (1024 * 1024));
  }

  /** 100000 as 1e5, 2500000 as 2.5e6. */
  static String label(long size) {
    int exponent = (int) Math.floor(Math.log10(size));
    double mantissa = size / Math.pow(10, exponent);
    String m = mantissa == Math.rint(mantissa) ? String.valueOf((long) mantissa) : String.valueOf(mantissa);
    return m + "e" + exponent;
  }

  /** 1e5, 100000, 2.5e6 as a count of lines. */
  public static long parseSize(String text) {
    try {
      double value = Double.parseDouble(text.trim());
      if (value < 1000 || value != Math.rint(value)) {
        throw new NumberFormatException();
      }
      return (long) value;
    } catch (NumberFormatException e) {
      throw new io.profitlake.config.ConfigurationError("--sizes " + text + ": expected a whole number of transaction "
          + "lines of at least 1000, such as 1e5 or 250000");
    }
  }

  private static Map<String, Object> machine() {
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("java", System.getProperty("java.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    machine.put("jvm_flags", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(f -> f.startsWith("-Xm")).toList());
    return machine;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
