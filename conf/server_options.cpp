// The options of `server` and `default-server` lines: one table row per option, each with the
// number of values it takes. Options ferry does not implement are rows with a note; `uid`,
// `gid`, `mode`, `user` and `group` (which people paste from bind lines) are ignored with a
// warning.
#include <algorithm>
#include <climits>

#include "conf/did_you_mean.hpp"
#include "conf/duration.hpp"
#include "conf/line_options.hpp"
#include "conf/number.hpp"

namespace ferry::conf {

namespace {

struct OptCtx {
  ParseContext& ctx;
  ServerConf& s;
  const std::string& label;
  const SourcePos& pos;
  std::string_view name;
  bool default_server;

  void fail(const std::string& message) { ctx.error(pos, label + ": " + message); }
  bool int_value(const std::string& arg, long long min, long long max, int& out) {
    if (auto err = parse_int(arg, name, min, max, out)) return fail(*err), false;
    return true;
  }
  // A time > 0, for check intervals.
  void interval(const std::string& arg, Millis& out) {
    Millis v{0};
    if (auto err = parse_duration(arg, name, v)) return fail(*err);
    if (v.count() == 0)
      return fail("invalid value 0 for argument '" + std::string(name) +
                  "'; use a positive time such as 2s");
    out = v;
  }
  void optional_interval(const std::string& arg, std::optional<Millis>& out) {
    Millis v{0};
    interval(arg, v);
    if (v.count() > 0) out = v;
  }
};

using Apply = void (*)(OptCtx& o, const std::string& arg);

struct ServerOption {
  std::string_view name;
  int values = 0;         // words taken after the name (0 or 1)
  Apply apply = nullptr;  // nullptr: not supported; `note` says what to do
  std::string_view note = {};
};

void weight(OptCtx& o, const std::string& arg) {
  const auto v = parse_integer(arg, 0, 256);
  if (!v) return o.fail("weight of " + o.label + " is not within 0 and 256 (" + arg + ")");
  o.s.weight = static_cast<int>(*v);
}

void positive_count(OptCtx& o, const std::string& arg, int& out) {
  if (parse_integer(arg) == 0LL) return o.fail("'" + std::string(o.name) + "' has to be > 0.");
  o.int_value(arg, 1, INT_MAX, out);
}

void id(OptCtx& o, const std::string& arg) {
  if (o.default_server)
    return o.fail("'id' cannot be used on a default-server line; give each server its own id");
  o.int_value(arg, 1, INT_MAX, o.s.id);
}

void observe(OptCtx& o, const std::string& arg) {
  if (arg == "layer4")
    o.s.observe = Observe::Layer4;
  else if (arg == "none")
    o.s.observe = Observe::None;
  else if (arg == "layer7")
    o.fail("'observe layer7' is not supported by ferry yet; use 'observe layer4'");
  else
    o.fail("'observe' expects 'layer4' or 'none' (got '" + arg + "')");
}

void on_error(OptCtx& o, const std::string& arg) {
  if (arg == "fastinter")
    o.s.on_error = OnError::FastInter;
  else if (arg == "fail-check")
    o.s.on_error = OnError::FailCheck;
  else if (arg == "sudden-death")
    o.s.on_error = OnError::SuddenDeath;
  else if (arg == "mark-down")
    o.s.on_error = OnError::MarkDown;
  else
    o.fail(
        "'on-error' expects one of 'fastinter', 'fail-check', 'sudden-death' or "
        "'mark-down' but got '" +
        arg + "'");
}

void on_marked_down(OptCtx& o, const std::string& arg) {
  if (arg != "shutdown-sessions")
    return o.fail("'on-marked-down' expects 'shutdown-sessions' (got '" + arg + "')");
  o.s.on_marked_down_shutdown_sessions = true;
}

void on_marked_up(OptCtx& o, const std::string& arg) {
  if (arg != "shutdown-backup-sessions")
    return o.fail("'on-marked-up' expects 'shutdown-backup-sessions' (got '" + arg + "')");
  o.s.on_marked_up_shutdown_backup_sessions = true;
}

void slowstart(OptCtx& o, const std::string& arg) {
  Millis v{0};
  if (auto err = parse_duration(arg, o.name, v)) return o.fail(*err);
  o.s.slowstart = v;
}

void bind_only(OptCtx& o, const std::string&) {
  o.ctx.warning(o.pos, o.label + ": '" + std::string(o.name) + "' is ignored on a server line; " +
                           "socket ownership and permissions belong on the 'bind' line of the " +
                           "listening side");
}

template <int Version>
void no_send_proxy(OptCtx& o, const std::string&) {
  if (o.s.proxy_protocol.version == Version) o.s.proxy_protocol.version = 0;
}

// HAProxy 2.6's proxy-v2-options that need a TLS connection, which ferry does not terminate.
constexpr std::string_view kPp2TlsOptions[] = {"ssl",      "cert-cn",  "ssl-cipher",
                                               "cert-sig", "cert-key", "authority"};

void proxy_v2_option(OptCtx& o, std::string_view name) {
  if (name == "crc32c") return void(o.s.proxy_protocol.crc32c = true);
  if (name == "peer-creds") return void(o.s.proxy_protocol.peer_creds = true);
  const std::string quoted = "proxy-v2-options '" + std::string(name) + "'";
  if (std::find(std::begin(kPp2TlsOptions), std::end(kPp2TlsOptions), name) !=
      std::end(kPp2TlsOptions))
    return o.fail(quoted + " describes a TLS connection, which ferry does not terminate; " +
                  "remove it");
  if (name == "unique-id") return void(o.s.proxy_protocol.unique_id = true);
  o.fail("unknown " + quoted + "; ferry takes 'crc32c', 'unique-id' and 'peer-creds'" +
         did_you_mean(name, {"crc32c", "unique-id", "peer-creds"}));
}

// `proxy-v2-options crc32c,peer-creds`
void proxy_v2_options(OptCtx& o, const std::string& arg) {
  std::string_view rest = arg;
  while (true) {
    const size_t comma = rest.find(',');
    proxy_v2_option(o, rest.substr(0, comma));
    if (comma == std::string_view::npos) return;
    rest.remove_prefix(comma + 1);
  }
}

void pool_max_conn(OptCtx& o, const std::string& arg) {
  if (auto v = parse_integer(arg); v && *v < -1) return o.fail("'pool-max-conn' must be >= -1");
  o.int_value(arg, -1, INT_MAX, o.s.pool_max_conn);
}

void pool_purge_delay(OptCtx& o, const std::string& arg) {
  if (auto err = parse_duration(arg, o.name, o.s.pool_purge_delay)) o.fail(*err);
}

void max_reuse(OptCtx& o, const std::string& arg) {
  if (auto v = parse_integer(arg); v && *v < -1) return o.fail("'max-reuse' must be >= -1");
  o.int_value(arg, -1, INT_MAX, o.s.max_reuse);
}

// proto fcgi: the server speaks FastCGI (HAProxy's other muxes, h2 and h1, are not offered).
void proto(OptCtx& o, const std::string& arg) {
  if (arg == "fcgi") {
    o.s.proto_fcgi = true;
    return;
  }
  if (arg == "h1") {
    o.s.proto_fcgi = false;
    return;
  }
  o.fail("'proto " + arg + "' is not supported; ferry speaks 'proto fcgi' (FastCGI) or HTTP/1 " +
         "(the default, 'proto h1') to servers");
}

// HAProxy's threads take idle connections from each other unless a thread has fewer than this;
// ferry's never do (each keeps its own), so there is nothing to apply.
void pool_low_conn(OptCtx& o, const std::string& arg) {
  int ignored = 0;
  if (!o.int_value(arg, INT_MIN, INT_MAX, ignored)) return;
  o.ctx.warning(o.pos, o.label +
                           ": 'pool-low-conn' is ignored: each ferry thread keeps its own idle "
                           "connections and never takes another thread's; remove it");
}
constexpr std::string_view kNoTls = "TLS is not supported; remove it";
constexpr std::string_view kNoAgent = "agent checks are not supported; use 'check'";

const ServerOption kOptions[] = {
    {.name = "weight", .values = 1, .apply = weight},
    {.name = "maxconn",
     .values = 1,
     .apply = [](OptCtx& o, const std::string& a) { o.int_value(a, 0, INT_MAX, o.s.maxconn); }},
    {.name = "maxqueue",
     .values = 1,
     .apply = [](OptCtx& o, const std::string& a) { o.int_value(a, 0, INT_MAX, o.s.maxqueue); }},
    {.name = "backup",
     .values = 0,
     .apply = [](OptCtx& o, const std::string&) { o.s.backup = true; }},
    {.name = "no-backup",
     .values = 0,
     .apply = [](OptCtx& o, const std::string&) { o.s.backup = false; }},
    {.name = "disabled",
     .values = 0,
     .apply = [](OptCtx& o, const std::string&) { o.s.disabled = true; }},
    {.name = "enabled",
     .values = 0,
     .apply = [](OptCtx& o, const std::string&) { o.s.disabled = false; }},
    {.name = "id", .values = 1, .apply = id},
    {.name = "check",
     .values = 0,
     .apply = [](OptCtx& o, const std::string&) { o.s.check = true; }},
    {.name = "no-check",
     .values = 0,
     .apply = [](OptCtx& o, const std::string&) { o.s.check = false; }},
    {.name = "inter",
     .values = 1,
     .apply = [](OptCtx& o, const std::string& a) { o.interval(a, o.s.inter); }},
    {.name = "fastinter",
     .values = 1,
     .apply = [](OptCtx& o, const std::string& a) { o.optional_interval(a, o.s.fastinter); }},
    {.name = "downinter",
     .values = 1,
     .apply = [](OptCtx& o, const std::string& a) { o.optional_interval(a, o.s.downinter); }},
    {.name = "rise",
     .values = 1,
     .apply = [](OptCtx& o, const std::string& a) { positive_count(o, a, o.s.rise); }},
    {.name = "fall",
     .values = 1,
     .apply = [](OptCtx& o, const std::string& a) { positive_count(o, a, o.s.fall); }},
    {.name = "error-limit",
     .values = 1,
     .apply = [](OptCtx& o, const std::string& a) { positive_count(o, a, o.s.error_limit); }},
    {.name = "observe", .values = 1, .apply = observe},
    {.name = "on-error", .values = 1, .apply = on_error},
    {.name = "on-marked-down", .values = 1, .apply = on_marked_down},
    {.name = "on-marked-up", .values = 1, .apply = on_marked_up},
    {.name = "slowstart", .values = 1, .apply = slowstart},
    {.name = "uid", .values = 1, .apply = bind_only},
    {.name = "gid", .values = 1, .apply = bind_only},
    {.name = "mode", .values = 1, .apply = bind_only},
    {.name = "user", .values = 1, .apply = bind_only},
    {.name = "group", .values = 1, .apply = bind_only},
    {.name = "ssl", .values = 0, .note = kNoTls},
    {.name = "check-ssl", .values = 0, .note = kNoTls},
    {.name = "verify", .values = 1, .note = kNoTls},
    {.name = "sni", .values = 1, .note = kNoTls},
    {.name = "send-proxy",
     .values = 0,
     .apply = [](OptCtx& o, const std::string&) { o.s.proxy_protocol.version = 1; }},
    {.name = "send-proxy-v2",
     .values = 0,
     .apply = [](OptCtx& o, const std::string&) { o.s.proxy_protocol.version = 2; }},
    {.name = "no-send-proxy", .values = 0, .apply = no_send_proxy<1>},
    {.name = "no-send-proxy-v2", .values = 0, .apply = no_send_proxy<2>},
    {.name = "proxy-v2-options", .values = 1, .apply = proxy_v2_options},
    {.name = "check-send-proxy",
     .values = 0,
     .apply = [](OptCtx& o, const std::string&) { o.s.proxy_protocol.check = true; }},
    {.name = "no-check-send-proxy",
     .values = 0,
     .apply = [](OptCtx& o, const std::string&) { o.s.proxy_protocol.check = false; }},
    {.name = "send-proxy-v2-ssl", .values = 0, .note = kNoTls},
    {.name = "send-proxy-v2-ssl-cn", .values = 0, .note = kNoTls},
    {.name = "cookie",
     .values = 1,
     .apply = [](OptCtx& o, const std::string& arg) { o.s.cookie = arg; }},
    {.name = "track", .values = 1, .note = "give this server its own 'check'"},
    {.name = "agent-check", .values = 0, .note = kNoAgent},
    {.name = "agent-port", .values = 1, .note = kNoAgent},
    {.name = "agent-inter", .values = 1, .note = kNoAgent},
    {.name = "addr", .values = 1, .note = "checks go to the server's own address; remove it"},
    {.name = "port", .values = 1, .note = "checks go to the server's own address; remove it"},
    {.name = "resolvers",
     .values = 1,
     .note = "ferry does not resolve names; use a numeric address"},
    {.name = "init-addr",
     .values = 1,
     .note = "ferry does not resolve names; use a numeric address"},
    {.name = "source", .values = 1, .note = "remove it"},
    {.name = "redir", .values = 1, .note = "ferry does not redirect yet; remove it"},
    {.name = "pool-max-conn", .values = 1, .apply = pool_max_conn},
    {.name = "pool-low-conn", .values = 1, .apply = pool_low_conn},
    {.name = "pool-purge-delay", .values = 1, .apply = pool_purge_delay},
    {.name = "max-reuse", .values = 1, .apply = max_reuse},
    {.name = "proto", .values = 1, .apply = proto},
};

const ServerOption* find_option(std::string_view name) {
  for (const auto& o : kOptions)
    if (o.name == name) return &o;
  return nullptr;
}

std::vector<std::string_view> supported_names() {
  std::vector<std::string_view> out;
  for (const auto& o : kOptions)
    if (o.apply && o.apply != bind_only) out.push_back(o.name);
  return out;
}

}  // namespace

bool is_server_option(std::string_view word) {
  const ServerOption* o = find_option(word);
  return o && o->apply;
}

void apply_server_options(ParseContext& ctx, ServerConf& server, const std::string& label,
                          std::span<const std::string> words, const SourcePos& pos,
                          bool default_server) {
  for (size_t i = 0; i < words.size(); ++i) {
    const ServerOption* opt = find_option(words[i]);
    if (!opt) {
      const std::string line =
          default_server ? "default-server line" : "server line '" + server.name + "'";
      return ctx.error(pos, "unknown keyword '" + words[i] + "' on " + line +
                                did_you_mean(words[i], supported_names()));
    }
    if (!opt->apply)
      return ctx.error(
          pos, label + ": '" + words[i] + "' is not supported by ferry; " + std::string(opt->note));
    if (opt->values > 0 && i + 1 >= words.size())
      return ctx.error(pos, label + ": '" + words[i] + "' expects a value");
    OptCtx o{ctx, server, label, pos, opt->name, default_server};
    opt->apply(o, opt->values ? words[i + 1] : std::string());
    i += static_cast<size_t>(opt->values);
  }
}

}  // namespace ferry::conf
