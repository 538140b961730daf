#include "conf/dump_json.hpp"

#include <cstdint>
#include <string_view>

#include "conf/address.hpp"

namespace ferry::conf {

namespace {

using nlohmann::json;

json ms(const std::optional<Millis>& t) {
  return t ? json(t->count()) : json(nullptr);
}

template <typename T>
json optional(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

const char* name(ProxyKind k) {
  switch (k) {
    case ProxyKind::Defaults:
      return "defaults";
    case ProxyKind::Frontend:
      return "frontend";
    case ProxyKind::Backend:
      return "backend";
    case ProxyKind::Listen:
      return "listen";
  }
  return "unknown";
}

const char* name(HealthProbeConf::Kind k) {
  switch (k) {
    case HealthProbeConf::Kind::Connect:
      return "connect";
    case HealthProbeConf::Kind::TcpCheck:
      return "tcp-check";
    case HealthProbeConf::Kind::HttpCheck:
      return "httpchk";
    case HealthProbeConf::Kind::RedisCheck:
      return "redis-check";
  }
  return "unknown";
}

const char* name(TcpCheckStep::Kind k) {
  switch (k) {
    case TcpCheckStep::Kind::Connect:
      return "connect";
    case TcpCheckStep::Kind::Send:
      return "send";
    case TcpCheckStep::Kind::SendBinary:
      return "send-binary";
    case TcpCheckStep::Kind::ExpectString:
      return "expect string";
    case TcpCheckStep::Kind::ExpectRstring:
      return "expect rstring";
    case TcpCheckStep::Kind::ExpectBinary:
      return "expect binary";
  }
  return "unknown";
}

// RFC 3629 UTF-8: no overlong form, no surrogate, nothing above U+10FFFF (what nlohmann's dump
// accepts).
bool is_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80             ? 1
                       : (c & 0xE0) == 0xC0 ? 2
                       : (c & 0xF0) == 0xE0 ? 3
                       : (c & 0xF8) == 0xF0 ? 4
                                            : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

std::string hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

// Every string that is not UTF-8 becomes {"hex": "<all its bytes>"} (see dump_json.hpp).
json escaped(json j) {
  if (j.is_string() && !is_utf8(j.get_ref<const std::string&>()))
    return {{"hex", hex(j.get_ref<const std::string&>())}};
  if (j.is_structured())
    for (auto& v : j)
      v = escaped(std::move(v));
  return j;
}

json perms_json(const UnixPerms& p) {
  return {{"mode", optional(p.mode)},
          {"uid", optional(p.uid)},
          {"gid", optional(p.gid)},
          {"user", p.user},
          {"group", p.group}};
}

json pos_json(const SourcePos& pos) {
  json out = {{"file", pos.file}, {"line", pos.line}};
  if (pos.column > 0) out["column"] = pos.column;
  return out;
}

json address_json(const Address& a) {
  json out = {{"kind", address_kind_name(a)}, {"text", a.text}};
  if (a.kind == AddressKind::Inet) {
    out["host"] = a.host;
    out["port"] = a.port;
  } else {
    out["path"] = a.path;
  }
  return out;
}

json bind_json(const BindConf& b) {
  json addrs = json::array();
  for (const auto& a : b.addrs)
    addrs.push_back(address_json(a));
  return {{"pos", pos_json(b.pos)},
          {"addresses", addrs},
          {"name", b.name},
          {"backlog", b.backlog},
          {"maxconn", b.maxconn},
          {"perms", perms_json(b.perms)},
          {"level", to_string(b.level)},
          {"expose_fd_listeners", b.expose_fd_listeners},
          {"accept_proxy", b.accept_proxy}};
}

json server_json(const ServerConf& s) {
  return {{"pos", pos_json(s.pos)},
          {"name", s.name},
          {"address", address_json(s.addr)},
          {"weight", s.weight},
          {"maxconn", s.maxconn},
          {"maxqueue", s.maxqueue},
          {"backup", s.backup},
          {"disabled", s.disabled},
          {"id", s.id},
          {"check", s.check},
          {"inter", s.inter.count()},
          {"fastinter", ms(s.fastinter)},
          {"downinter", ms(s.downinter)},
          {"rise", s.rise},
          {"fall", s.fall},
          {"on_marked_down_shutdown_sessions", s.on_marked_down_shutdown_sessions},
          {"on_marked_up_shutdown_backup_sessions", s.on_marked_up_shutdown_backup_sessions},
          {"error_limit", s.error_limit},
          {"observe", s.observe == Observe::Layer4 ? "layer4" : "none"},
          {"on_error", to_string(s.on_error)},
          {"slowstart", ms(s.slowstart)},
          {"proxy_protocol",
           {{"version", s.proxy_protocol.version},
            {"crc32c", s.proxy_protocol.crc32c},
            {"peer_creds", s.proxy_protocol.peer_creds},
            {"unique_id", s.proxy_protocol.unique_id},
            {"check", s.proxy_protocol.check}}},
          {"cookie", s.cookie},
          {"pool_max_conn", s.pool_max_conn},
          {"pool_purge_delay", s.pool_purge_delay.count()},
          {"max_reuse", s.max_reuse},
          {"proto", s.proto_fcgi ? "fcgi" : "h1"}};
}

json probe_json(const HealthProbeConf& p) {
  json steps = json::array();
  for (const auto& s : p.tcp_steps)
    steps.push_back(
        {{"pos", pos_json(s.pos)}, {"kind", name(s.kind)}, {"arg", s.arg}, {"negate", s.negate}});
  json headers = json::array();
  for (const auto& [k, v] : p.http_headers)
    headers.push_back({{"name", k}, {"value", v}});
  return {{"kind", name(p.kind)},
          {"tcp_steps", steps},
          {"http_method", p.http_method},
          {"http_uri", p.http_uri},
          {"http_version", p.http_version},
          {"http_headers", headers},
          {"http_expect_kind", p.http_expect_kind},
          {"http_expect_arg", p.http_expect_arg},
          {"http_expect_negate", p.http_expect_negate}};
}

json log_json(const LogTarget& l) {
  return {{"pos", pos_json(l.pos)}, {"target", l.target},       {"facility", l.facility},
          {"level", l.level},       {"min_level", l.min_level}, {"format", l.format},
          {"length", l.length}};
}

json logs_json(const std::vector<LogTarget>& logs) {
  json out = json::array();
  for (const auto& l : logs)
    out.push_back(log_json(l));
  return out;
}

std::string_view http_conn_mode_name(HttpConnMode m) {
  switch (m) {
    case HttpConnMode::KeepAlive:
      return "http-keep-alive";
    case HttpConnMode::ServerClose:
      return "http-server-close";
    case HttpConnMode::Close:
      return "httpclose";
  }
  return "unknown";
}

json forwardfor_json(const ForwardFor& ff) {
  if (!ff.enabled) return nullptr;
  return {{"header", ff.header},
          {"if_none", ff.if_none},
          {"except", ff.except ? json(ff.except->text) : json(nullptr)}};
}

json timeouts_json(const Timeouts& t) {
  return {{"connect", ms(t.connect)},
          {"client", ms(t.client)},
          {"server", ms(t.server)},
          {"queue", ms(t.queue)},
          {"check", ms(t.check)},
          {"tunnel", ms(t.tunnel)},
          {"http_request", ms(t.http_request)},
          {"http_keep_alive", ms(t.http_keep_alive)}};
}

json global_json(const GlobalConf& g) {
  json sockets = json::array();
  for (const auto& s : g.stats_sockets)
    sockets.push_back(bind_json(s));
  return {{"maxconn", g.maxconn},
          {"daemon", g.daemon},
          {"pidfile", g.pidfile},
          {"nbthread", g.nbthread},
          {"logs", logs_json(g.logs)},
          {"log_tag", g.log_tag},
          {"stats_sockets", sockets},
          {"stats_timeout", g.stats_timeout.count()},
          {"user", g.user},
          {"group", g.group},
          {"uid", optional(g.uid)},
          {"gid", optional(g.gid)},
          {"ulimit_n", g.ulimit_n},
          {"strict_limits", g.strict_limits},
          {"hard_stop_after", g.hard_stop_after.count()},
          {"master_worker", g.master_worker},
          {"exit_on_failure", g.exit_on_failure},
          {"chroot", g.chroot},
          {"server_state_file", g.server_state_file},
          {"server_state_base", g.server_state_base},
          {"tune_bufsize", g.tune_bufsize},
          {"tune_maxrewrite", g.tune_maxrewrite},
          {"tune_http_maxhdr", g.tune_http_maxhdr}};
}

const char* http_reuse_name(HttpReuse r) {
  switch (r) {
    case HttpReuse::Never:
      return "never";
    case HttpReuse::Safe:
      return "safe";
    case HttpReuse::Aggressive:
      return "aggressive";
    case HttpReuse::Always:
      return "always";
  }
  return "safe";
}

json retry_on_json(const RetryOn& r) {
  json kinds = json::array();
  for (const auto& [name, kind] : {std::pair{"conn-failure", RetryOn::kConnFailure},
                                   {"empty-response", RetryOn::kEmptyResponse},
                                   {"junk-response", RetryOn::kJunkResponse},
                                   {"response-timeout", RetryOn::kResponseTimeout},
                                   {"0rtt-rejected", RetryOn::k0rttRejected}})
    if (r.has(kind)) kinds.push_back(name);
  for (int s : r.statuses)
    kinds.push_back(std::to_string(s));
  return kinds;
}

json cookie_json(const std::optional<CookieConf>& c) {
  if (!c) return nullptr;
  static constexpr const char* kModes[] = {"insert", "rewrite", "prefix"};
  return {{"pos", pos_json(c->pos)},
          {"name", c->name},
          {"mode", kModes[static_cast<int>(c->mode)]},
          {"indirect", c->indirect},
          {"nocache", c->nocache},
          {"postonly", c->postonly},
          {"preserve", c->preserve},
          {"httponly", c->httponly},
          {"secure", c->secure},
          {"domains", c->domains},
          {"maxidle", c->maxidle.count()},
          {"maxlife", c->maxlife.count()}};
}

json hash_json(const HashConf& h) {
  static constexpr const char* kFunctions[] = {"sdbm", "djb2", "crc32"};
  return {{"uri_len", h.uri_len},
          {"uri_depth", h.uri_depth},
          {"uri_whole", h.uri_whole},
          {"name", h.name},
          {"use_domain_only", h.use_domain_only},
          {"function", kFunctions[static_cast<int>(h.function)]},
          {"consistent", h.consistent},
          {"avalanche", h.avalanche}};
}

// The pieces of a log-format: literal text, a sample, or the variable (`%ci`...), `hex` after
// %{+X}o.
json log_format_json(const LogFormat& pieces) {
  static constexpr const char* kVars[] = {"", "ci", "cp", "fi", "fp", "Ts", "rt", "pid", "f", "H"};
  json out = json::array();
  for (const LogFormatPiece& u : pieces) {
    if (u.kind == LogFormatPiece::Kind::Text)
      out.push_back({{"text", u.text}});
    else if (u.kind == LogFormatPiece::Kind::Sample)
      out.push_back({{"sample", u.sample->text}});
    else
      out.push_back({{"var", kVars[static_cast<int>(u.kind)]}, {"hex", u.hex}});
  }
  return out;
}

// The stats page; of `stats auth` only the user names (the dump is shown and pasted around).
json stats_page_json(const StatsPageConf& s) {
  json users = json::array();
  for (const std::string& a : s.auth)
    users.push_back(a.substr(0, a.find(':')));
  return {{"pos", pos_json(s.pos)},
          {"enabled", s.enabled},
          {"uri", s.uri},
          {"realm", s.realm},
          {"auth_users", users},
          {"refresh", ms(s.refresh)},
          {"hide_version", s.hide_version},
          {"show_legends", s.show_legends},
          {"show_node", optional(s.show_node)},
          {"admin", s.admin ? json(s.admin_if.text) : json(nullptr)}};
}

json prometheus_json(const PrometheusServiceConf& p) {
  if (!p.enabled) return nullptr;
  return {{"pos", pos_json(p.pos)}, {"when", p.when.text}};
}

json proxy_json(const ProxyConf& p) {
  json binds = json::array(), servers = json::array();
  for (const auto& b : p.binds)
    binds.push_back(bind_json(b));
  for (const auto& s : p.servers)
    servers.push_back(server_json(s));
  json errorfiles = json::array();
  for (const auto& e : p.errorfiles)
    errorfiles.push_back({{"pos", pos_json(e.pos)}, {"status", e.status}, {"path", e.path}});
  return {{"pos", pos_json(p.pos)},
          {"kind", name(p.kind)},
          {"name", p.name},
          {"id", p.id},
          {"binds", binds},
          {"default_backend", p.default_backend},
          {"default_backend_pos", pos_json(p.default_backend_pos)},
          {"balance", to_string(p.balance)},
          {"hash", hash_json(p.hash)},
          {"cookie", cookie_json(p.cookie)},
          {"unique_id_header", p.unique_id_header},
          {"unique_id_format", log_format_json(p.unique_id_format)},
          {"mode", p.mode == ProxyMode::Http ? "http" : "tcp"},
          {"http_connection_mode", http_conn_mode_name(p.http_conn_mode)},
          {"forwardfor", forwardfor_json(p.forwardfor)},
          {"errorfiles", errorfiles},
          {"http_reuse", http_reuse_name(p.http_reuse)},
          {"retry_on", retry_on_json(p.retry_on)},
          {"prefer_last_server", p.prefer_last_server},
          {"servers", servers},
          {"timeouts", timeouts_json(p.timeouts)},
          {"maxconn", p.maxconn},
          {"fullconn", p.fullconn},
          {"retries", p.retries},
          {"load_server_state_from_file", p.load_server_state == LoadServerState::Global  ? "global"
                                          : p.load_server_state == LoadServerState::Local ? "local"
                                                                                          : "none"},
          {"server_state_file_name", p.server_state_file_name},
          {"redispatch", p.redispatch},
          {"allbackups", p.allbackups},
          {"tcplog", p.tcplog},
          {"httplog", p.httplog},
          {"dontlognull", p.dontlognull},
          {"log_global", p.log_global},
          {"logs", logs_json(p.logs)},
          {"log_tag", p.log_tag},
          {"stats", stats_page_json(p.stats)},
          {"prometheus_exporter", prometheus_json(p.prometheus)},
          {"probe", probe_json(p.probe)},
          {"use_fcgi_app", p.use_fcgi_app}};
}

json fcgi_app_json(const FcgiAppConf& a) {
  json params = json::array();
  for (const auto& p : a.set_params)
    params.push_back({{"pos", pos_json(p.pos)}, {"name", p.name}, {"value", p.value}});
  return {{"pos", pos_json(a.pos)},         {"name", a.name},
          {"docroot", a.docroot},           {"index", a.index},
          {"path_info", a.path_info},       {"set_params", params},
          {"pass_headers", a.pass_headers}, {"keep_conn", a.keep_conn},
          {"get_values", a.get_values},     {"mpxs_conns", a.mpxs_conns},
          {"max_reqs", a.max_reqs},         {"log_stderr", a.log_stderr ? "global" : ""}};
}

}  // namespace

json to_json(const SourcePos& pos) {
  return escaped(pos_json(pos));
}

json to_json(const Address& a) {
  return escaped(address_json(a));
}

json to_json(const ProxyConf& p) {
  return escaped(proxy_json(p));
}

json to_json(const Config& config) {
  json proxies = json::array();
  for (const auto& p : config.proxies)
    proxies.push_back(proxy_json(p));
  json apps = json::array();
  for (const auto& a : config.fcgi_apps)
    apps.push_back(fcgi_app_json(a));
  return escaped(
      {{"global", global_json(config.global)}, {"proxies", proxies}, {"fcgi_apps", apps}});
}

}  // namespace ferry::conf
