package io.profitlake.source;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.profitlake.config.Settings.SourceLocation;
import io.profitlake.failure.JobFailure;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a source as text: one string column per contract column (matched by header name, in any
 * order; a missing optional column is null), plus the raw record, whether the row was malformed,
 * the file and the row's position in input order. Typed formats are checked column by column and
 * their values rendered as text so that one set of rules validates every format.
 */
final class SourceReader {
  static final String RECORD = "_record";
  static final String MALFORMED = "_malformed";
  static final String FILE = "_file";
  static final String FILE_INDEX = "_file_index";
  static final String ROW = "_row";
  private static final String CORRUPT = "_corrupt_record";
  private static final Logger LOG = LoggerFactory.getLogger(SourceReader.class);

  private final SparkSession spark;

  SourceReader(SparkSession spark) {
    this.spark = spark;
  }

  /** An empty text frame of the contract's shape, for an optional source that is not configured. */
  Dataset<Row> empty(SourceContract contract) {
    return spark.createDataFrame(List.of(), textSchema(contract));
  }

  Dataset<Row> read(SourceContract contract, SourceLocation location) {
    if ("delta".equals(location.format())) {
      Dataset<Row> table = spark.read().format("delta").load(location.path());
      return typed(contract, table, location.path(), 0);
    }
    List<String> files = listFiles(contract, location.path());
    if (files.isEmpty()) {
      return empty(contract);
    }
    List<Dataset<Row>> scans = new ArrayList<>();
    switch (location.format()) {
      // One scan per folder, not one per file: a folder of 400 part files (as Spark writes them) would
      // otherwise plan 400 scans and a union of 400 branches. CSV files are scanned together when their
      // headers are the same (the usual case); each different header is a scan of its own.
      case "csv" -> {
        Map<List<String>, List<Integer>> byHeader = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
          List<String> header = header(contract, files.get(i));
          checkRequiredColumns(contract, files.get(i), header);
          byHeader.computeIfAbsent(header, h -> new ArrayList<>()).add(i);
        }
        byHeader.forEach((header, indexes) -> scans.add(csv(contract, header, new FileSet(files, indexes))));
      }
      case "json" -> scans.add(json(contract, new FileSet(files, allIndexes(files))));
      case "parquet" -> {
        // A Parquet file carries its own schema: each is checked against the contract on its own.
        for (int i = 0; i < files.size(); i++) {
          scans.add(typed(contract, parquet(contract, files.get(i)), files.get(i), i));
        }
      }
      default -> throw new IllegalArgumentException("format " + location.format());
    }
    Dataset<Row> all = scans.get(0);
    for (Dataset<Row> scan : scans.subList(1, scans.size())) {
      all = all.unionByName(scan);
    }
    return all;
  }

  private static List<Integer> allIndexes(List<String> files) {
    return java.util.stream.IntStream.range(0, files.size()).boxed().toList();
  }

  /**
   * Some of a source's files (by their index in path order), read in one scan. Each row's file and
   * index come from the scan's file metadata, mapped back to the path as listed.
   */
  private record FileSet(List<String> allFiles, List<Integer> indexes) {
    String[] paths() {
      return indexes.stream().map(allFiles::get).toArray(String[]::new);
    }

    /** The listed path of the file a row came from. */
    Column file() {
      if (indexes.size() == 1) {
        return lit(allFiles.get(indexes.get(0)));
      }
      return lookup(i -> lit(allFiles.get(i)));
    }

    /** The file's position in path order (rows of earlier files come first). */
    Column fileIndex() {
      if (indexes.size() == 1) {
        return lit(indexes.get(0));
      }
      return lookup(i -> lit(i));
    }

    private Column lookup(java.util.function.IntFunction<Column> value) {
      List<Column> entries = new ArrayList<>();
      for (int i : indexes) {
        // Spark's file_path is the URI of the Hadoop path (spaces and the like %-encoded).
        entries.add(lit(new Path(allFiles.get(i)).toUri().toString()));
        entries.add(value.apply(i));
      }
      return element_at(map(entries.toArray(Column[]::new)), col("_metadata.file_path"));
    }
  }

  private List<String> listFiles(SourceContract contract, String pathText) {
    try {
      Path path = new Path(pathText);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        throw JobFailure.inputContract("source " + contract.name() + ": " + pathText
            + " does not exist (set profitlake.sources." + contract.name() + ".path to a file or folder)");
      }
      FileStatus status = fs.getFileStatus(path);
      List<String> files = new ArrayList<>();
      if (status.isFile()) {
        files.add(status.getPath().toString());
      } else {
        FileStatus[] children = fs.listStatus(path);
        Arrays.sort(children, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        for (FileStatus child : children) {
          String name = child.getPath().getName();
          // Spark and Hadoop write _SUCCESS, .crc and _delta_log next to data files.
          if (child.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
            files.add(child.getPath().toString());
          }
        }
      }
      for (String file : files) {
        if (fs.getFileStatus(new Path(file)).getLen() == 0) {
          throw JobFailure.inputContract("source " + contract.name() + ": file " + file
              + " is empty (0 bytes); a source with no rows still needs its header line");
        }
      }
      return files;
    } catch (IOException e) {
      throw JobFailure.inputContract("source " + contract.name() + ": cannot list " + pathText + ": " + e.getMessage());
    }
  }

  private Dataset<Row> csv(SourceContract contract, List<String> header, FileSet files) {
    StructType schema = new StructType();
    for (String column : header) {
      schema = schema.add(column, DataTypes.StringType, true);
    }
    schema = schema.add(CORRUPT, DataTypes.StringType, true);
    Dataset<Row> rows = spark.read()
        .schema(schema)
        .option("header", "true")
        // RFC 4180: a quote inside a quoted field is doubled (Spark's default escape is a backslash).
        .option("quote", "\"")
        .option("escape", "\"")
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .option("encoding", "UTF-8")
        .option("multiLine", "false")
        .csv(files.paths());
    // The raw record: the CSV line for a malformed row, else the fields as read, as JSON.
    Column[] asRead = header.stream().map(name -> col("`" + name + "`")).toArray(Column[]::new);
    return shape(contract, rows, header, col(CORRUPT).isNotNull(), when(col(CORRUPT).isNotNull(), col(CORRUPT))
        .otherwise(to_json(struct(asRead))), files.file(), files.fileIndex());
  }

  private Dataset<Row> json(SourceContract contract, FileSet files) {
    // Every contract column as string: the JSON reader renders numbers and booleans as their text,
    // which the rules then validate exactly like CSV text.
    StructType schema = textOnly(contract).add(CORRUPT, DataTypes.StringType, true);
    Dataset<Row> rows = spark.read()
        .schema(schema)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .option("encoding", "UTF-8")
        .json(files.paths());
    Column[] asRead = contract.columnNames().stream().map(name -> col(name)).toArray(Column[]::new);
    return shape(contract, rows, contract.columnNames(), col(CORRUPT).isNotNull(),
        when(col(CORRUPT).isNotNull(), col(CORRUPT)).otherwise(to_json(struct(asRead))), files.file(), files.fileIndex());
  }

  private Dataset<Row> parquet(SourceContract contract, String file) {
    requireWholeParquet(contract, file);
    try {
      Dataset<Row> rows = spark.read().parquet(file);
      rows.schema(); // forces the footer read so that a truncated file fails here, as a contract error
      return rows;
    } catch (Exception e) {
      throw JobFailure.inputContract("source " + contract.name() + ": cannot read Parquet file " + file + ": "
          + firstLine(e.getMessage()));
    }
  }

  /**
   * Reads the file's footer here, on the driver: Spark reads it in a task, and a damaged one then fails the task,
   * the stage and the job with a stack trace each before the contract error can be said.
   */
  private void requireWholeParquet(SourceContract contract, String file) {
    Path path = new Path(file);
    long bytes = -1;
    try {
      HadoopInputFile input = HadoopInputFile.fromPath(path, spark.sessionState().newHadoopConf());
      bytes = input.getLength();
      try (ParquetFileReader reader = ParquetFileReader.open(input)) {
        reader.getFooter();
      }
    } catch (FileNotFoundException e) {
      throw JobFailure.inputContract("source " + contract.name() + ": file " + file + " disappeared while the job "
          + "read it: run again when whatever replaces the files has finished");
    } catch (IOException | RuntimeException e) {
      throw JobFailure.inputContract("source " + contract.name() + ": " + path.toUri() + " is not a whole Parquet "
          + "file (" + bytes + " bytes, its footer is missing or damaged: truncated by an interrupted copy or "
          + "write?): replace it with a complete copy, or remove it from the folder");
    }
  }

  /** Parquet or Delta: a column of the declared type is taken as is, a string column is parsed. */
  private Dataset<Row> typed(SourceContract contract, Dataset<Row> rows, String file, int fileIndex) {
    List<String> found = Arrays.asList(rows.columns());
    checkRequiredColumns(contract, file, found);
    List<String> present = new ArrayList<>();
    for (Field field : contract.fields()) {
      if (!found.contains(field.name())) {
        continue;
      }
      present.add(field.name());
      DataType actual = rows.schema().apply(field.name()).dataType();
      if (!accepts(field, actual)) {
        throw JobFailure.inputContract("source " + contract.name() + ": file " + file + ", column " + field.name()
            + " has type " + actual.simpleString() + ", expected " + field.sparkType().simpleString()
            + " or a string in the text format (fix the producer or convert the file)");
      }
    }
    Dataset<Row> text = rows;
    for (String name : present) {
      text = text.withColumn(name, col(name).cast(DataTypes.StringType));
    }
    Column[] asRead = present.stream().map(name -> col(name)).toArray(Column[]::new);
    return shape(contract, text, present, lit(false), to_json(struct(asRead)), lit(file), lit(fileIndex));
  }

  private static boolean accepts(Field field, DataType actual) {
    if (actual instanceof StringType) {
      return true;
    }
    return switch (field.kind()) {
      case TEXT -> actual instanceof IntegralType;
      case PERIOD -> false;
      case TIMESTAMP -> actual instanceof TimestampType || actual instanceof TimestampNTZType;
      case DATE -> actual instanceof DateType;
      case DECIMAL -> actual instanceof DecimalType || actual instanceof IntegralType;
      case INT -> actual instanceof IntegralType;
      case BOOLEAN -> actual instanceof BooleanType;
    };
  }

  /** Every contract column as a string (null when the file lacks an optional one), plus bookkeeping. */
  private Dataset<Row> shape(SourceContract contract, Dataset<Row> rows, List<String> available,
      Column malformed, Column record, Column file, Column fileIndex) {
    List<Column> columns = new ArrayList<>();
    for (Field field : contract.fields()) {
      columns.add(available.contains(field.name())
          ? col("`" + field.name() + "`").cast(DataTypes.StringType).as(field.name())
          : lit(null).cast(DataTypes.StringType).as(field.name()));
    }
    columns.add(record.as(RECORD));
    columns.add(malformed.as(MALFORMED));
    columns.add(file.as(FILE));
    columns.add(fileIndex.cast(DataTypes.IntegerType).as(FILE_INDEX));
    columns.add(monotonically_increasing_id().as(ROW));
    return rows.select(columns.toArray(Column[]::new));
  }

  private List<String> header(SourceContract contract, String file) {
    Path path = new Path(file);
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(
            path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path), StandardCharsets.UTF_8))) {
      String line = firstLine(reader);
      if (line == null || line.isBlank()) {
        throw JobFailure.inputContract("source " + contract.name() + ": file " + file
            + " has no header line (the first line must name the columns)");
      }
      if (line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      int binary = firstBinaryCharacter(line);
      if (binary >= 0) {
        throw JobFailure.inputContract("source " + contract.name() + ": file " + file + " is not a text CSV file: "
            + "its first line holds a control character or a byte that is not UTF-8 (U+"
            + String.format("%04X", (int) line.charAt(binary)) + " at character " + (binary + 1) + "); give a "
            + "UTF-8 CSV file whose first line names the columns, or set the source's format (parquet, json)");
      }
      List<String> names = new ArrayList<>();
      for (String raw : line.split(",", -1)) {
        String name = raw.trim();
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
          name = name.substring(1, name.length() - 1).trim();
        }
        names.add(name);
      }
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        int first = names.indexOf(name);
        if (name.isEmpty()) {
          throw JobFailure.inputContract("source " + contract.name() + ": file " + file + " has an empty column "
              + "name in its header (column " + (i + 1) + "): " + names);
        }
        if (first < i) {
          throw JobFailure.inputContract("source " + contract.name() + ": file " + file + " names the column \""
              + name + "\" twice in its header (columns " + (first + 1) + " and " + (i + 1) + "): " + names);
        }
      }
      return names;
    } catch (IOException e) {
      throw JobFailure.inputContract("source " + contract.name() + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Longest first line read: a header, not a whole binary file without a line break. */
  private static final int MAX_HEADER_CHARS = 64 * 1024;

  /** The first line (up to CR, LF or {@link #MAX_HEADER_CHARS}), as readLine would give it; null for no line. */
  private static String firstLine(BufferedReader reader) throws IOException {
    int c = reader.read();
    if (c == -1) {
      return null;
    }
    StringBuilder line = new StringBuilder();
    while (c != -1 && c != '\n' && c != '\r' && line.length() < MAX_HEADER_CHARS) {
      line.append((char) c);
      c = reader.read();
    }
    return line.toString();
  }

  /**
   * Index of the first character that shows the header is not text: a control character other than tab, or a
   * byte that is not UTF-8 (U+FFFD after decoding) in a line without a comma. A header in another encoding with
   * commas (Latin-1 names of columns the contract does not use) still reads; a PNG or gzip file does not.
   */
  private static int firstBinaryCharacter(String line) {
    boolean hasComma = line.indexOf(',') >= 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7F || (c == '\uFFFD' && !hasComma)) {
        return i;
      }
    }
    return -1;
  }

  /** Delimiters people export CSV with besides the comma: named when a header reads as one column holding one. */
  private static final List<String> OTHER_DELIMITERS = List.of(";", "\t", "|");

  private void checkRequiredColumns(SourceContract contract, String file, List<String> found) {
    List<String> missing = contract.fields().stream()
        .filter(Field::required).map(Field::name).filter(name -> !found.contains(name)).toList();
    if (!missing.isEmpty()) {
      String hint = "";
      if (found.size() == 1) {
        for (String delimiter : OTHER_DELIMITERS) {
          if (found.get(0).contains(delimiter)) {
            hint = "; the header reads as one column holding '" + (delimiter.equals("\t") ? "\\t" : delimiter)
                + "': the file seems separated by '" + (delimiter.equals("\t") ? "\\t" : delimiter) + "', and "
                + "ProfitLake reads comma-separated files (export it with commas)";
            break;
          }
        }
      }
      throw JobFailure.inputContract("source " + contract.name() + ": file " + file + " lacks required column(s) "
          + missing + "; columns found: " + found + hint);
    }
    Set<String> extra = new TreeSet<>(found);
    contract.columnNames().forEach(extra::remove);
    if (!extra.isEmpty()) {
      LOG.warn("source {}: file {} has columns the contract does not use, ignored: {}", contract.name(), file, extra);
    }
    Set<String> absent = new TreeSet<>(contract.columnNames());
    absent.removeAll(found);
    if (!absent.isEmpty()) {
      LOG.warn("source {}: file {} lacks optional column(s) {}; read as empty", contract.name(), file, absent);
    }
  }

  private static StructType textOnly(SourceContract contract) {
    StructType schema = new StructType();
    for (Field field : contract.fields()) {
      schema = schema.add(field.name(), DataTypes.StringType, true);
    }
    return schema;
  }

  static StructType textSchema(SourceContract contract) {
    return textOnly(contract)
        .add(new StructField(RECORD, DataTypes.StringType, true, Metadata.empty()))
        .add(MALFORMED, DataTypes.BooleanType, false)
        .add(FILE, DataTypes.StringType, true)
        .add(FILE_INDEX, DataTypes.IntegerType, false)
        .add(ROW, DataTypes.LongType, false);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
