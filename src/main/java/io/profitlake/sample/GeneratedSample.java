package io.profitlake.sample;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/** The generated sources, written one folder per source under the output folder. */
public record GeneratedSample(Dataset<Row> customerBase, List<Source> sources) {
  public record Source(String name, Dataset<Row> rows) {}

  public GeneratedSample {
    sources = List.copyOf(sources);
  }

  public Dataset<Row> source(String name) {
    return sources.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().rows();
  }

  void write(String outDir, String format) {
    for (Source source : sources) {
      source.rows().sparkSession().sparkContext().setJobDescription("generate " + source.name());
      var writer = source.rows().write().mode(SaveMode.Overwrite);
      String path = outDir + "/" + source.name();
      switch (format) {
        case "csv" -> writer.option("header", "true").csv(path);
        case "json" -> writer.json(path);
        case "parquet" -> writer.parquet(path);
        default -> throw new IllegalArgumentException(format);
      }
    }

  }
}
