package io.profitlake.support;

import java.io.IOException;
import java.nio.file.Path;

/** A minimal valid input for every source: one customer, one rep, one sale. Tests replace one source. */
public final class Fixtures {
  private Fixtures() {}

  public static void minimal(Path in) throws IOException {
    CsvFiles.write(in, "customers",
        "customer_id,customer_name,contact_name,contact_email,industry,region,country,size_band,acquisition_date,"
            + "acquisition_channel,acquisition_cost,account_manager_id,churn_date",
        "C1,Acme,Ann,ann@acme.example,RETAIL,NORTH,US,SMALL,2024-01-05,ORGANIC,100.00,R1,");
    CsvFiles.write(in, "sales_reps", "rep_id,rep_name,team,commission_rate", "R1,Rita,A,0.05");
    CsvFiles.write(in, "fx_rates", "period,currency,rate_to_base", "2024-01,EUR,1.10000000");
    CsvFiles.write(in, "transactions",
        "transaction_id,order_id,customer_id,transaction_ts,product_id,quantity,unit_price,discount_amount,net_amount,"
            + "cost_amount,currency,channel,sales_rep_id,transaction_type",
        "T1,O1,C1,2024-01-15T10:00:00,P1,2,50.00,0,100.00,60.00,USD,WEB,R1,SALE");
    CsvFiles.write(in, "invoices",
        "invoice_id,customer_id,issue_date,due_date,amount,currency,paid_amount,paid_date,written_off_amount,"
            + "written_off_date",
        "I1,C1,2024-01-31,2024-03-01,100.00,USD,100.00,2024-03-05,0,");
    CsvFiles.write(in, "sales_activities", "activity_id,customer_id,rep_id,activity_ts,activity_type,duration_minutes",
        "A1,C1,R1,2024-01-10T09:00:00,VISIT,60");
    CsvFiles.write(in, "referrals", "referral_id,referrer_customer_id,referred_customer_id,referral_date,reward_amount");
    CsvFiles.write(in, "support_tickets",
        "ticket_id,customer_id,opened_ts,closed_ts,channel,category,priority,handle_minutes,escalated,reopen_count",
        "K1,C1,2024-01-10T09:00:00,2024-01-10T10:00:00,EMAIL,QUESTION,LOW,12.5,true,0");
    CsvFiles.write(in, "calls", "call_id,customer_id,call_ts,queue,wait_seconds,talk_seconds",
        "L1,C1,2024-01-10T09:00:00,Q,30,300");
    CsvFiles.write(in, "cost_pools", "period,pool_id,amount,currency", "2024-01,support,1000.00,USD");
    CsvFiles.write(in, "prospects", "prospect_id,industry,region,country,size_band,lead_source,created_date",
        "P1,RETAIL,NORTH,US,SMALL,ORGANIC,2024-01-01");
  }
}
