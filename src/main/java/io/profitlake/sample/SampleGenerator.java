package io.profitlake.sample;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.profitlake.currency.Money;
import io.profitlake.config.CostModel;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synthetic inputs for every source, coherent with each other and with the cost model: heavy-tailed
 * revenue (a few whales, many small), about 5% returns, foreign-currency customers with fx rates,
 * late payers and write-offs, a referral forest, support load concentrated on a minority.
 *
 * <p>Written as Spark jobs with no driver-side loops over rows. Every random draw is a hash of
 * (seed, purpose, row keys), so the same seed gives the same files whatever the partitioning.
 * Synthetic draws are doubles; every amount is rounded to a DECIMAL before it is written.
 */
public final class SampleGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(SampleGenerator.class);
  private static final long PRIME = 1_000_000_007L;
  private static final int CUSTOMERS_PER_PARTITION = 50_000;

  private final SparkSession spark;
  private final GeneratorOptions options;
  private final CostModel costModel;

  public SampleGenerator(SparkSession spark, GeneratorOptions options, CostModel costModel) {
    this.spark = spark;
    this.options = options;
    this.costModel = costModel;
  }

  /** A uniform draw in [0, 1) from the seed, a purpose and the row's keys. */
  private Column u(String purpose, Column... keys) {
    Column[] all = new Column[keys.length + 2];
    all[0] = lit(options.seed());
    all[1] = lit(purpose);
    System.arraycopy(keys, 0, all, 2, keys.length);
    return pmod(xxhash64(all), lit(PRIME)).divide(lit((double) PRIME));
  }

  private static Column pick(Column draw, String... values) {
    Column[] literals = Arrays.stream(values).map(v -> lit(v)).toArray(Column[]::new);
    return element_at(array(literals), floor(draw.multiply(values.length)).cast("int").plus(1));
  }

  private static Column money(Column amount) {
    return Money.of(bround(amount, 2));
  }

  private Column monthStart(Column monthIndex) {
    return org.apache.spark.sql.functions.add_months(to_date(lit(options.start().toString() + "-01")), monthIndex);
  }

  /** Generates every source into {@code outDir}, one folder per source, plus the bad rows when asked. */
  public void writeTo(String outDir) {
    LOG.info("generating {} customers over {} months from {} (seed {}) into {}", options.customers(), options.months(),
        options.start(), options.seed(), outDir);
    GeneratedSample sample = generate();
    sample.write(outDir, options.format());
    if (options.badRows()) {
      // After the write: Spark's overwrite clears each source folder first.
      BadRows.inject(sample, outDir, spark.sparkContext().hadoopConfiguration());
    }
    sample.customerBase().unpersist();
    LOG.info("sample written to {}", outDir);
  }

  /** Generates every source; returns the datasets by source name (not yet written). */
  public GeneratedSample generate() {
    int months = options.months();
    int n = options.customers();
    int partitions = Math.max(1, (int) Math.ceil(n / (double) CUSTOMERS_PER_PARTITION));
    int reps = Math.max(5, n / 100);
    Column i = col("i");

    // Customers: acquisition month rises with the id, so a referrer (a smaller id) came first.
    Dataset<Row> base = spark.range(1, n + 1, 1, partitions).toDF("i")
        .withColumn("customer_id", format_string("C%07d", i))
        .withColumn("acq_month", floor(i.minus(1).multiply(months + 12).divide(n)).cast("int").minus(12))
        .withColumn("size_band", when(u("size", i).lt(0.5), "SMALL").when(u("size", i).lt(0.8), "MEDIUM")
            .when(u("size", i).lt(0.95), "LARGE").otherwise("ENTERPRISE"))
        .withColumn("band_factor", when(col("size_band").equalTo("SMALL"), 1).when(col("size_band").equalTo("MEDIUM"), 2)
            .when(col("size_band").equalTo("LARGE"), 4).otherwise(8))
        // Pareto(1.3) intensity, capped: a few whales, many small customers.
        .withColumn("weight", least(pow(greatest(u("weight", i), lit(1e-6)), lit(-1 / 1.3)), lit(60.0))
            .multiply(col("band_factor")))
        // Support demand: u^4 puts most of the load on a minority.
        .withColumn("demand", pow(u("demand", i), lit(4)).multiply(6))
        .withColumn("currency", when(u("currency", i).lt(0.08), "EUR").when(u("currency", i).lt(0.12), "GBP")
            .otherwise(costModel.currency()))
        .withColumn("late_payer", u("late", i).lt(0.15))
        .withColumn("churn_month", when(u("churn", i).lt(0.12),
            greatest(col("acq_month"), lit(0)).plus(2).plus(floor(u("churn_at", i).multiply(months)).cast("int"))))
        .withColumn("churn_month", when(col("churn_month").lt(months), col("churn_month")))
        .withColumn("referred", i.gt(Math.max(1, n / 20)).and(u("referred", i).lt(0.15)))
        .withColumn("referrer_i", floor(u("referrer", i).multiply(i.minus(1))).plus(1).cast("long"))
        .withColumn("account_manager_id", when(col("size_band").isin("LARGE", "ENTERPRISE"),
            format_string("R%03d", pmod(i, lit(reps)).plus(1))))
        .withColumn("acquisition_date", date_add(monthStart(col("acq_month")),
            floor(u("acq_day", i).multiply(28)).cast("int")))
        .cache();

    Dataset<Row> customers = base.select(
        col("customer_id"),
        format_string("Customer %d Ltd", i).as("customer_name"),
        format_string("Contact Person %d", i).as("contact_name"),
        format_string("contact%d@customer%d.example", i, i).as("contact_email"),
        pick(u("industry", i), "RETAIL", "MANUFACTURING", "SOFTWARE", "HEALTHCARE", "LOGISTICS", "FINANCE").as("industry"),
        pick(u("region", i), "NORTH", "SOUTH", "EAST", "WEST").as("region"),
        pick(u("country", i), "US", "US", "US", "GB", "DE", "FR").as("country"),
        col("size_band"),
        date_format(col("acquisition_date"), "yyyy-MM-dd").as("acquisition_date"),
        when(col("referred"), "REFERRAL")
            .otherwise(pick(u("channel", i), "PAID_SEARCH", "FIELD_SALES", "PARTNER", "EVENT", "ORGANIC"))
            .as("acquisition_channel"),
        money(lit(100).plus(u("acq_cost", i).multiply(1400))).as("acquisition_cost"),
        col("account_manager_id"),
        date_format(date_add(monthStart(col("churn_month")), floor(u("churn_day", i).multiply(28)).cast("int")),
            "yyyy-MM-dd").as("churn_date"));

    Dataset<Row> salesReps = spark.range(1, reps + 1, 1, 1).toDF("r").select(
        format_string("R%03d", col("r")).as("rep_id"),
        format_string("Rep %d", col("r")).as("rep_name"),
        pick(u("team", col("r")), "ENTERPRISE", "MIDMARKET", "INSIDE").as("team"),
        bround(lit(0.02).plus(u("commission", col("r")).multiply(0.06)), 4)
            .cast(DataTypes.createDecimalType(6, 5)).as("commission_rate"));

    Dataset<Row> referrals = base.where(col("referred")).select(
        format_string("RF%07d", i).as("referral_id"),
        format_string("C%07d", col("referrer_i")).as("referrer_customer_id"),
        col("customer_id").as("referred_customer_id"),
        date_format(col("acquisition_date"), "yyyy-MM-dd").as("referral_date"),
        money(lit(50).plus(u("reward", i).multiply(200))).as("reward_amount"));

    // One row per customer and month in which it is a customer within the history.
    Dataset<Row> customerMonths = base
        .withColumn("m", explode(sequence(greatest(col("acq_month"), lit(0)),
            when(col("churn_month").isNull(), lit(months - 1)).otherwise(col("churn_month")))))
        .where(col("m").lt(months))
        .withColumn("month_start", monthStart(col("m")));
    Column m = col("m");

    Dataset<Row> transactions = transactions(customerMonths, reps);
    Dataset<Row> invoices = invoices(transactions.where(col("transaction_type").equalTo("SALE")), base, months);
    Dataset<Row> fxRates = spark.range(0, months, 1, 1).toDF("m").crossJoin(
            spark.createDataset(List.of("EUR", "GBP"), org.apache.spark.sql.Encoders.STRING()).toDF("currency"))
        .select(date_format(monthStart(col("m")), "yyyy-MM").as("period"), col("currency"),
            bround(when(col("currency").equalTo("EUR"), lit(1.04)).otherwise(lit(1.22))
                .plus(u("fx", col("m"), col("currency")).multiply(0.08)), 6)
                .cast(DataTypes.createDecimalType(18, 8)).as("rate_to_base"));

    Dataset<Row> activities = customerMonths
        .withColumn("k", floor(u("activities", i, m).multiply(col("band_factor")).multiply(0.6)).cast("int"))
        .where(col("k").gt(0))
        .withColumn("a", explode(sequence(lit(1), col("k"))))
        .select(
            format_string("SA%07d-%03d-%02d", i, m, col("a")).as("activity_id"),
            col("customer_id"),
            when(u("act_rep", i, m, col("a")).lt(0.9),
                format_string("R%03d", pmod(i, lit(reps)).plus(1))).as("rep_id"),
            timestamp(col("month_start"), "act", i, m, col("a")).as("activity_ts"),
            pick(u("act_type", i, m, col("a")), "VISIT", "CALL", "CALL", "EMAIL", "EMAIL", "DEMO", "PROPOSAL")
                .as("activity_type"),
            bround(lit(10).plus(u("act_dur", i, m, col("a")).multiply(110)), 0)
                .cast(DataTypes.createDecimalType(10, 2)).as("duration_minutes"));

    Dataset<Row> tickets = customerMonths
        .withColumn("k", floor(u("tickets", i, m).multiply(col("demand")).multiply(2.5)).cast("int"))
        .where(col("k").gt(0))
        .withColumn("t", explode(sequence(lit(1), col("k"))))
        .withColumn("opened", timestamp(col("month_start"), "ticket", i, m, col("t")))
        .select(
            format_string("TK%07d-%03d-%02d", i, m, col("t")).as("ticket_id"),
            col("customer_id"),
            col("opened").as("opened_ts"),
            date_format(org.apache.spark.sql.functions.to_timestamp(col("opened"))
                .plus(org.apache.spark.sql.functions.make_interval(lit(0), lit(0), lit(0), lit(0),
                    floor(u("ticket_hours", i, m, col("t")).multiply(72)).cast("int"), lit(0), lit(0))),
                "yyyy-MM-dd'T'HH:mm:ss").as("closed_ts"),
            pick(u("ticket_channel", i, m, col("t")), "PHONE", "EMAIL", "EMAIL", "CHAT", "PORTAL", "FIELD").as("channel"),
            pick(u("ticket_cat", i, m, col("t")), "QUESTION", "QUESTION", "INCIDENT", "COMPLAINT", "RETURN_REQUEST", "BILLING")
                .as("category"),
            when(u("ticket_prio", i, m, col("t")).lt(0.05), "URGENT").when(u("ticket_prio", i, m, col("t")).lt(0.25), "HIGH")
                .when(u("ticket_prio", i, m, col("t")).lt(0.7), "MEDIUM").otherwise("LOW").as("priority"),
            bround(lit(5).plus(pow(u("ticket_min", i, m, col("t")), lit(2)).multiply(85)), 1)
                .cast(DataTypes.createDecimalType(10, 2)).as("handle_minutes"),
            when(u("ticket_esc", i, m, col("t")).lt(0.1), "true").otherwise("false").as("escalated"),
            when(u("ticket_reopen", i, m, col("t")).lt(0.2), floor(u("ticket_reopen_n", i, m, col("t")).multiply(3)).plus(1))
                .otherwise(lit(0)).cast("int").as("reopen_count"));

    Dataset<Row> calls = customerMonths
        .withColumn("k", floor(u("calls", i, m).multiply(col("demand")).multiply(3)).cast("int"))
        .where(col("k").gt(0))
        .withColumn("c", explode(sequence(lit(1), col("k"))))
        .select(
            format_string("CL%07d-%03d-%02d", i, m, col("c")).as("call_id"),
            col("customer_id"),
            timestamp(col("month_start"), "call", i, m, col("c")).as("call_ts"),
            pick(u("queue", i, m, col("c")), "BILLING", "ORDERS", "TECHNICAL", "GENERAL").as("queue"),
            floor(u("wait", i, m, col("c")).multiply(600)).cast("int").as("wait_seconds"),
            floor(lit(60).plus(u("talk", i, m, col("c")).multiply(900))).cast("int").as("talk_seconds"));

    Dataset<Row> costPools = costPools(months, n);

    int prospectCount = Math.max(50, n / 4);
    Column p = col("p");
    Dataset<Row> prospects = spark.range(1, prospectCount + 1, 1, 1).toDF("p").select(
        format_string("P%07d", p).as("prospect_id"),
        pick(u("industry_p", p), "RETAIL", "MANUFACTURING", "SOFTWARE", "HEALTHCARE", "LOGISTICS", "FINANCE").as("industry"),
        pick(u("region_p", p), "NORTH", "SOUTH", "EAST", "WEST").as("region"),
        pick(u("country_p", p), "US", "US", "US", "GB", "DE", "FR").as("country"),
        when(u("size_p", p).lt(0.5), "SMALL").when(u("size_p", p).lt(0.8), "MEDIUM")
            .when(u("size_p", p).lt(0.95), "LARGE").otherwise("ENTERPRISE").as("size_band"),
        pick(u("lead_p", p), "REFERRAL", "PAID_SEARCH", "FIELD_SALES", "PARTNER", "EVENT", "ORGANIC").as("lead_source"),
        date_format(date_add(monthStart(lit(months - 1)), floor(u("created_p", p).multiply(28)).cast("int").minus(150)),
            "yyyy-MM-dd").as("created_date"));

    return new GeneratedSample(base, List.of(
        new GeneratedSample.Source("customers", customers),
        new GeneratedSample.Source("sales_reps", salesReps),
        new GeneratedSample.Source("fx_rates", fxRates),
        new GeneratedSample.Source("transactions", transactions),
        new GeneratedSample.Source("invoices", invoices),
        new GeneratedSample.Source("sales_activities", activities),
        new GeneratedSample.Source("referrals", referrals),
        new GeneratedSample.Source("support_tickets", tickets),
        new GeneratedSample.Source("calls", calls),
        new GeneratedSample.Source("cost_pools", costPools),
        new GeneratedSample.Source("prospects", prospects)));
  }

  private Column timestamp(Column monthStart, String purpose, Column... keys) {
    Column day = floor(u(purpose + "_day", keys).multiply(28)).cast("int");
    Column hour = floor(lit(8).plus(u(purpose + "_hour", keys).multiply(10))).cast("int");
    Column minute = floor(u(purpose + "_minute", keys).multiply(60)).cast("int");
    return format_string("%sT%02d:%02d:00", date_format(date_add(monthStart, day), "yyyy-MM-dd"), hour, minute);
  }

  private Dataset<Row> transactions(Dataset<Row> customerMonths, int reps) {
    Column i = col("i");
    Column m = col("m");
    Column l = col("l");
    Dataset<Row> lines = customerMonths
        .withColumn("k", floor(u("lines", i, m).multiply(col("weight")).multiply(options.linesFactor())).cast("int"))
        .where(col("k").gt(0))
        .withColumn("l", explode(sequence(lit(1), col("k"))))
        .withColumn("is_return", u("return", i, m, l).lt(0.05))
        .withColumn("qty", when(col("is_return"), floor(lit(1).plus(u("qty", i, m, l).multiply(2))))
            .otherwise(floor(lit(1).plus(u("qty", i, m, l).multiply(9)))))
        .withColumn("price", bround(lit(5).plus(pow(u("price", i, m, l), lit(2)).multiply(495)), 2))
        .withColumn("gross", col("qty").multiply(col("price")))
        .withColumn("discount", when(u("discount", i, m, l).lt(0.2), bround(col("gross").multiply(0.05), 2)).otherwise(lit(0.0)))
        .withColumn("net", bround(col("gross").minus(col("discount")), 2))
        .withColumn("cost", bround(col("net").multiply(lit(0.45).plus(u("cost", i, m, l).multiply(0.35))), 2));
    return lines.select(
        format_string("T%07d-%03d-%04d", i, m, l).as("transaction_id"),
        format_string("O%07d-%03d-%03d", i, m, ceil(l.divide(3)).cast("int")).as("order_id"),
        col("customer_id"),
        timestamp(col("month_start"), "tx", i, m, l).as("transaction_ts"),
        format_string("SKU-%04d", floor(u("product", i, m, l).multiply(500)).cast("int")).as("product_id"),
        col("qty").cast(DataTypes.createDecimalType(18, 4)).as("quantity"),
        col("price").cast(DataTypes.createDecimalType(18, 4)).as("unit_price"),
        money(col("discount")).as("discount_amount"),
        money(col("net")).as("net_amount"),
        money(col("cost")).as("cost_amount"),
        col("currency"),
        when(u("channel_tx", i, m, l).lt(0.02), "MARKETPLACE")
            .otherwise(pick(u("channel_tx2", i, m, l), "WEB", "WEB", "STORE", "FIELD", "PHONE", "PARTNER")).as("channel"),
        when(u("rep", i, m, l).lt(0.6), org.apache.spark.sql.functions.coalesce(col("account_manager_id"),
            format_string("R%03d", pmod(xxhash64(lit(options.seed()), i), lit(reps)).plus(1)))).as("sales_rep_id"),
        when(col("is_return"), "RETURN").otherwise("SALE").as("transaction_type"));
  }

  /**
   * One invoice per customer and month with sales, in the customer's currency, issued on the last
   * day of the month and due 30 days later. Late payers pay 5 to 90 days late; some of their
   * invoices are written off 120 days after the due date. Invoices settling after the history are open.
   */
  private Dataset<Row> invoices(Dataset<Row> sales, Dataset<Row> customers, int months) {
    Column lastDayOfHistory = last_day(monthStart(lit(months - 1)));
    Dataset<Row> monthly = sales
        .groupBy(col("customer_id"), col("currency"),
            org.apache.spark.sql.functions.substring(col("transaction_ts"), 1, 7).as("period"))
        .agg(sum(col("net_amount")).as("amount"))
        .where(col("amount").gt(0))
        .join(customers.select(col("customer_id"), col("i"), col("late_payer")), "customer_id");
    Column i = col("i");
    Column period = col("period");
    Column issue = last_day(to_date(org.apache.spark.sql.functions.concat(period, lit("-01"))));
    Column due = date_add(issue, 30);
    Column daysLate = when(col("late_payer"), floor(lit(5).plus(u("late_days", i, period).multiply(85))))
        .otherwise(floor(u("early_days", i, period).multiply(20)).multiply(-1)).cast("int");
    Column writtenOff = col("late_payer").and(u("write_off", i, period).lt(0.12));
    Column writeOffDate = date_add(col("due"), 120);
    Column paidDate = when(writtenOff.unary_$bang().and(date_add(col("due"), daysLate).leq(lastDayOfHistory)),
        date_add(col("due"), daysLate));
    Column writeOffDue = writtenOff.and(writeOffDate.leq(lastDayOfHistory));
    return monthly
        .withColumn("due", due)
        .select(
            format_string("I%07d-%s", i, period).as("invoice_id"),
            col("customer_id"),
            date_format(issue, "yyyy-MM-dd").as("issue_date"),
            date_format(col("due"), "yyyy-MM-dd").as("due_date"),
            money(col("amount")).as("amount"),
            col("currency"),
            money(when(paidDate.isNotNull(), col("amount")).otherwise(lit(0))).as("paid_amount"),
            date_format(paidDate, "yyyy-MM-dd").as("paid_date"),
            money(when(writeOffDue, col("amount")).otherwise(lit(0))).as("written_off_amount"),
            date_format(when(writeOffDue, writeOffDate), "yyyy-MM-dd").as("written_off_date"));
  }

  /**
   * A cost row for every pool of the cost model in every month: resource pools cost about 0.80 per
   * minute of practical capacity, shared pools about 25 per customer.
   */
  private Dataset<Row> costPools(int months, int n) {
    List<Row> pools = new ArrayList<>();
    for (CostModel.ResourcePool pool : costModel.pools().values()) {
      pools.add(org.apache.spark.sql.RowFactory.create(pool.id(),
          pool.capacityMinutes().multiply(new java.math.BigDecimal("0.80"))));
    }
    for (CostModel.SharedPool pool : costModel.sharedPools().values()) {
      pools.add(org.apache.spark.sql.RowFactory.create(pool.id(), new java.math.BigDecimal(25L * n)));
    }
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("pool_id", DataTypes.StringType)
        .add("base_amount", Money.TYPE);
    Dataset<Row> poolRows = spark.createDataFrame(pools, schema);
    Column m = col("m");
    return spark.range(0, months, 1, 1).toDF("m").crossJoin(poolRows)
        .select(
            date_format(monthStart(m), "yyyy-MM").as("period"),
            col("pool_id"),
            money(col("base_amount").multiply(lit(0.95).plus(u("pool", m, col("pool_id")).multiply(0.10)))).as("amount"),
            lit(costModel.currency()).as("currency"))
        .orderBy(col("period"), col("pool_id"));
  }
}
