/* The yxd subcommands. Each returns the process exit code: 0 success,
 * 1 failure, 2 bad usage (with one line on stderr saying what to do).
 * argv[0] is the subcommand name. To add one: declare it here, add it to
 * YXD_COMMANDS, implement it in backend/cmd_NAME.c. */
#ifndef YXD_CMD_H
#define YXD_CMD_H

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_channel(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_decide(int argc, char **argv);
int cmd_replay(int argc, char **argv);

#define YXD_COMMANDS \
    { "init", cmd_init, "init --db FILE [--demo N] [--seed S]" }, \
    { "serve", cmd_serve, "serve --db FILE --listen ADDR:PORT [--tls-cert F --tls-key F] [--key-file F]" }, \
    { "user", cmd_user, "user add|reset|disable|enable NAME [--role ROLE] --db FILE  (password on stdin)" }, \
    { "channel", cmd_channel, "channel add NAME --kind api|semi_api|h5|own --db FILE | revoke NAME | list" }, \
    { "audit", cmd_audit, "audit verify --db FILE [--public-key HEX] [--checkpoint ID]" }, \
    { "simulate", cmd_simulate, "simulate --server URL --channel-key KEY... [--rate R] [--duration S]" }, \
    { "policy", cmd_policy, "policy                     (the permission table as Markdown)" }, \
    { "model", cmd_model, "model predict --model FILE.json --csv FILE [--margin] [--contribs]" }, \
    { "decide", cmd_decide, "decide [--strategy FILE] --json APPLICATION.json" }, \
    { "replay", cmd_replay, "replay --db FILE --application ID [--strategy FILE]" },

#endif
