package io.profitlake.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.profitlake.config.Settings;
import io.profitlake.failure.ExitCode;
import io.profitlake.failure.JobFailure;
import io.profitlake.support.CsvFiles;
import io.profitlake.support.Fixtures;
import io.profitlake.support.SparkTestBase;
import io.profitlake.support.TestSettings;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** How files are read: encodings, odd files, and typed formats. */
class SourceReadingTest extends SparkTestBase {

  private static Path input(String name) throws Exception {
    Path in = workDir.resolve(name);
    Fixtures.minimal(in);
    return in;
  }

  private static Settings settings(Path in, String extra) {
    return TestSettings.parse(TestSettings.sourcesIn(in, lakehouseDir) + extra);
  }

  private static Map<String, SourceCount> counts(Path in, String extra) {
    return Sources.load(spark, settings(in, extra)).counts();
  }

  @Test
  void byteOrderMarkIsIgnored() throws Exception {
    Path in = input("bom");
    Path file = in.resolve("sales_reps/part-0.csv");
    Files.write(file, ("\uFEFFrep_id,rep_name,team,commission_rate\nR1,Rita,A,0.05\n").getBytes(StandardCharsets.UTF_8));
    SourceCount reps = counts(in, "").get("sales_reps");
    assertEquals(1, reps.read());
    assertEquals(1, reps.accepted());
  }

  @Test
  void headerOnlyFileIsAnEmptySource() throws Exception {
    Path in = input("header-only");
    CsvFiles.write(in, "prospects", "prospect_id,industry,region,country,size_band,lead_source,created_date");
    SourceCount prospects = counts(in, "").get("prospects");
    assertEquals(0, prospects.read());
    assertEquals(BigDecimal.ZERO, prospects.quarantineRate());
  }

  @Test
  void emptyFileIsAnInputContractError() throws Exception {
    Path in = input("empty");
    Path file = in.resolve("calls/part-0.csv");
    Files.write(file, new byte[0]);
    JobFailure failure = assertThrows(JobFailure.class, () -> counts(in, ""));
    assertEquals(ExitCode.INPUT_CONTRACT, failure.exitCode());
    assertEquals("source calls: file file:" + file + " is empty (0 bytes); a source with no rows still needs its "
        + "header line", failure.getMessage());
  }

  @Test
  void missingRequiredColumnNamesSourceFileAndColumns() throws Exception {
    Path in = input("missing-column");
    Path file = CsvFiles.write(in, "sales_reps", "rep_id,rep_name,team", "R1,Rita,A");
    JobFailure failure = assertThrows(JobFailure.class, () -> counts(in, ""));
    assertEquals(ExitCode.INPUT_CONTRACT, failure.exitCode());
    assertEquals("source sales_reps: file file:" + file + " lacks required column(s) [commission_rate]; "
        + "columns found: [rep_id, rep_name, team]", failure.getMessage());
  }

  @Test
  void binaryFileNamedCsvIsSaidNotToBeText() throws Exception {
    Path in = input("binary");
    Path file = in.resolve("sales_reps/part-0.csv");
    // The start of a gzip file: magic bytes 1f 8b, then compression method 08.
    byte[] bytes = new byte[2048];
    new java.util.Random(7).nextBytes(bytes);
    bytes[0] = 0x1f;
    bytes[1] = (byte) 0x8b;
    bytes[2] = 0x08;
    Files.write(file, bytes);
    JobFailure failure = assertThrows(JobFailure.class, () -> counts(in, ""));
    assertEquals(ExitCode.INPUT_CONTRACT, failure.exitCode());
    // 0x1f is a control character: the first character of the file.
    assertEquals("source sales_reps: file file:" + file + " is not a text CSV file: its first line holds a control "
        + "character or a byte that is not UTF-8 (U+001F at character 1); give a UTF-8 CSV file whose first line "
        + "names the columns, or set the source's format (parquet, json)", failure.getMessage());
  }

  @Test
  void pngFileNamedCsvIsSaidNotToBeText() throws Exception {
    Path in = input("png");
    Path file = in.resolve("sales_reps/part-0.csv");
    // A PNG's signature: 0x89 (not UTF-8 on its own), "PNG", then CR LF: a first line without control characters.
    Files.write(file, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d});
    JobFailure failure = assertThrows(JobFailure.class, () -> counts(in, ""));
    assertEquals("source sales_reps: file file:" + file + " is not a text CSV file: its first line holds a control "
        + "character or a byte that is not UTF-8 (U+FFFD at character 1); give a UTF-8 CSV file whose first line "
        + "names the columns, or set the source's format (parquet, json)", failure.getMessage());
  }

  @Test
  void repeatedColumnNameIsNamed() throws Exception {
    Path in = input("repeated");
    Path file = CsvFiles.write(in, "sales_reps", "rep_id,rep_name,team,rep_name,commission_rate", "R1,Rita,A,Rita,0.05");
    JobFailure failure = assertThrows(JobFailure.class, () -> counts(in, ""));
    assertEquals("source sales_reps: file file:" + file + " names the column \"rep_name\" twice in its header "
        + "(columns 2 and 4): [rep_id, rep_name, team, rep_name, commission_rate]", failure.getMessage());
  }

  @Test
  void semicolonSeparatedFileGetsADelimiterHint() throws Exception {
    Path in = input("semicolons");
    Path file = CsvFiles.write(in, "sales_reps", "rep_id;rep_name;team;commission_rate", "R1;Rita;A;0.05");
    JobFailure failure = assertThrows(JobFailure.class, () -> counts(in, ""));
    assertEquals("source sales_reps: file file:" + file + " lacks required column(s) [rep_id, commission_rate]; "
        + "columns found: [rep_id;rep_name;team;commission_rate]; the header reads as one column holding ';': the "
        + "file seems separated by ';', and ProfitLake reads comma-separated files (export it with commas)",
        failure.getMessage());
  }

  @Test
  void truncatedLastLineIsMalformedNotPadded() throws Exception {
    Path in = input("truncated");
    Path file = in.resolve("calls/part-0.csv");
    Files.writeString(file, "call_id,customer_id,call_ts,queue,wait_seconds,talk_seconds\n"
        + "L1,C1,2024-01-10T09:00:00,Q,30,300\nL2,C1,2024-01-1");
    SourceCount calls = counts(in, "").get("calls");
    assertEquals(2, calls.read());
    assertEquals(Map.of("MALFORMED_ROW", 1L), calls.byReason());
  }

  @Test
  void invalidUtf8IsReplacedKeptAndCounted() throws Exception {
    Path in = input("utf8");
    byte[] header = "rep_id,rep_name,team,commission_rate\n".getBytes(StandardCharsets.UTF_8);
    byte[] bad = {'R', '1', ',', 'R', (byte) 0xFF, 't', 'a', ',', 'A', ',', '0', '.', '0', '5', '\n'};
    byte[] all = new byte[header.length + bad.length];
    System.arraycopy(header, 0, all, 0, header.length);
    System.arraycopy(bad, 0, all, header.length, bad.length);
    Files.write(in.resolve("sales_reps/part-0.csv"), all);
    ValidatedSources sources = Sources.load(spark, settings(in, ""));
    SourceCount reps = sources.counts().get("sales_reps");
    assertEquals(1, reps.accepted());
    assertEquals(1, reps.invalidUtf8Rows());
    assertEquals("R\uFFFDta", sources.accepted("sales_reps").first().getAs("rep_name"));
  }

  @Test
  void filesOfAFolderAreReadInPathOrder() throws Exception {
    Path in = input("order");
    // b.csv sorts after a.csv, so its R1 is the duplicate whatever the file sizes.
    Files.delete(in.resolve("sales_reps/part-0.csv"));
    Files.writeString(in.resolve("sales_reps/b.csv"), "rep_id,rep_name,team,commission_rate\nR1,Second,B,0.07\n");
    Files.writeString(in.resolve("sales_reps/a.csv"), "rep_id,rep_name,team,commission_rate\nR1,First,A,0.05\n"
        + "R2,Other,A,0.01\n");
    Files.writeString(in.resolve("sales_reps/_SUCCESS"), "");
    ValidatedSources sources = Sources.load(spark, settings(in, ""));
    assertEquals(Map.of("DUPLICATE_KEY", 1L), sources.counts().get("sales_reps").byReason());
    assertEquals("First", sources.accepted("sales_reps").where("rep_id = 'R1'").first().getAs("rep_name"));
  }

  /** The required transaction columns, each of its declared type. */
  private static final StructType TRANSACTIONS_AS_DECLARED = new StructType()
      .add("transaction_id", DataTypes.StringType).add("order_id", DataTypes.StringType)
      .add("customer_id", DataTypes.StringType).add("transaction_ts", DataTypes.TimestampType)
      .add("net_amount", DataTypes.createDecimalType(18, 2)).add("cost_amount", DataTypes.createDecimalType(18, 2))
      .add("currency", DataTypes.StringType).add("transaction_type", DataTypes.StringType);

  @Test
  void parquetWithDeclaredTypesIsTakenAsIs() throws Exception {
    Path in = input("parquet-ok");
    StructType schema = TRANSACTIONS_AS_DECLARED.add("quantity", DataTypes.IntegerType);
    List<Row> rows = List.of(RowFactory.create("T1", "O1", "C1", Timestamp.valueOf("2024-01-15 10:00:00"),
        new BigDecimal("100.25"), new BigDecimal("60.10"), "USD", "SALE", 3));
    Path folder = in.resolve("transactions-parquet");
    spark.createDataFrame(rows, schema).write().parquet(folder.toString());
    String extra = "profitlake.sources.transactions { path = \"" + folder + "\", format = parquet }\n";
    ValidatedSources sources = Sources.load(spark, settings(in, extra));
    Row t1 = sources.accepted("transactions").first();
    assertEquals(new BigDecimal("100.25"), t1.getAs("net_amount"));
    assertEquals(new BigDecimal("3.0000"), t1.getAs("quantity"));
    assertEquals(Timestamp.valueOf("2024-01-15 10:00:00"), t1.getAs("transaction_ts"));
  }

  @Test
  void parquetColumnOfTheWrongTypeIsAnInputContractError() throws Exception {
    Path in = input("parquet-bad");
    StructType schema = new StructType()
        .add("transaction_id", DataTypes.StringType).add("order_id", DataTypes.StringType)
        .add("customer_id", DataTypes.StringType).add("transaction_ts", DataTypes.LongType)
        .add("net_amount", DataTypes.DoubleType).add("cost_amount", DataTypes.createDecimalType(18, 2))
        .add("currency", DataTypes.StringType).add("transaction_type", DataTypes.StringType);
    Path folder = in.resolve("transactions-parquet");
    spark.createDataFrame(List.of(RowFactory.create("T1", "O1", "C1", 1L, 1.5, new BigDecimal("1.00"), "USD", "SALE")),
        schema).coalesce(1).write().parquet(folder.toString());
    String extra = "profitlake.sources.transactions { path = \"" + folder + "\", format = parquet }\n";
    JobFailure failure = assertThrows(JobFailure.class, () -> Sources.load(spark, settings(in, extra)));
    assertEquals(ExitCode.INPUT_CONTRACT, failure.exitCode());
    String message = failure.getMessage();
    assertEquals(true, message.startsWith("source transactions: file file:" + folder + "/part-"), message);
    assertEquals(true, message.endsWith(", column transaction_ts has type bigint, expected timestamp or a string in "
        + "the text format (fix the producer or convert the file)"), message);
  }

  @Test
  void truncatedParquetFileIsAnInputContractErrorBeforeAnySparkTask() throws Exception {
    Path in = input("parquet-truncated");
    StructType schema = TRANSACTIONS_AS_DECLARED;
    Path folder = in.resolve("transactions-parquet");
    spark.createDataFrame(List.of(RowFactory.create("T1", "O1", "C1", java.sql.Timestamp.valueOf("2024-01-05 10:00:00"),
        new BigDecimal("1.00"), new BigDecimal("0.50"), "USD", "SALE")), schema)
        .coalesce(1).write().parquet(folder.toString());
    Path file;
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(folder)) {
      file = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    // Cut off where a copy was interrupted: the footer (and the closing magic) is gone.
    byte[] whole = java.nio.file.Files.readAllBytes(file);
    java.nio.file.Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
    java.nio.file.Files.deleteIfExists(folder.resolve("." + file.getFileName() + ".crc"));

    java.util.concurrent.atomic.AtomicInteger tasks = new java.util.concurrent.atomic.AtomicInteger();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd taskEnd) {
        if (taskEnd.reason() instanceof org.apache.spark.TaskFailedReason) {
          tasks.incrementAndGet();
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    String extra = "profitlake.sources.transactions { path = \"" + folder + "\", format = parquet }\n";
    JobFailure failure;
    try {
      failure = assertThrows(JobFailure.class, () -> Sources.load(spark, settings(in, extra)));
    } finally {
      spark.sparkContext().listenerBus().waitUntilEmpty();
      spark.sparkContext().removeSparkListener(listener);
    }
    assertEquals(ExitCode.INPUT_CONTRACT, failure.exitCode());
    // Found on the driver: no task failed, so Spark printed no stack trace before the message.
    assertEquals(0, tasks.get(), "failed Spark tasks");
    String message = failure.getMessage();
    assertEquals("source transactions: " + file.toUri().toString().replace("file:///", "file:/") + " is not a whole "
        + "Parquet file (" + (whole.length / 2) + " bytes, its footer is missing or damaged: truncated by an "
        + "interrupted copy or write?): replace it with a complete copy, or remove it from the folder", message);
  }

  @Test
  void deltaTableIsReadThroughDelta() throws Exception {
    Path in = input("delta");
    StructType schema = new StructType()
        .add("call_id", DataTypes.StringType).add("customer_id", DataTypes.StringType)
        .add("call_ts", DataTypes.TimestampType).add("queue", DataTypes.StringType)
        .add("wait_seconds", DataTypes.IntegerType).add("talk_seconds", DataTypes.IntegerType);
    Path table = in.resolve("calls-delta");
    spark.createDataFrame(List.of(
        RowFactory.create("L1", "C1", Timestamp.valueOf("2024-01-10 09:00:00"), "Q", 30, 300),
        RowFactory.create("L2", "C1", Timestamp.valueOf("2024-01-11 09:00:00"), "Q", -1, 300)), schema)
        .write().format("delta").save(table.toString());
    // An overwrite leaves the first version's files on disk: only the current version may be read.
    spark.createDataFrame(List.of(
        RowFactory.create("L1", "C1", Timestamp.valueOf("2024-01-10 09:00:00"), "Q", 30, 300),
        RowFactory.create("L3", "C9", Timestamp.valueOf("2024-01-12 09:00:00"), "Q", 5, 60)), schema)
        .write().format("delta").mode("overwrite").save(table.toString());
    String extra = "profitlake.sources.calls { path = \"" + table + "\", format = delta }\n";
    SourceCount calls = counts(in, extra).get("calls");
    assertEquals(2, calls.read());
    assertEquals(1, calls.accepted());
    assertEquals(Map.of("UNKNOWN_CUSTOMER", 1L), calls.byReason());
  }

  @Test
  void jsonLinesAreValidatedLikeText() throws Exception {
    Path in = input("json");
    Path folder = in.resolve("calls-json");
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("calls.json"),
        "{\"call_id\":\"L1\",\"customer_id\":\"C1\",\"call_ts\":\"2024-01-10T09:00:00\",\"wait_seconds\":30,\"talk_seconds\":300}\n"
            + "{\"call_id\":\"L2\",\"customer_id\":\"C1\",\"call_ts\":\"2024-01-10T09:00:00\",\"wait_seconds\":-1}\n"
            + "{\"call_id\":\"L3\",\"customer_id\":\n");
    String extra = "profitlake.sources.calls { path = \"" + folder + "\", format = json }\n";
    SourceCount calls = counts(in, extra).get("calls");
    assertEquals(3, calls.read());
    assertEquals(1, calls.accepted());
    assertEquals(Map.of("NEGATIVE_AMOUNT", 1L, "MALFORMED_ROW", 1L), calls.byReason());
  }

  @Test
  void aFolderIsReadInOneScanPerHeaderAndRowsKeepTheirFile() throws Exception {
    Path in = input("one-scan");
    Path reps = in.resolve("sales_reps");
    Files.delete(reps.resolve("part-0.csv"));
    // a and b share a header: one scan; c names the columns in another order: a scan of its own.
    Files.writeString(reps.resolve("a.csv"), "rep_id,rep_name,team,commission_rate\nR1,First,A,0.05\nR2,Two,A,0.01\n");
    Files.writeString(reps.resolve("b.csv"), "rep_id,rep_name,team,commission_rate\nR1,Second,B,0.07\nR3,Three,B,0.02\n");
    Files.writeString(reps.resolve("c.csv"), "commission_rate,rep_id,rep_name,team\n0.03,R4,Four,C\n0.09,R2,Again,C\n");
    SourceContract contract = Contracts.ALL.get("sales_reps");
    Dataset<Row> text = new SourceReader(spark).read(contract, new Settings.SourceLocation("sales_reps", reps.toString(), "csv"));
    long scans = text.queryExecution().optimizedPlan().collectLeaves().size();
    assertEquals(2, scans, text.queryExecution().optimizedPlan().treeString());

    ValidatedSources sources = Sources.load(spark, settings(in, ""));
    // Path order, then line order: the first R1 (a.csv) and the first R2 (a.csv) win.
    assertEquals(Map.of("DUPLICATE_KEY", 2L), sources.counts().get("sales_reps").byReason());
    List<Row> accepted = sources.accepted("sales_reps").orderBy("rep_id").select("rep_id", "rep_name", "commission_rate")
        .collectAsList();
    assertEquals("[[R1,First,0.05000], [R2,Two,0.01000], [R3,Three,0.02000], [R4,Four,0.03000]]", accepted.toString());
    List<Row> duplicates = sources.quarantine().where("source = 'sales_reps'").orderBy("source_file")
        .select("source_file", "record").collectAsList();
    assertEquals(2, duplicates.size());
    assertEquals("file:" + reps.resolve("b.csv"), duplicates.get(0).getString(0));
    assertEquals("file:" + reps.resolve("c.csv"), duplicates.get(1).getString(0));
  }

  @Test
  void missingSourcePathIsAnInputContractError() throws Exception {
    Path in = input("no-path");
    String extra = "profitlake.sources.invoices.path = \"" + in.resolve("nowhere") + "\"\n";
    JobFailure failure = assertThrows(JobFailure.class, () -> counts(in, extra));
    assertEquals("source invoices: " + in.resolve("nowhere") + " does not exist (set profitlake.sources.invoices.path "
        + "to a file or folder)", failure.getMessage());
  }
}
