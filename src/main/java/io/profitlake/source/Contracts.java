package io.profitlake.source;

import static io.profitlake.source.Field.bool;
import static io.profitlake.source.Field.date;
import static io.profitlake.source.Field.decimal;
import static io.profitlake.source.Field.integer;
import static io.profitlake.source.Field.period;
import static io.profitlake.source.Field.text;
import static io.profitlake.source.Field.timestamp;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.profitlake.source.SourceContract.CrossRule;
import io.profitlake.source.SourceContract.FxReference;
import io.profitlake.source.SourceContract.Reference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The eleven input contracts of data-contracts.md, declared once. Column order is check order. */
public final class Contracts {
  private Contracts() {}

  private static final String[] SIZE_BANDS = {"SMALL", "MEDIUM", "LARGE", "ENTERPRISE"};

  public static final SourceContract TRANSACTIONS = new SourceContract(
      "transactions",
      List.of(
          text("transaction_id").mandatory(),
          text("order_id").mandatory(),
          text("customer_id").mandatory(),
          timestamp("transaction_ts").mandatory(),
          text("product_id"),
          decimal("quantity", 18, 4).above("0"),
          decimal("unit_price", 18, 4).atLeast("0"),
          decimal("discount_amount", 18, 2).atLeast("0"),
          decimal("net_amount", 18, 2).mandatory().atLeast("0"),
          decimal("cost_amount", 18, 2).mandatory().atLeast("0"),
          text("currency").mandatory(),
          text("channel"),
          text("sales_rep_id"),
          text("transaction_type").mandatory().oneOf("SALE", "RETURN")),
      List.of("transaction_id"),
      List.of(),
      List.of(
          new Reference(ReasonCode.UNKNOWN_CUSTOMER, "customer_id", "customers", "customer_id"),
          new Reference(ReasonCode.UNKNOWN_SALES_REP, "sales_rep_id", "sales_reps", "rep_id")),
      Optional.of(new FxReference("currency", "transaction_ts")));

  public static final SourceContract INVOICES = new SourceContract(
      "invoices",
      List.of(
          text("invoice_id").mandatory(),
          text("customer_id").mandatory(),
          date("issue_date").mandatory(),
          date("due_date").mandatory(),
          decimal("amount", 18, 2).mandatory().above("0"),
          text("currency").mandatory(),
          decimal("paid_amount", 18, 2).atLeast("0"),
          date("paid_date"),
          decimal("written_off_amount", 18, 2).atLeast("0"),
          date("written_off_date")),
      List.of("invoice_id"),
      List.of(
          new CrossRule(ReasonCode.INCONSISTENT_DATES, "due_date", () -> col("due_date").lt(col("issue_date"))),
          new CrossRule(ReasonCode.MISSING_FIELD, "paid_date",
              () -> coalesce(col("paid_amount"), lit(0)).gt(0).and(col("paid_date").isNull())),
          new CrossRule(ReasonCode.MISSING_FIELD, "written_off_date",
              () -> coalesce(col("written_off_amount"), lit(0)).gt(0).and(col("written_off_date").isNull())),
          new CrossRule(ReasonCode.INCONSISTENT_AMOUNTS, "paid_amount",
              () -> coalesce(col("paid_amount"), lit(0)).plus(coalesce(col("written_off_amount"), lit(0)))
                  .gt(col("amount")))),
      List.of(new Reference(ReasonCode.UNKNOWN_CUSTOMER, "customer_id", "customers", "customer_id")),
      Optional.of(new FxReference("currency", "issue_date")));

  public static final SourceContract CUSTOMERS = new SourceContract(
      "customers",
      List.of(
          text("customer_id").mandatory(),
          text("customer_name"),
          text("contact_name"),
          text("contact_email"),
          text("industry"),
          text("region"),
          text("country"),
          text("size_band").oneOf(SIZE_BANDS),
          date("acquisition_date").mandatory(),
          text("acquisition_channel"),
          decimal("acquisition_cost", 18, 2).atLeast("0"),
          text("account_manager_id"),
          date("churn_date")),
      List.of("customer_id"),
      List.of(new CrossRule(ReasonCode.INCONSISTENT_DATES, "churn_date",
          () -> col("churn_date").lt(col("acquisition_date")))),
      List.of(),
      Optional.empty());

  public static final SourceContract SALES_REPS = new SourceContract(
      "sales_reps",
      List.of(
          text("rep_id").mandatory(),
          text("rep_name"),
          text("team"),
          decimal("commission_rate", 6, 5).mandatory().atLeast("0").atMost("1")),
      List.of("rep_id"),
      List.of(),
      List.of(),
      Optional.empty());

  public static final SourceContract SALES_ACTIVITIES = new SourceContract(
      "sales_activities",
      List.of(
          text("activity_id").mandatory(),
          text("customer_id").mandatory(),
          text("rep_id"),
          timestamp("activity_ts").mandatory(),
          text("activity_type").oneOf("VISIT", "CALL", "EMAIL", "DEMO", "PROPOSAL"),
          decimal("duration_minutes", 10, 2).atLeast("0")),
      List.of("activity_id"),
      List.of(),
      List.of(
          new Reference(ReasonCode.UNKNOWN_CUSTOMER, "customer_id", "customers", "customer_id"),
          new Reference(ReasonCode.UNKNOWN_SALES_REP, "rep_id", "sales_reps", "rep_id")),
      Optional.empty());

  public static final SourceContract REFERRALS = new SourceContract(
      "referrals",
      List.of(
          text("referral_id").mandatory(),
          text("referrer_customer_id").mandatory(),
          text("referred_customer_id").mandatory(),
          date("referral_date").mandatory(),
          decimal("reward_amount", 18, 2).atLeast("0")),
      List.of("referral_id"),
      List.of(new CrossRule(ReasonCode.SELF_REFERRAL, "referred_customer_id",
          () -> col("referred_customer_id").equalTo(col("referrer_customer_id")))),
      List.of(
          new Reference(ReasonCode.UNKNOWN_CUSTOMER, "referrer_customer_id", "customers", "customer_id"),
          new Reference(ReasonCode.UNKNOWN_CUSTOMER, "referred_customer_id", "customers", "customer_id")),
      Optional.empty());

  public static final SourceContract SUPPORT_TICKETS = new SourceContract(
      "support_tickets",
      List.of(
          text("ticket_id").mandatory(),
          text("customer_id").mandatory(),
          timestamp("opened_ts").mandatory(),
          timestamp("closed_ts"),
          text("channel").oneOf("PHONE", "EMAIL", "CHAT", "PORTAL", "FIELD"),
          text("category").oneOf("COMPLAINT", "QUESTION", "INCIDENT", "RETURN_REQUEST", "BILLING"),
          text("priority").oneOf("LOW", "MEDIUM", "HIGH", "URGENT"),
          decimal("handle_minutes", 10, 2).atLeast("0"),
          bool("escalated"),
          integer("reopen_count").atLeast("0")),
      List.of("ticket_id"),
      List.of(new CrossRule(ReasonCode.INCONSISTENT_DATES, "closed_ts",
          () -> col("closed_ts").lt(col("opened_ts")))),
      List.of(new Reference(ReasonCode.UNKNOWN_CUSTOMER, "customer_id", "customers", "customer_id")),
      Optional.empty());

  public static final SourceContract CALLS = new SourceContract(
      "calls",
      List.of(
          text("call_id").mandatory(),
          text("customer_id").mandatory(),
          timestamp("call_ts").mandatory(),
          text("queue"),
          integer("wait_seconds").atLeast("0"),
          integer("talk_seconds").atLeast("0")),
      List.of("call_id"),
      List.of(),
      List.of(new Reference(ReasonCode.UNKNOWN_CUSTOMER, "customer_id", "customers", "customer_id")),
      Optional.empty());

  public static final SourceContract COST_POOLS = new SourceContract(
      "cost_pools",
      List.of(
          period("period").mandatory(),
          text("pool_id").mandatory(),
          decimal("amount", 18, 2).mandatory().atLeast("0"),
          text("currency").mandatory()),
      List.of("period", "pool_id"),
      List.of(),
      List.of(new Reference(ReasonCode.UNKNOWN_POOL, "pool_id", SourceContract.COST_MODEL_POOLS, "pool_id")),
      Optional.of(new FxReference("currency", "period")));

  public static final SourceContract FX_RATES = new SourceContract(
      "fx_rates",
      List.of(
          period("period").mandatory(),
          text("currency").mandatory(),
          decimal("rate_to_base", 18, 8).mandatory().above("0")),
      List.of("period", "currency"),
      List.of(),
      List.of(),
      Optional.empty());

  public static final SourceContract PROSPECTS = new SourceContract(
      "prospects",
      List.of(
          text("prospect_id").mandatory(),
          text("industry"),
          text("region"),
          text("country"),
          text("size_band").oneOf(SIZE_BANDS),
          text("lead_source"),
          date("created_date")),
      List.of("prospect_id"),
      List.of(),
      List.of(),
      Optional.empty());

  /** By source name, in the order references need them (customers, sales_reps and fx_rates first). */
  public static final Map<String, SourceContract> ALL;

  static {
    Map<String, SourceContract> all = new LinkedHashMap<>();
    for (SourceContract contract : List.of(CUSTOMERS, SALES_REPS, FX_RATES, TRANSACTIONS, INVOICES,
        SALES_ACTIVITIES, REFERRALS, SUPPORT_TICKETS, CALLS, COST_POOLS, PROSPECTS)) {
      all.put(contract.name(), contract);
    }
    ALL = java.util.Collections.unmodifiableMap(all);
  }
}
