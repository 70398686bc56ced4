/* The JSON wire format of application rows, shared by yxd (writes) and the
 * console (reads). to_json and from_json round-trip exactly. Field names:
 * id, customer_id, created_at, updated_at (unix ms), channel, partner,
 * product, product_item, scene, amount_fen, term_months, completeness,
 * status, version, grade (string or null), outcome (string or null),
 * limit_fen, apr_bp, reasons, name, id_number, mobile, bank_card, province,
 * city (the four personal ones masked). */
#ifndef YX_WIRE_H
#define YX_WIRE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/store_app.h"

/* A new JSON object; the caller deletes it. NULL when out of memory. */
cJSON *wire_app_row_to_json(const app_row *r);
/* Fills out from a JSON object. Every field is required; strings must be
 * valid UTF-8 and fit their field; numbers must be integers in range; enum
 * names must be known. -1 with a message naming the field in err. out->app.feat
 * is set to all NaN (features are not on the wire). */
int wire_app_row_from_json(const cJSON *j, app_row *out, char *err, size_t errlen);

#endif
