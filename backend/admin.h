/* What the operator subcommands (yxd user, channel, audit) share: opening
 * the database named by --db, auditing what the operator did, reading a
 * password from stdin. */
#ifndef YXD_ADMIN_H
#define YXD_ADMIN_H

#include <stddef.h>

#include "core/store.h"

/* Prints "yxd CMD: MSG (try yxd CMD --help)" on stderr; returns 2. */
int admin_usage(const char *cmd, const char *msg);

/* Opens and migrates an existing database; prints "yxd CMD: reason" on
 * stderr and returns NULL on failure. */
store *admin_open(const char *cmd, const char *db_path);

/* Appends an audit entry by the operator ("operator" role, origin "cli",
 * actor $USER) in the current transaction. 0 / -1. */
int admin_audit(store *s, const char *action, const char *record, const char *detail);

/* Reads one line (the password) from stdin into buf, without the newline.
 * When stdin is a terminal, prompts on stderr with echo off. 0 ok, -1 when
 * nothing was read or it did not fit. */
int admin_read_password(const char *prompt, char *buf, size_t n);

#endif
