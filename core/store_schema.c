/* Schema migrations of the Yixiang store, applied in order by store_migrate().
 * Migration i takes the database from user_version i to i+1; each runs in its
 * own transaction with the version bump, so a crash leaves the database at a
 * whole version and re-running is a no-op. Append only: never edit a shipped
 * step, add a new one.
 *
 * Conventions: times are unix milliseconds (INTEGER), money is integer fen,
 * enums are stored by their wire names (core/domain.c), personal data of
 * level 3 is kept in the *_enc columns (sealed by core/ crypto) with masked
 * copies beside it for display. */
#include "core/store.h"

static const char *const migrations[] = {
    /* 1: the base schema */
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL,"
    "  pw_hash TEXT NOT NULL,"             /* argon2id string (libsodium) */
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  failed_logins INTEGER NOT NULL DEFAULT 0,"
    "  locked_until INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE sessions ("
    "  token_hash BLOB PRIMARY KEY,"       /* SHA-256 of the bearer token */
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"       /* absolute expiry */
    "  origin TEXT);"
    "CREATE TABLE channels ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL,"
    "  key_hash BLOB,"
    "  revoked INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE customers ("
    "  id INTEGER PRIMARY KEY,"
    "  name_masked TEXT NOT NULL,"
    "  id_masked TEXT NOT NULL,"
    "  mobile_masked TEXT NOT NULL,"
    "  card_masked TEXT NOT NULL,"
    "  name_enc BLOB, id_enc BLOB, mobile_enc BLOB, card_enc BLOB,"
    "  id_hash BLOB,"                      /* keyed hash, to find a customer by ID */
    "  province TEXT, city TEXT, employer TEXT,"
    "  birth_date TEXT, gender INTEGER,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX customers_id_hash ON customers(id_hash);"
    "CREATE TABLE applications ("
    "  id INTEGER PRIMARY KEY,"
    "  customer_id INTEGER NOT NULL REFERENCES customers(id),"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  partner TEXT NOT NULL,"
    "  product TEXT NOT NULL,"
    "  product_item TEXT NOT NULL,"
    "  scene TEXT NOT NULL,"
    "  amount_fen INTEGER NOT NULL,"
    "  term_months INTEGER NOT NULL,"
    "  completeness TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  grade TEXT,"                        /* risk grade A-E or R, NULL before decision */
    "  version INTEGER NOT NULL DEFAULT 1,"
    "  idempotency_key TEXT UNIQUE,"
    "  channel_id INTEGER REFERENCES channels(id));"
    /* keyset paging: newest first, optionally filtered by one column */
    "CREATE INDEX app_time ON applications(created_at DESC, id DESC);"
    "CREATE INDEX app_status_time ON applications(status, created_at DESC, id DESC);"
    "CREATE INDEX app_channel_time ON applications(channel, created_at DESC, id DESC);"
    "CREATE INDEX app_grade_time ON applications(grade, created_at DESC, id DESC);"
    "CREATE INDEX app_customer ON applications(customer_id);"
    "CREATE TABLE features ("
    "  application_id INTEGER PRIMARY KEY REFERENCES applications(id),"
    "  seniority REAL, home REAL, time REAL, age REAL, marital REAL, records REAL,"
    "  job REAL, expenses REAL, income REAL, assets REAL, debt REAL, amount REAL,"
    "  price REAL);"                       /* NULL = missing */
    "CREATE TABLE scores ("
    "  application_id INTEGER NOT NULL REFERENCES applications(id),"
    "  model TEXT NOT NULL,"
    "  version TEXT NOT NULL,"
    "  score REAL NOT NULL,"
    "  grade INTEGER NOT NULL,"
    "  PRIMARY KEY (application_id, model));"
    "CREATE TABLE decisions ("
    "  application_id INTEGER PRIMARY KEY REFERENCES applications(id),"
    "  outcome TEXT NOT NULL,"
    "  risk_grade TEXT NOT NULL,"
    "  limit_fen INTEGER NOT NULL,"
    "  apr_bp INTEGER NOT NULL,"
    "  strategy_version TEXT NOT NULL,"
    "  reasons TEXT NOT NULL,"
    "  decided_at INTEGER NOT NULL,"
    "  input_json TEXT,"                   /* what the engine saw, for replay */
    "  trace_json TEXT);"
    "CREATE TABLE defense ("
    "  application_id INTEGER PRIMARY KEY REFERENCES applications(id),"
    "  kind TEXT NOT NULL DEFAULT 'application',"
    "  l1 TEXT NOT NULL DEFAULT 'pending',"
    "  l2 TEXT NOT NULL DEFAULT 'not_required',"
    "  l3 TEXT NOT NULL DEFAULT 'not_sampled',"
    "  l1_user TEXT, l2_user TEXT, l3_user TEXT,"
    "  maker TEXT,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE TABLE credit_lines ("
    "  id INTEGER PRIMARY KEY,"
    "  customer_id INTEGER NOT NULL UNIQUE REFERENCES customers(id),"
    "  limit_fen INTEGER NOT NULL,"
    "  used_fen INTEGER NOT NULL DEFAULT 0,"
    "  version INTEGER NOT NULL DEFAULT 1,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE TABLE limit_history ("
    "  id INTEGER PRIMARY KEY,"
    "  credit_line_id INTEGER NOT NULL REFERENCES credit_lines(id),"
    "  old_fen INTEGER NOT NULL, new_fen INTEGER NOT NULL,"
    "  reason TEXT NOT NULL, by_user TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE TABLE disputes ("
    "  id INTEGER PRIMARY KEY,"
    "  customer_id INTEGER NOT NULL REFERENCES customers(id),"
    "  application_id INTEGER REFERENCES applications(id),"
    "  category TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  assignee TEXT,"
    "  opened_by TEXT NOT NULL,"
    "  opened_at INTEGER NOT NULL,"
    "  due_at INTEGER NOT NULL,"
    "  extended INTEGER NOT NULL DEFAULT 0,"
    "  extend_reason TEXT,"
    "  resolution TEXT,"
    "  version INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX disputes_due ON disputes(status, due_at);"
    "CREATE TABLE dispute_messages ("
    "  id INTEGER PRIMARY KEY,"
    "  dispute_id INTEGER NOT NULL REFERENCES disputes(id),"
    "  author TEXT NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE TABLE actions ("                /* applied actions, by idempotency key */
    "  idem_key TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  type TEXT NOT NULL,"
    "  record TEXT NOT NULL,"
    "  status INTEGER NOT NULL,"           /* HTTP status answered */
    "  response TEXT NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE TABLE changes ("                /* the change feed */
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  at INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"                /* "application", "dispute", "alert", ... */
    "  record_id INTEGER NOT NULL,"
    "  version INTEGER NOT NULL);"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL, role TEXT NOT NULL,"
    "  action TEXT NOT NULL, record TEXT NOT NULL, origin TEXT NOT NULL,"
    "  detail TEXT,"
    "  prev_hash BLOB NOT NULL, hash BLOB NOT NULL);"
    "CREATE TABLE audit_checkpoints ("
    "  id INTEGER PRIMARY KEY,"
    "  audit_id INTEGER NOT NULL, head_hash BLOB NOT NULL,"
    "  at INTEGER NOT NULL, signature BLOB NOT NULL, public_key BLOB NOT NULL);"
    "CREATE TABLE alerts ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL,"
    "  subject TEXT NOT NULL, message TEXT NOT NULL,"
    "  acknowledged INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",

    /* 2: intake counts a customer's recent applications (a velocity rule)
     * from the index alone, without reading each application row */
    "DROP INDEX app_customer;"
    "CREATE INDEX app_customer_time ON applications(customer_id, created_at);",

    /* 3: a case's actions by record and user: who acted on which line of
     * it (separation of duties) and the limit a limit case asks for */
    "CREATE INDEX actions_record ON actions(record, user_id);"
    /* and the digest of the body each Idempotency-Key came with, so the
     * key sent again with another body is refused instead of replayed
     * (NULL for keys kept before) */
    "ALTER TABLE actions ADD COLUMN body_digest BLOB;"
    "ALTER TABLE applications ADD COLUMN idem_digest BLOB;",
};

int store_schema_count(void)
{
    return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *store_schema_step(int i)
{
    return (i >= 0 && i < store_schema_count()) ? migrations[i] : NULL;
}
