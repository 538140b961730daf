// The nested objects of the YAML schema (conf/YAML.md): binds and stats sockets, servers and
// default_server, health_check, log targets. Each key becomes the same option or keyword the
// HAProxy format uses, at the key's own line:column.
#include <algorithm>
#include <iterator>
#include <sstream>

#include "conf/did_you_mean.hpp"
#include "conf/line_options.hpp"
#include "conf/yaml_walker.hpp"

namespace ferry::conf {

namespace {

using YAML::Node;

template <size_t N>
struct Word {
  char text[N];
  constexpr Word(const char (&s)[N]) { std::copy_n(s, N, text); }
};

void ignore(YamlWalker&, const Node&, const Node&) {}  // handled by the caller

// --- binds and stats sockets ----------------------------------------------------------------

BindConf& current_bind(YamlWalker& w, bool stats) {
  return stats ? w.ctx().config().global.stats_sockets.back() : w.ctx().proxy().binds.back();
}

std::string addresses_text(const BindConf& b) {
  std::string out;
  for (const auto& a : b.addrs)
    out += (out.empty() ? "" : ",") + a.text;
  return out;
}

template <bool Stats, Word Option>
void bind_option(YamlWalker& w, const Node& key, const Node& value) {
  const auto v = w.scalar(value, key.Scalar());
  if (!v) return;
  BindConf& b = current_bind(w, Stats);
  const std::vector<std::string> words{Option.text, *v};
  apply_bind_options(w.ctx(), b, bind_label(w.ctx(), addresses_text(b), Stats), words, w.pos(value),
                     Stats);
}

// `accept_proxy: true`; false leaves the option out.
template <bool Stats, Word Option>
void bind_flag(YamlWalker& w, const Node& key, const Node& value) {
  const auto v = w.boolean(value, key.Scalar());
  if (!v || !*v) return;
  BindConf& b = current_bind(w, Stats);
  const std::vector<std::string> words{Option.text};
  apply_bind_options(w.ctx(), b, bind_label(w.ctx(), addresses_text(b), Stats), words, w.pos(value),
                     Stats);
}

// `clients: ["grant admin cn ops-*", "deny src 0.0.0.0/0"]`: each rule as on a `stats socket`
// line, in order.
void client_rules(YamlWalker& w, const Node& key, const Node& value) {
  if (!value.IsSequence())
    return w.error(value,
                   "stats socket: 'clients' is a list of rules such as 'grant admin cn "
                   "ops-*' or 'deny src 0.0.0.0/0'");
  BindConf& b = current_bind(w, true);
  for (const Node& rule : value) {
    const auto text = w.scalar(rule, key.Scalar());
    if (!text) continue;
    std::istringstream in(*text);
    std::vector<std::string> words{std::istream_iterator<std::string>(in), {}};
    apply_bind_options(w.ctx(), b, bind_label(w.ctx(), addresses_text(b), true), words, w.pos(rule),
                       true);
  }
}

template <bool Stats>
constexpr YamlKey kBindKeys[] = {
    {"address", ignore},
    {"name", bind_option<Stats, "name">},
    {"backlog", bind_option<Stats, "backlog">},
    {"maxconn", bind_option<Stats, "maxconn">},
    {"mode", bind_option<Stats, "mode">},
    {"uid", bind_option<Stats, "uid">},
    {"gid", bind_option<Stats, "gid">},
    {"user", bind_option<Stats, "user">},
    {"group", bind_option<Stats, "group">},
    {"level", bind_option<Stats, "level">},
    {"expose_fd", bind_option<Stats, "expose-fd">},
    {"accept_proxy", bind_flag<Stats, "accept-proxy">},
    {"ssl", bind_flag<Stats, "ssl">},
    {"crt", bind_option<Stats, "crt">},
    {"ca_file", bind_option<Stats, "ca-file">},
    {"verify", bind_option<Stats, "verify">},
    {"ciphers", bind_option<Stats, "ciphers">},
    {"ssl_min_ver", bind_option<Stats, "ssl-min-ver">},
    {"no_audit", bind_flag<Stats, "no-audit">},
    {"clients", client_rules},
};

// --- servers --------------------------------------------------------------------------------

ServerConf& current_server(YamlWalker& w, bool dflt, std::string& label) {
  ParseContext& ctx = w.ctx();
  if (dflt) return label = default_server_label(ctx), ctx.default_server();
  ServerConf& s = ctx.proxy().servers.back();
  label = server_label(ctx, s.name);
  return s;
}

void server_words(YamlWalker& w, bool dflt, const Node& at, std::vector<std::string> words) {
  std::string label;
  ServerConf& s = current_server(w, dflt, label);
  apply_server_options(w.ctx(), s, label, words, w.pos(at), dflt);
}

template <bool Default, Word Option>
void server_option(YamlWalker& w, const Node& key, const Node& value) {
  if (const auto v = w.scalar(value, key.Scalar()))
    server_words(w, Default, value, {Option.text, *v});
}

template <bool Default, Word On, Word Off>
void server_flag(YamlWalker& w, const Node& key, const Node& value) {
  if (const auto v = w.boolean(value, key.Scalar()))
    server_words(w, Default, value, {*v ? On.text : Off.text});
}

// `send_proxy: v1 | v2 | none`
template <bool Default>
void send_proxy(YamlWalker& w, const Node& key, const Node& value) {
  const auto v = w.scalar(value, key.Scalar());
  if (!v) return;
  if (*v == "v1") return server_words(w, Default, value, {"send-proxy"});
  if (*v == "v2") return server_words(w, Default, value, {"send-proxy-v2"});
  if (*v == "none") return server_words(w, Default, value, {"no-send-proxy", "no-send-proxy-v2"});
  w.error(value, "'send_proxy' expects 'v1', 'v2' or 'none' (got '" + *v + "')");
}

// `proxy_v2_options: [crc32c, peer-creds]` (or one name)
template <bool Default>
void proxy_v2_options(YamlWalker& w, const Node& key, const Node& value) {
  for (const Node& item : YamlWalker::items(value))
    if (const auto v = w.scalar(item, key.Scalar()))
      server_words(w, Default, item, {"proxy-v2-options", *v});
}

template <bool D>
constexpr YamlKey kServerKeys[] = {
    {"weight", server_option<D, "weight">},
    {"maxconn", server_option<D, "maxconn">},
    {"maxqueue", server_option<D, "maxqueue">},
    {"id", server_option<D, "id">},
    {"backup", server_flag<D, "backup", "no-backup">},
    {"disabled", server_flag<D, "disabled", "enabled">},
    {"check", server_flag<D, "check", "no-check">},
    {"inter", server_option<D, "inter">},
    {"fastinter", server_option<D, "fastinter">},
    {"downinter", server_option<D, "downinter">},
    {"rise", server_option<D, "rise">},
    {"fall", server_option<D, "fall">},
    {"error_limit", server_option<D, "error-limit">},
    {"observe", server_option<D, "observe">},
    {"on_error", server_option<D, "on-error">},
    {"on_marked_down", server_option<D, "on-marked-down">},
    {"on_marked_up", server_option<D, "on-marked-up">},
    {"slowstart", server_option<D, "slowstart">},
    {"send_proxy", send_proxy<D>},
    {"proxy_v2_options", proxy_v2_options<D>},
    {"check_send_proxy", server_flag<D, "check-send-proxy", "no-check-send-proxy">},
    {"pool_max_conn", server_option<D, "pool-max-conn">},
    {"pool_low_conn", server_option<D, "pool-low-conn">},
    {"pool_purge_delay", server_option<D, "pool-purge-delay">},
    {"max_reuse", server_option<D, "max-reuse">},
    {"cookie", server_option<D, "cookie">},
    {"proto", server_option<D, "proto">},
};

// --- health checks --------------------------------------------------------------------------

constexpr YamlKey kHealthKeys[] = {{"type", ignore}, {"steps", ignore}, {"http", ignore}};
constexpr YamlKey kHttpKeys[] = {{"method", ignore},
                                 {"uri", ignore},
                                 {"version", ignore},
                                 {"headers", ignore},
                                 {"expect", ignore}};
constexpr YamlKey kExpectKeys[] = {{"status", ignore},  {"rstatus", ignore}, {"string", ignore},
                                   {"rstring", ignore}, {"binary", ignore},  {"negate", ignore}};
constexpr YamlKey kStepKeys[] = {
    {"connect", ignore}, {"send", ignore}, {"send_binary", ignore}, {"expect", ignore}};

// `{string: "+PONG", negate: true}` -> `[!] string +PONG`.
bool expect_words(YamlWalker& w, const Node& map, std::vector<std::string>& words) {
  if (!w.walk(map, kExpectKeys, "expect")) return false;
  if (const Node n = map["negate"]) {
    const auto neg = w.boolean(n, "negate");
    if (!neg) return false;
    if (*neg) words.push_back("!");
  }
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (key == "negate") continue;
    const auto v = w.scalar(kv.second, key);
    if (!v) return false;
    words.push_back(key);
    words.push_back(*v);
    return true;
  }
  w.error(map, "expect needs one of 'string', 'rstring', 'binary', 'status' or 'rstatus'");
  return false;
}

void tcp_step(YamlWalker& w, const Node& step) {
  if (step.IsScalar() && step.Scalar() == "connect")
    return w.statement(step, {"tcp-check", "connect"});
  if (!w.walk(step, kStepKeys, "a tcp-check step")) return;
  if (step.size() != 1) return w.error(step, "each tcp-check step has exactly one key");
  const auto kv = *step.begin();
  const std::string key = kv.first.Scalar();
  if (key == "connect") return w.statement(kv.second, {"tcp-check", "connect"});
  std::vector<std::string> words{"tcp-check", key == "send_binary" ? "send-binary" : key};
  if (key == "expect") {
    if (expect_words(w, kv.second, words)) w.statement(kv.second, std::move(words));
    return;
  }
  if (const auto v = w.scalar(kv.second, key)) words.push_back(*v), w.statement(kv.second, words);
}

void http_check(YamlWalker& w, const Node& at, const Node& http) {
  if (!http) return w.statement(at, {"option", "httpchk"});
  if (!w.walk(http, kHttpKeys, "http")) return;
  std::vector<std::string> words{"option", "httpchk"};
  const Node method = http["method"], uri = http["uri"], version = http["version"];
  if (method || version)
    words.push_back(method ? w.scalar(method, "method").value_or("") : "OPTIONS");
  if (method || uri || version) words.push_back(uri ? w.scalar(uri, "uri").value_or("") : "/");
  if (version) words.push_back(w.scalar(version, "version").value_or(""));
  w.statement(http, std::move(words));
  if (const Node headers = http["headers"]) {
    std::vector<std::string> send{"http-check", "send"};
    if (!headers.IsMap()) return w.error(headers, "headers must be a mapping of names to values");
    for (const auto& kv : headers)
      send.insert(send.end(),
                  {"hdr", kv.first.Scalar(), w.scalar(kv.second, "header").value_or("")});
    w.statement(headers, std::move(send));
  }
  std::vector<std::string> expect{"http-check", "expect"};
  if (const Node e = http["expect"]; e && expect_words(w, e, expect))
    w.statement(e, std::move(expect));
}

void log_map(YamlWalker& w, const Node& map) {
  static constexpr YamlKey kLogKeys[] = {{"target", ignore}, {"facility", ignore},
                                         {"level", ignore},  {"min_level", ignore},
                                         {"format", ignore}, {"length", ignore}};
  if (!w.walk(map, kLogKeys, "log")) return;
  std::vector<std::string> words{"log"};
  auto add = [&](const char* key, const char* option) {
    const Node n = map[key];
    if (!n) return;
    if (option) words.push_back(option);
    words.push_back(w.scalar(n, key).value_or(""));
  };
  if (!map["target"] || !map["facility"]) return w.error(map, "log needs 'target' and 'facility'");
  add("target", nullptr);
  add("length", "len");
  add("format", "format");
  add("facility", nullptr);
  add("level", nullptr);
  add("min_level", nullptr);
  w.statement(map, std::move(words));
}

}  // namespace

void yaml_bind(YamlWalker& w, const Node& item, bool stats) {
  std::vector<std::string> head =
      stats ? std::vector<std::string>{"stats", "socket"} : std::vector<std::string>{"bind"};
  const Node address = item.IsMap() ? item["address"] : item;
  if (!address)
    return w.error(item, stats ? "global section: a stats socket needs an 'address'"
                               : w.ctx().where() + ": a bind needs an 'address'");
  const auto text = w.scalar(address, "address");
  if (!text) return;
  auto& list = stats ? w.ctx().config().global.stats_sockets : w.ctx().proxy().binds;
  const size_t before = list.size();
  head.push_back(*text);
  w.statement(address, std::move(head));
  if (!item.IsMap() || list.size() == before) return;
  w.walk(item, stats ? std::span<const YamlKey>(kBindKeys<true>) : kBindKeys<false>,
         stats ? "stats socket" : "bind");
  finish_bind(w.ctx(), list.back(), bind_label(w.ctx(), addresses_text(list.back()), stats));
}

void yaml_server(YamlWalker& w, const Node& item) {
  if (!item.IsMap())
    return w.error(item,
                   w.ctx().where() + ": each server must be a mapping with 'name' and 'address'");
  const Node name = item["name"], address = item["address"];
  if (!name || !address)
    return w.error(item, w.ctx().where() + ": a server needs a 'name' and an 'address'");
  const auto n = w.scalar(name, "name"), a = w.scalar(address, "address");
  if (!n || !a) return;
  auto& servers = w.ctx().proxy().servers;
  const size_t before = servers.size();
  w.statement(address, {"server", *n, *a});
  if (servers.size() == before) return;
  w.walk(item, kServerKeys<false>, "server '" + *n + "'", {"name", "address"});
}

void yaml_default_server(YamlWalker& w, const Node& map) {
  if (!(w.ctx().section() & (kDefaults | kBackend | kListen)))
    return w.statement(map, {"default-server"});  // reports the misplacement
  w.walk(map, kServerKeys<true>, "default_server");
}

void yaml_health_check(YamlWalker& w, const Node& map) {
  if (!w.walk(map, kHealthKeys, "health_check")) return;
  const Node type = map["type"], steps = map["steps"], http = map["http"];
  if (!type)
    return w.error(map, w.ctx().where() + ": health_check needs a 'type': connect, tcp-check, " +
                            "http or redis");
  const std::string t = w.scalar(type, "type").value_or("");
  if (steps && t != "tcp-check") w.error(steps, "'steps' are for health checks of type tcp-check");
  if (http && t != "http") w.error(http, "'http' is for health checks of type http");
  if (t == "tcp-check") {
    w.statement(type, {"option", "tcp-check"});
    if (steps)
      for (const auto& step : YamlWalker::items(steps))
        tcp_step(w, step);
  } else if (t == "http") {
    http_check(w, type, http);
  } else if (t == "redis") {
    w.statement(type, {"option", "redis-check"});
  } else if (t != "connect") {
    w.error(type, w.ctx().where() + ": unknown health_check type '" + t + "'" +
                      did_you_mean(t, {"connect", "tcp-check", "http", "redis"}) +
                      " (types: connect, tcp-check, http, redis)");
  }
}

void yaml_log(YamlWalker& w, const Node& item) {
  if (item.IsMap()) return log_map(w, item);
  const auto text = w.scalar(item, "log");
  if (!text) return;
  std::vector<std::string> words{"log"};
  std::istringstream in(*text);
  for (std::string word; in >> word;)
    words.push_back(word);
  w.statement(item, std::move(words));
}

}  // namespace ferry::conf
