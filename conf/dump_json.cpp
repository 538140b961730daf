#include "conf/dump_json.hpp"

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

json perms_json(const UnixPerms& p) {
  return {{"mode", optional(p.mode)},
          {"uid", optional(p.uid)},
          {"gid", optional(p.gid)},
          {"user", p.user},
          {"group", p.group}};
}

json bind_json(const BindConf& b) {
  json addrs = json::array();
  for (const auto& a : b.addrs)
    addrs.push_back(to_json(a));
  return {{"pos", to_json(b.pos)},      {"addresses", addrs},   {"name", b.name},
          {"backlog", b.backlog},       {"maxconn", b.maxconn}, {"perms", perms_json(b.perms)},
          {"level", to_string(b.level)}};
}

json server_json(const ServerConf& s) {
  return {{"pos", to_json(s.pos)},
          {"name", s.name},
          {"address", to_json(s.addr)},
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
          {"slowstart", ms(s.slowstart)}};
}

json probe_json(const HealthProbeConf& p) {
  json steps = json::array();
  for (const auto& s : p.tcp_steps)
    steps.push_back(
        {{"pos", to_json(s.pos)}, {"kind", name(s.kind)}, {"arg", s.arg}, {"negate", s.negate}});
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
  return {{"pos", to_json(l.pos)}, {"target", l.target},       {"facility", l.facility},
          {"level", l.level},      {"min_level", l.min_level}, {"format", l.format},
          {"length", l.length}};
}

json logs_json(const std::vector<LogTarget>& logs) {
  json out = json::array();
  for (const auto& l : logs)
    out.push_back(log_json(l));
  return out;
}

json timeouts_json(const Timeouts& t) {
  return {{"connect", ms(t.connect)}, {"client", ms(t.client)}, {"server", ms(t.server)},
          {"queue", ms(t.queue)},     {"check", ms(t.check)},   {"tunnel", ms(t.tunnel)}};
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
          {"stats_sockets", sockets},
          {"stats_timeout", g.stats_timeout.count()},
          {"user", g.user},
          {"group", g.group},
          {"uid", optional(g.uid)},
          {"gid", optional(g.gid)},
          {"ulimit_n", g.ulimit_n}};
}

}  // namespace

json to_json(const SourcePos& pos) {
  json out = {{"file", pos.file}, {"line", pos.line}};
  if (pos.column > 0) out["column"] = pos.column;
  return out;
}

json to_json(const Address& a) {
  json out = {{"kind", address_kind_name(a)}, {"text", a.text}};
  if (a.kind == AddressKind::Inet) {
    out["host"] = a.host;
    out["port"] = a.port;
  } else {
    out["path"] = a.path;
  }
  return out;
}

json to_json(const ProxyConf& p) {
  json binds = json::array(), servers = json::array();
  for (const auto& b : p.binds)
    binds.push_back(bind_json(b));
  for (const auto& s : p.servers)
    servers.push_back(server_json(s));
  return {{"pos", to_json(p.pos)},
          {"kind", name(p.kind)},
          {"name", p.name},
          {"id", p.id},
          {"binds", binds},
          {"default_backend", p.default_backend},
          {"default_backend_pos", to_json(p.default_backend_pos)},
          {"balance", to_string(p.balance)},
          {"servers", servers},
          {"timeouts", timeouts_json(p.timeouts)},
          {"maxconn", p.maxconn},
          {"fullconn", p.fullconn},
          {"retries", p.retries},
          {"redispatch", p.redispatch},
          {"allbackups", p.allbackups},
          {"tcplog", p.tcplog},
          {"dontlognull", p.dontlognull},
          {"log_global", p.log_global},
          {"logs", logs_json(p.logs)},
          {"probe", probe_json(p.probe)}};
}

json to_json(const Config& config) {
  json proxies = json::array();
  for (const auto& p : config.proxies)
    proxies.push_back(to_json(p));
  return {{"global", global_json(config.global)}, {"proxies", proxies}};
}

}  // namespace ferry::conf
