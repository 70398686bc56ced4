/* The audit trail over HTTP: GET /v1/audit?after=&limit= (keyset pages of
 * entries, oldest first) and GET /v1/audit/checkpoints (the signed chain
 * heads with the public key, so anyone holding an export can check it). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "backend/routes.h"
#include "core/audit.h"
#include "core/util.h"

static void add_hex(cJSON *o, const char *name, const void *bin, int n)
{
    char hex[2 * 64 + 1];
    if (!bin || n <= 0 || n > 64) { cJSON_AddNullToObject(o, name); return; }
    sodium_bin2hex(hex, sizeof hex, bin, (size_t)n);
    cJSON_AddStringToObject(o, name, hex);
}

/* Newest first, in pages: ?before=ID (the `next` of the page before)
 * gives the checkpoints older than ID. */
int route_audit_checkpoints(srv_req *r, srv_resp *out)
{
    int64_t limit, after, before = INT64_MAX, durable_entry, durable_checkpoint, n = 0, last = 0;
    const char *b = srv_query(r, "before");
    cJSON *o, *items;
    sqlite3_stmt *st;
    int rc;
    if (srv_page_query(r, out, 100, 1000, &limit, &after)) return 0;
    if (after) return srv_error(out, 400, "bad_cursor", "checkpoints are served newest first: page with before=");
    if (b && *b && yx_parse_i64(b, 1, INT64_MAX, &before))
        return srv_error(out, 400, "bad_cursor", "before must be a cursor returned as \"next\"");
    /* only signatures on disk: none is handed out that a power loss could
     * take back (and the chain head be signed again differently) */
    st = store_stmt(r->st, "SELECT id, audit_id, head_hash, at, signature FROM audit_checkpoints "
                           "WHERE id <= ? AND id < ? ORDER BY id DESC LIMIT ?");
    if (!st) return -1;
    srv_durable_audit(r->srv, &durable_entry, &durable_checkpoint);
    sqlite3_bind_int64(st, 1, durable_checkpoint);
    sqlite3_bind_int64(st, 2, before);
    sqlite3_bind_int64(st, 3, limit);
    o = cJSON_CreateObject();
    add_hex(o, "public_key", srv_audit_public_key(r->srv), AUDIT_PK_BYTES);
    cJSON_AddStringToObject(o, "algorithm", "ed25519");
    cJSON_AddStringToObject(o, "signed_message",
                            "audit_id (8 bytes big-endian) || head_hash (32) || at (8 bytes big-endian)");
    items = cJSON_AddArrayToObject(o, "items");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *it = cJSON_CreateObject();
        cJSON_AddNumberToObject(it, "id", (double)sqlite3_column_int64(st, 0));
        cJSON_AddNumberToObject(it, "audit_id", (double)sqlite3_column_int64(st, 1));
        add_hex(it, "head_hash", sqlite3_column_blob(st, 2), sqlite3_column_bytes(st, 2));
        cJSON_AddNumberToObject(it, "at", (double)sqlite3_column_int64(st, 3));
        add_hex(it, "signature", sqlite3_column_blob(st, 4), sqlite3_column_bytes(st, 4));
        cJSON_AddItemToArray(items, it);
        last = sqlite3_column_int64(st, 0);
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {   /* a short page must not read as the last one */
        cJSON_Delete(o);
        return store_fail(r->st, "audit checkpoints: %s", sqlite3_errmsg(store_db(r->st)));
    }
    if (n == limit && last > 1) {   /* perhaps more, older */
        char next[24];
        snprintf(next, sizeof next, "%lld", (long long)last);
        cJSON_AddStringToObject(o, "next", next);
    } else {
        cJSON_AddNullToObject(o, "next");
    }
    return srv_json(out, 200, o);
}

static cJSON *entry_json(sqlite3_stmt *st)
{
    cJSON *it = cJSON_CreateObject();
    cJSON_AddNumberToObject(it, "id", (double)sqlite3_column_int64(st, 0));
    cJSON_AddNumberToObject(it, "at", (double)sqlite3_column_int64(st, 1));
    cJSON_AddStringToObject(it, "actor", (const char *)sqlite3_column_text(st, 2));
    cJSON_AddStringToObject(it, "role", (const char *)sqlite3_column_text(st, 3));
    cJSON_AddStringToObject(it, "action", (const char *)sqlite3_column_text(st, 4));
    cJSON_AddStringToObject(it, "record", (const char *)sqlite3_column_text(st, 5));
    cJSON_AddStringToObject(it, "origin", (const char *)sqlite3_column_text(st, 6));
    if (sqlite3_column_type(st, 7) == SQLITE_NULL) cJSON_AddNullToObject(it, "detail");
    else cJSON_AddStringToObject(it, "detail", (const char *)sqlite3_column_text(st, 7));
    add_hex(it, "prev_hash", sqlite3_column_blob(st, 8), sqlite3_column_bytes(st, 8));
    add_hex(it, "hash", sqlite3_column_blob(st, 9), sqlite3_column_bytes(st, 9));
    return it;
}

int route_audit_list(srv_req *r, srv_resp *out)
{
    int64_t after, limit, durable_entry, durable_checkpoint;
    cJSON *o;
    sqlite3_stmt *st;
    if (srv_page_query(r, out, 100, 500, &limit, &after)) return 0;
    /* only entries on disk (as the change feed) */
    st = store_stmt(r->st, "SELECT id, at, actor, role, action, record, origin, detail, prev_hash, hash "
                           "FROM audit WHERE id > ? AND id <= ? ORDER BY id LIMIT ?");
    if (!st) return -1;
    srv_durable_audit(r->srv, &durable_entry, &durable_checkpoint);
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, durable_entry);
    sqlite3_bind_int64(st, 3, limit + 1);   /* one more tells whether a next page exists */
    if (!(o = srv_page_rows(r->st, st, limit, entry_json))) return -1;
    return srv_json(out, 200, o);
}
