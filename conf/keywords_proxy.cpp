// Keywords of defaults/frontend/backend/listen sections that set plain proxy settings. Binds,
// servers, logs and health checks have their own files.
#include <climits>

#include "conf/keyword_table.hpp"

namespace ferry::conf {

namespace {

constexpr unsigned kD = kDefaults, kF = kFrontend, kB = kBackend, kL = kListen;

void mode(ParseContext& ctx, const Call& call) {
  const std::string& m = call.args[0];
  if (m == "tcp") {
    ctx.proxy().mode = ProxyMode::Tcp;
  } else if (m == "http") {
    ctx.proxy().mode = ProxyMode::Http;
  } else if (m == "unix") {
    ctx.proxy().mode = ProxyMode::Tcp;
    warn(ctx, call, "'mode unix' is not an HAProxy mode; taken as 'mode tcp'");
  } else {
    fail(ctx, call, "unknown proxy mode '" + m + "'; use 'mode tcp' or 'mode http'");
  }
}

void load_server_state(ParseContext& ctx, const Call& call) {
  const std::string& v = call.args[0];
  if (v == "global")
    ctx.proxy().load_server_state = LoadServerState::Global;
  else if (v == "local")
    ctx.proxy().load_server_state = LoadServerState::Local;
  else if (v == "none")
    ctx.proxy().load_server_state = LoadServerState::None;
  else
    fail(ctx, call,
         "'load-server-state-from-file' expects 'global', 'local' or 'none' (got '" + v + "')");
}

// `server-state-file-name [use-backend-name | <file>]`: no argument means the backend's name.
void server_state_file_name(ParseContext& ctx, const Call& call) {
  const bool own = call.args.empty() || call.args[0] == "use-backend-name";
  ctx.proxy().server_state_file_name = own ? "" : call.args[0];
}

void default_backend(ParseContext& ctx, const Call& call) {
  ctx.proxy().default_backend = call.args[0];
  ctx.proxy().default_backend_pos = call.pos();
}

struct BalanceName {
  std::string_view name;
  Balance value;
};
constexpr BalanceName kBalances[] = {
    {"roundrobin", Balance::RoundRobin}, {"static-rr", Balance::StaticRr},
    {"leastconn", Balance::LeastConn},   {"first", Balance::First},
    {"source", Balance::Source},         {"random", Balance::Random},
};

bool is_http_algorithm(std::string_view a) {
  for (std::string_view p : {"uri", "url_param", "hdr(", "rdp-cookie", "hash"})
    if (a.starts_with(p)) return true;
  return false;
}

void balance(ParseContext& ctx, const Call& call) {
  const std::string& algo = call.args[0];
  for (const auto& b : kBalances) {
    if (algo != b.name) continue;
    if (call.args.size() > 1)
      return fail(ctx, call,
                  "'balance " + algo + "' takes no further argument (got '" + call.args[1] + "')");
    ctx.proxy().balance = b.value;
    return;
  }
  if (is_http_algorithm(algo))
    return fail(ctx, call,
                "'balance " + algo + "' is not supported by ferry yet; use 'source' to keep a " +
                    "client on one server");
  fail(ctx, call,
       "balance only supports 'roundrobin', 'static-rr', 'leastconn', 'first', "
       "'source' and 'random' options (got '" +
           algo + "')");
}

template <std::optional<Millis> Timeouts::*Field>
void timeout(ParseContext& ctx, const Call& call) {
  Millis value{0};
  if (duration_arg(ctx, call, 0, value)) ctx.proxy().timeouts.*Field = value;
}

void maxconn(ParseContext& ctx, const Call& call) {
  int_arg(ctx, call, 0, 0, INT_MAX, ctx.proxy().maxconn);
}

void fullconn(ParseContext& ctx, const Call& call) {
  int_arg(ctx, call, 0, 0, INT_MAX, ctx.proxy().fullconn);
}

void retries(ParseContext& ctx, const Call& call) {
  int_arg(ctx, call, 0, 0, INT_MAX, ctx.proxy().retries);
}

void id(ParseContext& ctx, const Call& call) {
  int_arg(ctx, call, 0, 1, INT_MAX, ctx.proxy().id);
}

template <bool ProxyConf::*Flag>
void flag(ParseContext& ctx, const Call& call) {
  ctx.proxy().*Flag = !call.negated;
}

void enabled(ParseContext&, const Call&) {}  // the default state

// `option tcplog` and `option httplog` each choose the proxy's log format: the last one wins, as
// in HAProxy.
void tcplog(ParseContext& ctx, const Call& call) {
  ctx.proxy().tcplog = !call.negated;
  if (!call.negated) ctx.proxy().httplog = false;
}

void httplog(ParseContext& ctx, const Call& call) {
  if (!call.args.empty()) {
    const bool clf = call.args[0] == "clf";
    return fail(ctx, call,
                clf ? "'option httplog clf' (the Common Log Format) is not supported by ferry; "
                      "use 'option httplog'"
                    : "'option httplog' takes no argument but 'clf' (not supported by ferry); "
                      "write 'option httplog'");
  }
  ctx.proxy().httplog = !call.negated;
  if (!call.negated) ctx.proxy().tcplog = false;
}

constexpr Keyword kTable[] = {
    {.name = "mode",
     .sections = kAnyProxy,
     .handler = mode,
     .usage = "mode tcp|http",
     .min_args = 1,
     .max_args = 1},
    {.name = "default_backend",
     .sections = kD | kF | kL,
     .handler = default_backend,
     .usage = "default_backend <backend name>",
     .min_args = 1,
     .max_args = 1},
    {.name = "balance",
     .sections = kD | kL | kB,
     .handler = balance,
     .usage = "balance roundrobin|static-rr|leastconn|first|source|random",
     .min_args = 1,
     .max_args = -1},
    {.name = "timeout connect",
     .sections = kD | kL | kB,
     .handler = timeout<&Timeouts::connect>,
     .usage = "timeout connect <time>",
     .min_args = 1,
     .max_args = 1},
    {.name = "timeout client",
     .sections = kD | kF | kL,
     .handler = timeout<&Timeouts::client>,
     .usage = "timeout client <time>",
     .min_args = 1,
     .max_args = 1},
    {.name = "timeout server",
     .sections = kD | kL | kB,
     .handler = timeout<&Timeouts::server>,
     .usage = "timeout server <time>",
     .min_args = 1,
     .max_args = 1},
    {.name = "timeout queue",
     .sections = kD | kL | kB,
     .handler = timeout<&Timeouts::queue>,
     .usage = "timeout queue <time>",
     .min_args = 1,
     .max_args = 1},
    {.name = "timeout check",
     .sections = kD | kL | kB,
     .handler = timeout<&Timeouts::check>,
     .usage = "timeout check <time>",
     .min_args = 1,
     .max_args = 1},
    {.name = "timeout http-request",
     .sections = kAnyProxy,
     .handler = timeout<&Timeouts::http_request>,
     .usage = "timeout http-request <time>",
     .min_args = 1,
     .max_args = 1},
    {.name = "timeout http-keep-alive",
     .sections = kAnyProxy,
     .handler = timeout<&Timeouts::http_keep_alive>,
     .usage = "timeout http-keep-alive <time>",
     .min_args = 1,
     .max_args = 1},
    {.name = "timeout tunnel",
     .sections = kD | kL | kB,
     .handler = timeout<&Timeouts::tunnel>,
     .usage = "timeout tunnel <time>",
     .min_args = 1,
     .max_args = 1},
    {.name = "maxconn",
     .sections = kD | kF | kL,
     .handler = maxconn,
     .usage = "maxconn <number>",
     .min_args = 1,
     .max_args = 1},
    {.name = "fullconn",
     .sections = kD | kL | kB,
     .handler = fullconn,
     .usage = "fullconn <number>",
     .min_args = 1,
     .max_args = 1},
    {.name = "retries",
     .sections = kD | kL | kB,
     .handler = retries,
     .usage = "retries <number>",
     .min_args = 1,
     .max_args = 1},
    {.name = "id",
     .sections = kF | kL | kB,
     .handler = id,
     .usage = "id <number>",
     .min_args = 1,
     .max_args = 1,
     .misplaced = Misplaced::Error},
    {.name = "load-server-state-from-file",
     .sections = kD | kL | kB,
     .handler = load_server_state,
     .usage = "load-server-state-from-file global|local|none",
     .min_args = 1,
     .max_args = 1},
    {.name = "server-state-file-name",
     .sections = kD | kL | kB,
     .handler = server_state_file_name,
     .usage = "server-state-file-name [use-backend-name | <file>]",
     .max_args = 1},
    {.name = "enabled", .sections = kAnyProxy, .handler = enabled, .usage = "enabled"},
    {.name = "option redispatch",
     .sections = kD | kL | kB,
     .handler = flag<&ProxyConf::redispatch>,
     .usage = "option redispatch",
     .negatable = true},
    {.name = "option allbackups",
     .sections = kD | kL | kB,
     .handler = flag<&ProxyConf::allbackups>,
     .usage = "option allbackups",
     .negatable = true},
    {.name = "option tcplog",
     .sections = kAnyProxy,
     .handler = tcplog,
     .usage = "option tcplog",
     .negatable = true},
    {.name = "option httplog",
     .sections = kD | kF | kL,
     .handler = httplog,
     .usage = "option httplog",
     .max_args = 1,
     .negatable = true},
    {.name = "option dontlognull",
     .sections = kD | kF | kL,
     .handler = flag<&ProxyConf::dontlognull>,
     .usage = "option dontlognull",
     .negatable = true},
};

}  // namespace

std::span<const Keyword> proxy_keywords() {
  return kTable;
}

}  // namespace ferry::conf
