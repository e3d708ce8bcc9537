package io.profitlake.lakehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.profitlake.config.Settings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.internal.StaticSQLConf;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing half of the job: creates the declared tables in the catalog database and writes
 * them the way their declaration says, every commit tagged with the run id.
 */
public final class Lakehouse {
  private static final Logger LOG = LoggerFactory.getLogger(Lakehouse.class);
  static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

  /** Attempts of a commit that conflicts with a concurrent run's commit (Delta's optimistic concurrency). */
  static final int COMMIT_ATTEMPTS = 5;
  /** Threads that create or write tables side by side: their work is mostly waiting on commits and the catalog. */
  static final int PARALLEL_WRITERS = 4;
  /** How many of a table's newest commits are searched for this run's own commit. */
  static final int OWN_COMMIT_SEARCH = 20;

  private final SparkSession spark;
  private final String database;
  private final String root;
  /** Where a session catalog keeps the database: {@code <warehouse>/<database>.db}, whatever the session's warehouse. */
  private final String databaseFolder;
  /** The run every row written is stamped with (tagCommits); null until a run tags its commits. */
  private volatile String runId;

  /** The lakehouse of these settings: its database, its root (every table must lie under it) and its warehouse. */
  public Lakehouse(SparkSession spark, Settings.Lakehouse lakehouse) {
    this.spark = spark;
    this.database = lakehouse.database();
    this.root = lakehouse.root();
    this.databaseFolder = new Path(lakehouse.warehouseLocation(), database + ".db").toString();
  }

  public String qualified(TableSpec table) {
    return database + "." + table.name();
  }

  /**
   * Creates the database and any missing table; adds declared columns that an older table lacks. In a
   * session catalog (the local default: Spark's in-memory catalog, no metastore) the tables that exist are
   * registered by path, where the metastore would have kept them ({@code <warehouse>/<database>.db/<table>}).
   */
  public void ensureTables(List<TableSpec> tables) {
    ensureDatabase();
    // Creating a Delta table is mostly waiting (its first commit, the metastore): the tables are made side by
    // side. Measured on the sample's first run: 20.8 s one by one, see the commit that made this change.
    inParallel(tables, this::ensureTable);
  }

  /**
   * For a reader of the lakehouse (serve): registers by path, in a session catalog, every declared table the
   * lakehouse holds, and creates nothing. A metastore holds them already. Returns the declared tables missing.
   */
  public List<TableSpec> registerExisting(List<TableSpec> tables) {
    if (!isSessionCatalog(spark)) {
      return tables.stream().filter(t -> !spark.catalog().tableExists(qualified(t))).toList();
    }
    ensureDatabase();
    Set<String> registered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    inParallel(tables, table -> {
      if (registerAtPath(table)) {
        registered.add(table.name());
      }
    });
    return tables.stream().filter(t -> !registered.contains(t.name())).toList();
  }

  /**
   * Whether the session's catalog lives only as long as the session (Spark's in-memory catalog), so that the
   * tables are registered by path when it starts; otherwise a Hive metastore keeps them between sessions.
   */
  public static boolean isSessionCatalog(SparkSession spark) {
    return "in-memory".equals(spark.conf().get(StaticSQLConf.CATALOG_IMPLEMENTATION().key()));
  }

  /**
   * Whether the lakehouse holds the database: in the metastore, or, with a session catalog, as the database's
   * folder in the warehouse (where the job makes it).
   */
  public boolean databaseExists() {
    if (spark.catalog().databaseExists(database)) {
      return true;
    }
    if (!isSessionCatalog(spark)) {
      return false;
    }
    Path folder = new Path(databaseFolder);
    try {
      return folder.getFileSystem(spark.sessionState().newHadoopConf()).exists(folder);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot look for the database folder " + folder, e);
    }
  }

  private void ensureDatabase() {
    // Asked first: CREATE DATABASE IF NOT EXISTS makes the Hive metastore log an ERROR with a stack trace
    // (AlreadyExistsException) on every run against an existing lakehouse.
    if (!spark.catalog().databaseExists(database)) {
      // A session catalog is told where the database lies: the lakehouse's warehouse, not whichever warehouse
      // the session was made with (a session shared with other work, a spark.sql.warehouse.dir of its own).
      String location = isSessionCatalog(spark) ? " LOCATION '" + TableSpec.escape(databaseFolder) + "'" : "";
      try {
        spark.sql("CREATE DATABASE IF NOT EXISTS " + database + " COMMENT 'ProfitLake: customer profitability tables'"
            + location);
      } catch (RuntimeException e) {
        if (!spark.catalog().databaseExists(database)) {  // else a concurrent run created it first: the same database
          throw e;
        }
      }
    }
    requireUnderRoot("database " + database, databaseLocation());
  }

  /** Runs {@code action} on every item on a few threads of this session; the first failure is rethrown. */
  public static <T> void inParallel(List<T> items, java.util.function.Consumer<T> action) {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
        Math.min(PARALLEL_WRITERS, Math.max(1, items.size())));
    try {
      List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
      for (T item : items) {
        futures.add(pool.submit(() -> action.accept(item)));
      }
      for (java.util.concurrent.Future<?> future : futures) {
        try {
          future.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void ensureTable(TableSpec table) {
    String name = qualified(table);
    if (spark.catalog().tableExists(name)) {
      requireUnderRoot("table " + name, location(table));
      addMissingColumns(table);
    } else if (isSessionCatalog(spark)) {
      ensureAtPath(table);
    } else {
      try {
        spark.sql(table.createDdl(name));
        LOG.info("created table {}", name);
      } catch (Exception e) {
        // A concurrent run is creating it (its Delta log may be written before its catalog entry): the same
        // declaration, so once the catalog has it, go on.
        if (!createdConcurrently(name)) {
          throw e;
        }
        LOG.info("table {} was created by a concurrent run", name);
      }
      requireUnderRoot("table " + name, location(table));
    }
  }

  /** In a session catalog: registers the table held at its path, or creates it there. */
  private void ensureAtPath(TableSpec table) {
    String name = qualified(table);
    if (!registerAtPath(table)) {
      try {
        spark.sql(table.createDdl(name, path(table)));
        LOG.info("created table {} at {}", name, path(table));
        return;
      } catch (RuntimeException e) {
        // Another run made its first commit in the meantime: the same declaration, registered from there.
        if (!registerAtPath(table)) {
          throw e;
        }
        LOG.info("table {} was created by a concurrent run", name);
      }
    }
    addMissingColumns(table);
  }

  /**
   * Enters the Delta table held at the table's path in the session catalog under its name, if there is one.
   * Delta takes its schema, partitioning, comment and properties from the table's log and commits nothing.
   */
  private boolean registerAtPath(TableSpec table) {
    String path = path(table);
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return false;
    }
    spark.sql("CREATE TABLE IF NOT EXISTS " + qualified(table) + " USING delta LOCATION '" + TableSpec.escape(path) + "'");
    return true;
  }

  /** Where a table's files are: in its database's folder, as a metastore would place a table it manages. */
  private String path(TableSpec table) {
    return new Path(databaseLocation(), table.name()).toString();
  }

  /**
   * Brings a table made by an earlier version up to its declaration: adds the declared columns it lacks, and lets
   * a column that is now declared nullable take nulls (customer_value's rank, decile, segment and action became
   * nullable with LAPSED customers).
   */
  private void addMissingColumns(TableSpec table) {
    String name = qualified(table);
    Set<String> existing = new TreeSet<>();
    Set<String> notNull = new TreeSet<>();
    for (StructField field : spark.table(name).schema().fields()) {
      existing.add(field.name());
      if (!field.nullable()) {
        notNull.add(field.name());
      }
    }
    for (ColumnSpec column : table.columns()) {
      if (column.nullable() && notNull.contains(column.name())) {
        spark.sql("ALTER TABLE " + name + " ALTER COLUMN `" + column.name() + "` DROP NOT NULL");
        LOG.info("table {}: column {} now takes nulls", name, column.name());
      }
    }
    List<ColumnSpec> missing = table.columns().stream().filter(c -> !existing.contains(c.name())).toList();
    if (!missing.isEmpty()) {
      String columns = missing.stream()
          .map(c -> "`" + c.name() + "` " + c.type().sql() + " COMMENT '" + TableSpec.escape(c.comment()) + "'")
          .collect(Collectors.joining(", "));
      spark.sql("ALTER TABLE " + name + " ADD COLUMNS (" + columns + ")");
      LOG.info("table {}: added columns {}", name, missing.stream().map(ColumnSpec::name).toList());
    }
  }

  /** Whether the table appears in the catalog within a few seconds (another run is registering it). */
  private boolean createdConcurrently(String name) {
    for (int attempt = 0; attempt < 20; attempt++) {
      if (spark.catalog().tableExists(name)) {
        return true;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** A declared table as it stands (its current version). */
  public Dataset<Row> read(TableSpec table) {
    return spark.table(qualified(table));
  }

  /** Tags every following Delta commit of this session with the run id, and stamps it on every row written. */
  public void tagCommits(String runId) {
    this.runId = runId;
    spark.conf().set(USER_METADATA, "run_id=" + runId);
  }

  /**
   * Writes a table by its declared mode. Period-keyed tables replace exactly the given periods;
   * snapshots replace everything. A table with a run_id column gets the run's id on every row (the
   * one place it is stamped). Returns the commit's version and rows written.
   */
  public WriteResult write(TableSpec table, Dataset<Row> rows, List<String> periods) {
    String name = qualified(table);
    spark.sparkContext().setJobDescription("write " + name);
    Dataset<Row> shaped = stamped(table, rows).select(table.selectColumns());
    WriteResult result = committed(table, () -> {
      switch (table.mode()) {
        case PERIOD_KEYED -> {
          Column inPeriods = col(TableSpec.PERIOD).isin(periods.toArray());
          shaped.writeTo(name).overwrite(inPeriods);
        }
        case SNAPSHOT -> shaped.writeTo(name).overwrite(lit(true));
        case APPEND -> shaped.writeTo(name).append();
      }
    });
    LOG.info("wrote {}: version {}, {} rows", name, result.version(), result.rowsWritten());
    return result;
  }

  private Dataset<Row> stamped(TableSpec table, Dataset<Row> rows) {
    boolean hasRunId = table.columns().stream().anyMatch(c -> c.name().equals(Tables.RUN_ID));
    return runId != null && hasRunId ? rows.withColumn(Tables.RUN_ID, lit(runId)) : rows;
  }

  /**
   * Replaces the rows whose key is {@code key} with {@code rows} (job_runs at the end of a run: its
   * RUNNING row becomes the finished one, or is inserted if it is missing). A replaceWhere on the
   * key, not a MERGE: the same rows in one Delta write, with about half the Spark jobs of a MERGE.
   */
  public void replace(TableSpec table, Dataset<Row> rows, String keyColumn, String key) {
    String name = qualified(table);
    Dataset<Row> shaped = rows.select(table.selectColumns());
    committed(table, () -> shaped.writeTo(name).overwrite(col(keyColumn).equalTo(lit(key))));
  }

  /** Sets columns of the rows that match {@code condition} (one Delta UPDATE, retried on a conflict like a write). */
  public void update(TableSpec table, Column condition, Map<String, Column> set) {
    String name = qualified(table);
    committed(table, () -> DeltaTable.forName(spark, name).update(condition, new java.util.HashMap<>(set)));
  }

  /**
   * Runs one write and returns its commit. Every write replaces by its declared key (periods, the
   * whole snapshot, the run id), so when a concurrent run's commit conflicts with it Delta rejects it
   * whole and it is simply made again, up to {@link #COMMIT_ATTEMPTS} times.
   */
  private WriteResult committed(TableSpec table, TableWrite write) {
    String name = qualified(table);
    for (int attempt = 1; ; attempt++) {
      try {
        try {
          write.run();
        } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
          throw new IllegalStateException("table " + name + " vanished while the run was writing it", e);
        }
        // The version this session committed: another run may commit right after, so read our own.
        return ownCommit(table);
      } catch (io.delta.exceptions.DeltaConcurrentModificationException conflict) {
        if (attempt == COMMIT_ATTEMPTS) {
          throw new IllegalStateException("table " + name + ": the commit conflicted with concurrent writers "
              + COMMIT_ATTEMPTS + " times in a row (" + conflict.getClass().getSimpleName() + "); run again when "
              + "the other runs have finished", conflict);
        }
        long pauseMillis = 200L * attempt + java.util.concurrent.ThreadLocalRandom.current().nextLong(300);
        LOG.warn("table {}: commit conflicted with a concurrent run ({}), attempt {} of {}; retrying in {} ms",
            name, conflict.getClass().getSimpleName(), attempt, COMMIT_ATTEMPTS, pauseMillis);
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while retrying the commit to " + name, conflict);
        }
      }
    }
  }

  public record WriteResult(long version, long rowsWritten) {}

  /** One write to a table of the catalog (DataFrameWriterV2 declares the table's absence as checked). */
  @FunctionalInterface
  private interface TableWrite {
    void run() throws org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
  }

  /** Where the catalog keeps a table's files. */
  private String location(TableSpec table) {
    try {
      return spark.sessionState().catalog()
          .getTableMetadata(new TableIdentifier(table.name(), scala.Option.apply(database)))
          .location().toString();
    } catch (org.apache.spark.sql.AnalysisException e) {
      throw new IllegalStateException("table " + qualified(table) + " vanished from the catalog", e);
    }
  }

  private String databaseLocation() {
    try {
      return spark.catalog().getDatabase(database).locationUri();
    } catch (org.apache.spark.sql.AnalysisException e) {
      throw new IllegalStateException("database " + database + " vanished from the catalog", e);
    }
  }

  /** The job writes under the lakehouse root only: a catalog entry pointing elsewhere stops the run. */
  private void requireUnderRoot(String what, String location) {
    if (!io.profitlake.config.LakehousePaths.isUnder(location, root)) {
      throw new io.profitlake.config.ConfigurationError(what + " is located at " + location + ", outside the lakehouse "
          + "root " + root + " (profitlake.lakehouse.path); the job writes only under that root: point the path at "
          + "the lakehouse that holds it, or use another profitlake.lakehouse.database");
    }
  }

  /**
   * The newest commit of the table made under this session's run id (tagCommits), among the last
   * {@link #OWN_COMMIT_SEARCH} commits. The commit files are read here, on the driver: Delta's history API
   * reads them with a Spark job of its own, one job per table written.
   */
  private WriteResult ownCommit(TableSpec table) {
    String tag = spark.conf().get(USER_METADATA, "");
    DeltaLog log = DeltaLog.forTable(spark, new TableIdentifier(table.name(), scala.Option.apply(database)));
    // After this session's commit the log's snapshot is at that commit; later ones (a concurrent run's) follow it.
    long latest = log.unsafeVolatileSnapshot().version();
    scala.collection.Iterator<scala.Tuple2<Object, scala.collection.immutable.Seq<Action>>> commits =
        log.getChanges(Math.max(0, latest - OWN_COMMIT_SEARCH + 1), scala.Option.empty(), false);
    WriteResult own = null;
    while (commits.hasNext()) {
      scala.Tuple2<Object, scala.collection.immutable.Seq<Action>> commit = commits.next();
      long version = (Long) commit._1();
      latest = Math.max(latest, version);
      for (Action action : scala.jdk.javaapi.CollectionConverters.asJava(commit._2())) {
        if (action instanceof CommitInfo info && (tag.isEmpty() || tag.equals(info.userMetadata().getOrElse(() -> null)))) {
          own = new WriteResult(version, outputRows(info));
        }
      }
    }
    // Delta makes no commit for a write that changes nothing (no rows into an empty table).
    return own != null ? own : new WriteResult(latest, 0);
  }

  private static long outputRows(CommitInfo info) {
    if (info.operationMetrics().isEmpty()) {
      return 0;
    }
    scala.Option<String> rows = info.operationMetrics().get().get("numOutputRows");
    return rows.isDefined() ? Long.parseLong(rows.get()) : 0;
  }
}
