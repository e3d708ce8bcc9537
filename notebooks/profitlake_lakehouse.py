"""Opens a ProfitLake lakehouse from a notebook: a local Spark session with Delta Lake, and its tables by path.

The Delta classes come from the job's own jar (target/profitlake.jar, built by `bin/profitlake run`), so
the notebooks read the tables with exactly the Delta version that wrote them and need no download; without
the jar, delta-spark's pip helper fetches the same version from Maven Central.
"""
import os

from pyspark.sql import DataFrame, SparkSession


def open_lakehouse(lakehouse: str, database: str = "profitability", jar: str = "../target/profitlake.jar"):
    """Returns (spark, table) where table(name) reads that Delta table of the lakehouse by path."""
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("profitlake-notebook")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # A small machine: Delta's default of 50 partitions to rebuild a table's state is pure overhead here.
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
    )
    if os.path.exists(jar):
        spark = builder.config("spark.jars", os.path.abspath(jar)).getOrCreate()
    else:
        from delta import configure_spark_with_delta_pip

        spark = configure_spark_with_delta_pip(builder).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    root = os.path.join(os.path.abspath(lakehouse), "warehouse", database + ".db")
    if not os.path.isdir(root):
        raise FileNotFoundError(
            f"no ProfitLake tables under {root}: run `bin/profitlake run` first, or set LAKEHOUSE to the "
            "lakehouse folder of your run (profitlake.lakehouse.path)"
        )

    def table(name: str) -> DataFrame:
        return spark.read.format("delta").load(os.path.join(root, name))

    return spark, table
