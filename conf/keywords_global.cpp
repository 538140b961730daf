// The global section: process-wide settings. `log` is in keywords_log.cpp, `stats socket` in
// keywords_bind.cpp, the keywords ferry refuses in keywords_unsupported.cpp.
#include <climits>

#include "conf/keyword_table.hpp"
#include "conf/number.hpp"
#include "conf/owners.hpp"

namespace ferry::conf {

namespace {

GlobalConf& global(ParseContext& ctx) {
  return ctx.config().global;
}

void daemon(ParseContext& ctx, const Call&) {
  global(ctx).daemon = true;
}

void maxconn(ParseContext& ctx, const Call& call) {
  int_arg(ctx, call, 0, 0, INT_MAX, global(ctx).maxconn);
}

void nbthread(ParseContext& ctx, const Call& call) {
  int_arg(ctx, call, 0, 1, 64, global(ctx).nbthread);
}

void ulimit_n(ParseContext& ctx, const Call& call) {
  int_arg(ctx, call, 0, 0, INT_MAX, global(ctx).ulimit_n);
}

// tune.bufsize: below 256 MB, as HAProxy requires when HTTP is in use.
void tune_bufsize(ParseContext& ctx, const Call& call) {
  int_arg(ctx, call, 0, 1, (256 << 20) - 1, global(ctx).tune_bufsize);
}

void tune_maxrewrite(ParseContext& ctx, const Call& call) {
  int_arg(ctx, call, 0, 0, INT_MAX, global(ctx).tune_maxrewrite);
}

void tune_http_maxhdr(ParseContext& ctx, const Call& call) {
  int_arg(ctx, call, 0, 1, 32767, global(ctx).tune_http_maxhdr);
}

void strict_limits(ParseContext& ctx, const Call& call) {
  global(ctx).strict_limits = !call.negated;
}

void pidfile(ParseContext& ctx, const Call& call) {
  global(ctx).pidfile = call.args[0];
}

void user(ParseContext& ctx, const Call& call) {
  global(ctx).identity_pos = call.pos();
  global(ctx).user = call.args[0];
  global(ctx).uid = lookup_user(call.args[0]);
  if (!global(ctx).uid) fail(ctx, call, unknown_user_message(call.args[0]));
}

void group(ParseContext& ctx, const Call& call) {
  global(ctx).identity_pos = call.pos();
  global(ctx).group = call.args[0];
  global(ctx).gid = lookup_group(call.args[0]);
  if (!global(ctx).gid) fail(ctx, call, unknown_group_message(call.args[0]));
}

void uid(ParseContext& ctx, const Call& call) {
  int value = 0;
  if (int_arg(ctx, call, 0, 0, INT_MAX, value)) global(ctx).uid = static_cast<uid_t>(value);
  global(ctx).identity_pos = call.pos();
}

void gid(ParseContext& ctx, const Call& call) {
  int value = 0;
  if (int_arg(ctx, call, 0, 0, INT_MAX, value)) global(ctx).gid = static_cast<gid_t>(value);
  global(ctx).identity_pos = call.pos();
}

void chroot(ParseContext& ctx, const Call& call) {
  if (!call.args[0].starts_with('/'))
    return fail(ctx, call, "'chroot' needs an absolute directory (e.g. /var/lib/ferry)");
  global(ctx).chroot = call.args[0];
  global(ctx).chroot_pos = call.pos();
}

void server_state_file(ParseContext& ctx, const Call& call) {
  global(ctx).server_state_file = call.args[0];
}

void server_state_base(ParseContext& ctx, const Call& call) {
  global(ctx).server_state_base = call.args[0];
}

void hard_stop_after(ParseContext& ctx, const Call& call) {
  duration_arg(ctx, call, 0, global(ctx).hard_stop_after);
}

void master_worker(ParseContext& ctx, const Call& call) {
  global(ctx).master_worker = true;
  if (call.args.empty()) return;
  if (call.args[0] == "no-exit-on-failure")
    global(ctx).exit_on_failure = false;
  else
    fail(ctx, call, "'master-worker' takes only 'no-exit-on-failure' (got '" + call.args[0] + "')");
}

void stats_timeout(ParseContext& ctx, const Call& call) {
  duration_arg(ctx, call, 0, global(ctx).stats_timeout);
}

// Cosmetic: shown by HAProxy on its HTTP stats page only.
void cosmetic(ParseContext& ctx, const Call& call) {
  warn(ctx, call,
       "'" + std::string(call.keyword) + "' is ignored by ferry (it only labels " +
           "HAProxy's HTTP statistics page)");
}

constexpr Keyword kTable[] = {
    {.name = "daemon", .sections = kGlobal, .handler = daemon, .usage = "daemon"},
    {.name = "maxconn",
     .sections = kGlobal,
     .handler = maxconn,
     .usage = "maxconn <number>",
     .min_args = 1,
     .max_args = 1},
    {.name = "nbthread",
     .sections = kGlobal,
     .handler = nbthread,
     .usage = "nbthread <1-64>",
     .min_args = 1,
     .max_args = 1},
    {.name = "tune.bufsize",
     .sections = kGlobal,
     .handler = tune_bufsize,
     .usage = "tune.bufsize <bytes>",
     .min_args = 1,
     .max_args = 1},
    {.name = "tune.maxrewrite",
     .sections = kGlobal,
     .handler = tune_maxrewrite,
     .usage = "tune.maxrewrite <bytes>",
     .min_args = 1,
     .max_args = 1},
    {.name = "tune.http.maxhdr",
     .sections = kGlobal,
     .handler = tune_http_maxhdr,
     .usage = "tune.http.maxhdr <number>",
     .min_args = 1,
     .max_args = 1},
    {.name = "ulimit-n",
     .sections = kGlobal,
     .handler = ulimit_n,
     .usage = "ulimit-n <number>",
     .min_args = 1,
     .max_args = 1},
    {.name = "strict-limits",
     .sections = kGlobal,
     .handler = strict_limits,
     .usage = "[no] strict-limits",
     .negatable = true},
    {.name = "pidfile",
     .sections = kGlobal,
     .handler = pidfile,
     .usage = "pidfile <path>",
     .min_args = 1,
     .max_args = 1},
    {.name = "user",
     .sections = kGlobal,
     .handler = user,
     .usage = "user <user name>",
     .min_args = 1,
     .max_args = 1},
    {.name = "group",
     .sections = kGlobal,
     .handler = group,
     .usage = "group <group name>",
     .min_args = 1,
     .max_args = 1},
    {.name = "uid",
     .sections = kGlobal,
     .handler = uid,
     .usage = "uid <number>",
     .min_args = 1,
     .max_args = 1},
    {.name = "gid",
     .sections = kGlobal,
     .handler = gid,
     .usage = "gid <number>",
     .min_args = 1,
     .max_args = 1},
    {.name = "hard-stop-after",
     .sections = kGlobal,
     .handler = hard_stop_after,
     .usage = "hard-stop-after <time>",
     .min_args = 1,
     .max_args = 1},
    {.name = "master-worker",
     .sections = kGlobal,
     .handler = master_worker,
     .usage = "master-worker [no-exit-on-failure]",
     .max_args = 1},
    {.name = "chroot",
     .sections = kGlobal,
     .handler = chroot,
     .usage = "chroot <directory>",
     .min_args = 1,
     .max_args = 1},
    {.name = "server-state-file",
     .sections = kGlobal,
     .handler = server_state_file,
     .usage = "server-state-file <file>",
     .min_args = 1,
     .max_args = 1},
    {.name = "server-state-base",
     .sections = kGlobal,
     .handler = server_state_base,
     .usage = "server-state-base <directory>",
     .min_args = 1,
     .max_args = 1},
    {.name = "stats timeout",
     .sections = kGlobal,
     .handler = stats_timeout,
     .usage = "stats timeout <time>",
     .min_args = 1,
     .max_args = 1},
    {.name = "description",
     .sections = kGlobal | kFrontend | kBackend | kListen,
     .handler = cosmetic,
     .usage = "description <text>",
     .max_args = -1},
    {.name = "node",
     .sections = kGlobal,
     .handler = cosmetic,
     .usage = "node <name>",
     .min_args = 1,
     .max_args = 1},
};

}  // namespace

std::span<const Keyword> global_keywords() {
  return kTable;
}

}  // namespace ferry::conf
