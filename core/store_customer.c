/* Customers in the store. Level-3 personal data (name, ID number, mobile,
 * bank card) is kept twice: masked for display, and sealed under the data
 * key for an audited reveal. A keyed hash of the ID number finds a returning
 * customer without the number being stored in clear. */
#include "core/store_app.h"

#include <stdio.h>
#include <string.h>

#include "core/mask.h"
#include "core/person.h"
#include "core/util.h"

/* Binds the sealed form of text to parameter i. */
static void bind_sealed(sqlite3_stmt *st, int i, const crypto_key *k, const char *text)
{
    unsigned char buf[256 + CRYPTO_SEAL_OVERHEAD];
    size_t n = strlen(text);
    if (n > 256) n = 256;   /* every field is shorter; the struct bounds them */
    crypto_seal(k, text, n, buf, sizeof buf);
    sqlite3_bind_blob(st, i, buf, (int)(n + CRYPTO_SEAL_OVERHEAD), SQLITE_TRANSIENT);
}

int store_customer_insert(store *s, const customer *c, const crypto_key *k, int64_t *id)
{
    return store_customer_insert_at(s, c, k, store_now_ms(), id);
}

int store_customer_insert_at(store *s, const customer *c, const crypto_key *k, int64_t at,
                             int64_t *id)
{
    char name_m[96], id_m[24], mobile_m[16], card_m[24], birth[16];
    unsigned char hash[CRYPTO_HASH_BYTES];
    sqlite3_stmt *st;
    int rc;
    if (!yx_utf8_valid(c->name, strlen(c->name)) || !c->name[0])
        return store_fail(s, "customer name is empty or not UTF-8");
    if (!person_id_valid(c->id_number))
        return store_fail(s, "customer ID number is not a valid resident ID");
    st = store_stmt(s,
        "INSERT INTO customers(name_masked, id_masked, mobile_masked, card_masked,"
        " name_enc, id_enc, mobile_enc, card_enc, id_hash, province, city, employer,"
        " birth_date, gender, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    if (!st) return -1;
    sqlite3_bind_text(st, 1, mask_name(c->name, name_m, sizeof name_m), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, mask_id_number(c->id_number, id_m, sizeof id_m), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, mask_mobile(c->mobile, mobile_m, sizeof mobile_m), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, mask_bank_card(c->bank_card, card_m, sizeof card_m), -1, SQLITE_TRANSIENT);
    bind_sealed(st, 5, k, c->name);
    bind_sealed(st, 6, k, c->id_number);
    bind_sealed(st, 7, k, c->mobile);
    bind_sealed(st, 8, k, c->bank_card);
    crypto_keyed_hash(k, c->id_number, strlen(c->id_number), hash);
    sqlite3_bind_blob(st, 9, hash, sizeof hash, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, c->province, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 11, c->city, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 12, c->employer, -1, SQLITE_TRANSIENT);
    snprintf(birth, sizeof birth, "%04d-%02d-%02d", c->birth_year % 10000,
             c->birth_month % 100, c->birth_day % 100);
    sqlite3_bind_text(st, 13, birth, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 14, c->gender);
    sqlite3_bind_int64(st, 15, at);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, "cannot store customer: %s", sqlite3_errmsg(store_db(s)));
    if (id) *id = sqlite3_last_insert_rowid(store_db(s));
    return 0;
}

int store_customer_find(store *s, const crypto_key *k, const char *id_number, int64_t *id)
{
    unsigned char hash[CRYPTO_HASH_BYTES];
    sqlite3_stmt *st = store_stmt(s, "SELECT id FROM customers WHERE id_hash = ?1 ORDER BY id LIMIT 1");
    int rc;
    if (!st) return -1;
    crypto_keyed_hash(k, id_number, strlen(id_number), hash);
    sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_TRANSIENT);
    if ((rc = store_row(s, st, "find customer")) != 0) return rc;
    if (id) *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

static int open_col(sqlite3_stmt *st, int i, const crypto_key *k, char *out, size_t n)
{
    const void *b = sqlite3_column_blob(st, i);
    int len = sqlite3_column_bytes(st, i);
    return b ? crypto_open(k, b, (size_t)len, out, n) : -1;
}

int store_customer_reveal(store *s, const crypto_key *k, int64_t id, customer *out)
{
    sqlite3_stmt *st = store_stmt(s,
        "SELECT name_enc, id_enc, mobile_enc, card_enc, ifnull(province, ''), ifnull(city, ''),"
        " ifnull(employer, ''), ifnull(birth_date, ''), ifnull(gender, 0)"
        " FROM customers WHERE id = ?1");
    int rc, bad;
    if (!st) return -1;
    memset(out, 0, sizeof *out);
    sqlite3_bind_int64(st, 1, id);
    if ((rc = store_row(s, st, "read customer")) != 0) return rc;
    out->id = id;
    bad = open_col(st, 0, k, out->name, sizeof out->name) ||
          open_col(st, 1, k, out->id_number, sizeof out->id_number) ||
          open_col(st, 2, k, out->mobile, sizeof out->mobile) ||
          open_col(st, 3, k, out->bank_card, sizeof out->bank_card);
    yx_strlcpy(out->province, (const char *)sqlite3_column_text(st, 4), sizeof out->province);
    yx_strlcpy(out->city, (const char *)sqlite3_column_text(st, 5), sizeof out->city);
    yx_strlcpy(out->employer, (const char *)sqlite3_column_text(st, 6), sizeof out->employer);
    if (sscanf((const char *)sqlite3_column_text(st, 7), "%d-%d-%d", &out->birth_year,
               &out->birth_month, &out->birth_day) != 3)
        out->birth_year = out->birth_month = out->birth_day = 0;
    out->gender = sqlite3_column_int(st, 8);
    sqlite3_reset(st);
    if (bad) {
        memset(out, 0, sizeof *out);
        return store_fail(s, "cannot open customer %lld's data: wrong key or damaged record",
                          (long long)id);
    }
    return 0;
}
