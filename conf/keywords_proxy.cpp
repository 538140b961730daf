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

// `balance uri [len N] [depth N] [whole]`; false after reporting an error.
bool uri_options(ParseContext& ctx, const Call& call, HashConf& h) {
  for (size_t i = 1; i < call.args.size(); ++i) {
    const std::string& w = call.args[i];
    if (w == "whole") {
      h.uri_whole = true;
    } else if ((w == "len" || w == "depth") && i + 1 < call.args.size()) {
      if (!int_arg(ctx, call, ++i, 1, INT_MAX, w == "len" ? h.uri_len : h.uri_depth)) return false;
    } else {
      fail(ctx, call,
           "'balance uri' only accepts parameters 'len N', 'depth N' and 'whole' (got '" + w +
               "'; ferry has no 'path-only')");
      return false;
    }
  }
  return true;
}

// `balance url_param NAME`, `balance hdr(NAME) [use_domain_only]`.
bool named_hash(ParseContext& ctx, const Call& call, HashConf& h) {
  const std::string& algo = call.args[0];
  if (algo == "url_param") {
    if (call.args.size() < 2)
      return fail(ctx, call, "'balance url_param' requires a URL parameter name."), false;
    if (call.args.size() > 2)
      return fail(ctx, call,
                  "'balance url_param " + call.args[1] + "' takes no option ('" + call.args[2] +
                      "': ferry has no check_post); remove it"),
             false;
    h.name = call.args[1];
    return true;
  }
  const size_t close = algo.find(')');
  if (algo.size() <= 5 || close != algo.size() - 1)
    return fail(ctx, call, "'balance hdr(name)' requires a header field name in parentheses."),
           false;
  h.name = algo.substr(4, algo.size() - 5);
  for (size_t i = 1; i < call.args.size(); ++i) {
    if (call.args[i] != "use_domain_only")
      return fail(
                 ctx, call,
                 "'balance hdr(name)' only accepts 'use_domain_only' (got '" + call.args[i] + "')"),
             false;
    h.use_domain_only = true;
  }
  return true;
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
  HashConf h = ctx.proxy().hash;
  h.uri_len = h.uri_depth = 0;
  h.uri_whole = h.use_domain_only = false;
  h.name.clear();
  Balance value = Balance::Uri;
  if (algo == "uri") {
    if (!uri_options(ctx, call, h)) return;
  } else if (algo == "url_param" || algo.starts_with("hdr(")) {
    if (!named_hash(ctx, call, h)) return;
    value = algo == "url_param" ? Balance::UrlParam : Balance::Hdr;
  } else if (algo.starts_with("rdp-cookie") || algo.starts_with("hash")) {
    return fail(ctx, call,
                "'balance " + algo + "' is not supported by ferry; use 'uri', 'url_param', " +
                    "'hdr(name)' or 'source'");
  } else {
    return fail(ctx, call,
                "balance only supports 'roundrobin', 'static-rr', 'leastconn', 'first', 'source', "
                "'random', 'uri', 'url_param' and 'hdr(name)' options (got '" +
                    algo + "')");
  }
  ctx.proxy().balance = value;
  ctx.proxy().hash = std::move(h);
}

// `hash-type map-based|consistent [sdbm|djb2|crc32] [avalanche]`
void hash_type(ParseContext& ctx, const Call& call) {
  HashConf& h = ctx.proxy().hash;
  const std::string& method = call.args[0];
  if (method != "map-based" && method != "consistent")
    return fail(ctx, call,
                "hash-type only supports 'map-based' and 'consistent' (got '" + method + "')");
  h.consistent = method == "consistent";
  h.function = HashConf::Function::Sdbm;
  h.avalanche = false;
  for (size_t i = 1; i < call.args.size(); ++i) {
    const std::string& w = call.args[i];
    if (w == "sdbm")
      h.function = HashConf::Function::Sdbm;
    else if (w == "djb2")
      h.function = HashConf::Function::Djb2;
    else if (w == "crc32")
      h.function = HashConf::Function::Crc32;
    else if (w == "avalanche")
      h.avalanche = true;
    else if (w == "wt6")
      return fail(ctx, call,
                  "hash function 'wt6' is not supported by ferry; use sdbm, djb2 or crc32");
    else
      return fail(ctx, call,
                  "unknown hash-type option '" + w + "'; use sdbm, djb2 or crc32, and avalanche");
  }
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
     .usage = "balance roundrobin|static-rr|leastconn|first|source|random|uri|url_param|hdr(name)",
     .min_args = 1,
     .max_args = -1},
    {.name = "hash-type",
     .sections = kD | kL | kB,
     .handler = hash_type,
     .usage = "hash-type map-based|consistent [sdbm|djb2|crc32] [avalanche]",
     .min_args = 1,
     .max_args = 3},
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
