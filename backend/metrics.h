/* Counters the routes feed into GET /v1/metrics (routes_metrics.c). */
#ifndef YXD_METRICS_H
#define YXD_METRICS_H

#include <stdint.h>

#include "core/domain.h"

struct route;

/* One finished request; rt is NULL for an unmatched path. */
void metrics_observe(const struct route *rt, int status, double seconds);
/* One automatic decision made by intake. */
void metrics_decision(decision_outcome o);
/* The newest change-feed sequence handed to a reader. */
void metrics_delivered(int64_t seq);
/* One flush of the write-ahead log, and how long the disk took. */
void metrics_flush(double seconds);
/* One start-over of the write-ahead log, which every write waited for. */
void metrics_wal_restart(double seconds);
/* One passive checkpoint round of the checkpoint thread. */
void metrics_checkpoint(double seconds);
/* One group of requests the writer wrote in one transaction. */
void metrics_write_batch(int requests, double seconds);

#endif
