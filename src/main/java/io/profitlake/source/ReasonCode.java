package io.profitlake.source;

/** Why a row was quarantined (data-contracts.md, "Which reason a bad row gets"). */
public enum ReasonCode {
  MALFORMED_ROW,
  MISSING_FIELD,
  BAD_TIMESTAMP,
  BAD_NUMBER,
  BAD_ENUM,
  NEGATIVE_AMOUNT,
  OUT_OF_RANGE,
  INCONSISTENT_DATES,
  INCONSISTENT_AMOUNTS,
  SELF_REFERRAL,
  DUPLICATE_KEY,
  UNKNOWN_CUSTOMER,
  UNKNOWN_SALES_REP,
  UNKNOWN_POOL,
  MISSING_FX_RATE,
  DUPLICATE_REFERRAL,
  REFERRAL_CYCLE
}
