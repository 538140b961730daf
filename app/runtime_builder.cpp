#include "app/runtime_builder.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "app/process_control.hpp"
#include "balancer/balancer.hpp"
#include "core/socket_ops.hpp"
#include "http/error_reply.hpp"
#include "http/frontend_rules.hpp"
#include "http/http_protocol.hpp"
#include "stats/stats_service.hpp"

namespace ferry::app {

namespace {

constexpr rlim_t kFdReserve = 30;  // listeners, checks, admin sockets, logs (as HAProxy)

std::unique_ptr<core::Server> make_server(const conf::ServerConf& sc, size_t index,
                                          core::Backend& backend, core::Millis now) {
  auto s = std::make_unique<core::Server>();
  s->name = sc.name;
  s->id = sc.id;
  s->index = index;
  s->backup = sc.backup;
  s->backend = &backend;
  s->addr = core::SockAddr::from(sc.addr);
  s->addr_text = s->addr.stats_text();
  s->iweight = s->uweight = sc.weight;
  s->maxconn = static_cast<unsigned>(sc.maxconn);
  s->maxqueue = static_cast<unsigned>(sc.maxqueue);
  const conf::ProxyProtocolConf& pp = sc.proxy_protocol;
  s->proxy = {.version = pp.version,
              .crc32c = pp.crc32c,
              .peer_creds = pp.peer_creds,
              .unique_id = pp.unique_id,
              .check = pp.check};
  s->pool_max_conn = sc.pool_max_conn;
  s->pool_purge_delay = sc.pool_purge_delay;
  s->max_reuse = sc.max_reuse;
  s->fcgi = sc.proto_fcgi;
  s->cookie = sc.cookie;
  s->last_change = now;
  if (sc.disabled) {
    s->admin_flags |= core::admin::kConfigMaint | core::admin::kForcedMaint;
    s->op = core::OpState::Stopped;
    s->down_since = now;
  }
  s->check.configured = sc.check;
  s->check.enabled = sc.check;
  s->check.rise = sc.rise;
  s->check.fall = sc.fall;
  s->check.health = sc.rise;
  return s;
}

unsigned frontends_maxconn_to(const conf::Config& config, const std::string& backend,
                              unsigned global_maxconn) {
  unsigned sum = 0;
  for (const auto& p : config.proxies) {
    if (!p.is_frontend()) continue;
    const bool routes_here =
        p.default_backend == backend || (p.kind == conf::ProxyKind::Listen && p.name == backend);
    if (routes_here) sum += p.maxconn > 0 ? static_cast<unsigned>(p.maxconn) : global_maxconn;
  }
  return sum;
}

std::unique_ptr<core::Backend> make_backend(const conf::Config& config, const conf::ProxyConf& p,
                                            core::Engine& engine) {
  core::BackendSettings st;
  st.http = p.mode == conf::ProxyMode::Http;
  // HAProxy balances a layer 7 hash of a TCP backend by round robin (with a warning).
  const bool l7_hash = p.balance == conf::Balance::Uri || p.balance == conf::Balance::UrlParam ||
                       p.balance == conf::Balance::Hdr;
  st.balance = l7_hash && !st.http ? conf::Balance::RoundRobin : p.balance;
  st.hash = p.hash;
  st.retries = p.retries;
  st.redispatch = p.redispatch;
  // retry-on applies to `mode http` only (HAProxy ignores it otherwise); without conn-failure
  // in it a failed connection is not tried again.
  st.retry_connect = p.mode != conf::ProxyMode::Http || p.retry_on.has(conf::RetryOn::kConnFailure);
  st.prefer_last_server = p.prefer_last_server;
  if (st.http) st.cookie = p.cookie;
  st.allbackups = p.allbackups;
  st.connect_timeout = p.timeouts.connect;
  st.server_timeout = p.timeouts.server;
  st.queue_timeout = p.timeouts.queue;
  st.tunnel_timeout = p.timeouts.tunnel;
  st.listen_section = p.kind == conf::ProxyKind::Listen;
  st.log_tag = p.log_tag;
  st.fullconn = p.fullconn > 0
                    ? static_cast<unsigned>(p.fullconn)
                    : std::max(1u, (frontends_maxconn_to(config, p.name, engine.maxconn) + 9) / 10);
  auto b = std::make_unique<core::Backend>(engine, p.name, p.id, st);
  std::vector<core::Server*> view;
  for (size_t i = 0; i < p.servers.size(); ++i) {
    b->servers.push_back(make_server(p.servers[i], i, *b, engine.loop.now()));
    view.push_back(b->servers.back().get());
  }
  b->lb = balancer::make_balancer(st.balance, p.hash, std::move(view), p.allbackups,
                                  static_cast<uint64_t>(engine.loop.now().count()) ^ p.id);
  return b;
}

// The sockets a master holds for `addr`, duplicated for this process's listener.
std::vector<core::Fd> adopt(const BoundSocket& held, unsigned count) {
  std::vector<core::Fd> fds;
  for (size_t i = 0; i < held.fds.size() && fds.size() < count; ++i)
    fds.emplace_back(::fcntl(held.fds[i].get(), F_DUPFD_CLOEXEC, 0));
  return fds;
}

std::string inherited_list(const core::InheritedSockets* inherited) {
  std::string out;
  if (inherited)
    for (const auto& s : inherited->entries())
      out += (out.empty() ? "" : ", ") + s.describe();
  return out.empty() ? "none: ferry was not started by socket activation or by a master" : out;
}

// The inherited sockets a `bind` address takes: the unused one on that address (none: bind it),
// or what `fd@N|NAME` names (every socket of that name), which must exist and be unused.
std::vector<core::InheritedSocket*> inherited_for(const conf::Address& a,
                                                  core::InheritedSockets* inherited,
                                                  const std::string& owner, std::string& error) {
  std::vector<core::InheritedSocket*> out;
  if (a.kind != conf::AddressKind::Fd) {
    auto* s = inherited ? inherited->find_address(core::SockAddr::from(a)) : nullptr;
    if (s && !s->used) out.push_back(s);
    return out;
  }
  const auto found = inherited ? inherited->find_spec(a.path) : out;
  for (auto* s : found)
    if (!s->used) out.push_back(s);
  if (found.empty())
    error = owner + ": bind " + a.text + ": no inherited socket has that fd number or name (" +
            "inherited: " + inherited_list(inherited) + ")";
  else if (out.empty())
    error = owner + ": bind " + a.text + ": " + found.front()->describe() +
            " is already used by another bind";
  return out;
}

// Opens the listeners of one `bind` address: the inherited sockets it takes (each one socket
// every thread shares; whoever passed it still holds it, and owns its socket file), else the
// master's sockets for that address, else new ones.
void open_listeners(const conf::ProxyConf& p, const conf::BindConf& bind, const conf::Address& a,
                    core::Engine& engine, const BuildOptions& opts, core::Frontend& fe,
                    std::vector<std::string>& errors) {
  std::string error;
  const auto taken = inherited_for(a, opts.inherited, bind_owner(p, bind), error);
  if (!error.empty()) return errors.push_back(error);
  for (auto* s : taken) {
    std::vector<core::Fd> fds;
    fds.push_back(opts.inherited->take(*s));
    fe.listeners.push_back(std::make_unique<core::Listener>(s->addr, std::move(fds),
                                                            core::SocketFile{}, bind.name, true));
  }
  if (!taken.empty()) return;
  const auto addr = core::SockAddr::from(a);
  const unsigned count = addr.is_unix() ? 1 : engine.nbthread;
  if (const BoundSocket* h = opts.held ? opts.held->find(addr) : nullptr;
      h && h->fds.size() >= count) {
    fe.listeners.push_back(std::make_unique<core::Listener>(
        h->addr, adopt(*h, count), h->master_owned ? core::SocketFile{} : h->file, bind.name,
        h->master_owned));
    return;
  }
  auto b = bind_socket(addr, p, bind, engine.maxconn, count, opts.takeover, errors);
  if (!b.fds.empty())
    fe.listeners.push_back(
        std::make_unique<core::Listener>(b.addr, std::move(b.fds), std::move(b.file), bind.name));
}

// `option forwardfor` as HAProxy 2.6 combines the frontend's and the backend's: the header is
// added when either enables it, under the backend's name when the backend enables it (its
// default name if it gave none), only if none is there when every side that enables it says
// if-none, and not for a client in the `except` network of either.
void forwardfor_settings(const conf::ForwardFor& fe, const conf::ForwardFor& be,
                         http::HttpSettings& st) {
  st.forwardfor = fe.enabled || be.enabled;
  st.forwardfor_header = be.enabled ? be.header : fe.header;
  st.forwardfor_if_none = (!fe.enabled || fe.if_none) && (!be.enabled || be.if_none);
  for (const conf::ForwardFor* ff : {&fe, &be})
    if (ff->enabled && ff->except) st.forwardfor_except.push_back(*ff->except);
}

// The largest head is tune.bufsize (rounded up to 16 bytes as HAProxy on 64-bit machines) less
// tune.maxrewrite, which HAProxy lowers to half of bufsize when it is larger.
http::Limits http_limits(const conf::GlobalConf& g) {
  const uint32_t bufsize = (static_cast<uint32_t>(g.tune_bufsize) + 15) & ~15u;
  const uint32_t maxrewrite = std::min(static_cast<uint32_t>(g.tune_maxrewrite), bufsize / 2);
  return {.max_head = bufsize - maxrewrite,
          .max_headers = static_cast<uint32_t>(g.tune_http_maxhdr)};
}

// The HTTP settings of a `mode http` frontend and its backend: the stronger connection mode,
// `option forwardfor` from either, the errorfiles (the backend's first),
// timeouts from where HAProxy takes them.
// `be`: the backend a request goes to (nullptr: the frontend's own, for one without a backend).
http::HttpSettings http_settings(const conf::Config& config, const conf::ProxyConf& fe,
                                 const conf::ProxyConf* be) {
  if (!be) be = &fe;
  http::HttpSettings st;
  const auto mode = std::max(fe.http_conn_mode, be->http_conn_mode);
  st.conn_mode = mode == conf::HttpConnMode::Close ? http::HttpSettings::ConnMode::Close
                 : mode == conf::HttpConnMode::ServerClose
                     ? http::HttpSettings::ConnMode::ServerClose
                     : http::HttpSettings::ConnMode::KeepAlive;
  forwardfor_settings(fe.forwardfor, be->forwardfor, st);
  for (const conf::ProxyConf* p : {be, &fe})
    for (const conf::ErrorFile& e : p->errorfiles)
      if (!st.errorfile(e.status)) st.errorfiles.emplace_back(e.status, http::errorfile_reply(e));
  st.request_timeout =
      fe.timeouts.http_request ? fe.timeouts.http_request : be->timeouts.http_request;
  st.keep_alive_timeout =
      fe.timeouts.http_keep_alive ? fe.timeouts.http_keep_alive : be->timeouts.http_keep_alive;
  st.client_timeout = fe.timeouts.client;
  st.server_timeout = be->timeouts.server;
  st.tunnel_timeout = be->timeouts.tunnel;
  st.reuse = be->http_reuse;
  st.retry_on = be->retry_on;
  st.unique_id_format = fe.unique_id_format;
  st.unique_id_header = fe.unique_id_format.empty() ? "" : fe.unique_id_header;
  char host[256] = {};
  if (!st.unique_id_format.empty() && ::gethostname(host, sizeof host - 1) == 0) st.hostname = host;
  st.frontend_request_rules = fe.http_request_rules;
  if (be != &fe) {
    st.backend_request_rules = be->http_request_rules;
    st.response_rules = be->http_response_rules;
  }
  st.response_rules.insert(st.response_rules.end(), fe.http_response_rules.begin(),
                           fe.http_response_rules.end());
  st.limits = http_limits(config.global);
  st.local.metrics = fe.prometheus.enabled;
  st.local.metrics_when = fe.prometheus.when;
  st.local.stats_uri = fe.stats.enabled ? fe.stats.uri : std::string();
  st.local.stats_admin = fe.stats.admin;
  st.local.admin_if = fe.stats.admin_if;
  if (const conf::FcgiAppConf* app = config.find_fcgi_app(be->use_fcgi_app))
    st.fcgi = http::fcgi::App::from(*app);
  return st;
}

void add_frontend(const conf::Config& config, const conf::ProxyConf& p, core::Engine& engine,
                  const BuildOptions& opts, std::vector<std::string>& errors) {
  core::FrontendSettings st;
  st.maxconn = p.maxconn > 0 ? std::min<unsigned>(p.maxconn, engine.maxconn) : engine.maxconn;
  st.client_timeout = p.timeouts.client;
  const bool http = p.mode == conf::ProxyMode::Http;
  st.tcplog = p.tcplog || (p.httplog && !http);  // HAProxy falls back to tcplog (with a warning)
  st.httplog = p.httplog && http;
  st.dontlognull = p.dontlognull;
  st.log_global = p.log_global;
  st.log_tag = p.log_tag;
  auto fe = std::make_unique<core::Frontend>(engine, p.name, p.id, st);
  if (!p.logs.empty()) {
    fe->own_log = std::make_unique<core::Log>();
    fe->own_log->set_stderr(false);
    fe->own_log->set_tag(p.log_tag.empty() ? engine.log.tag() : p.log_tag);
    for (const auto& e : fe->own_log->set_targets(p.logs, engine.log.longest_len()))
      errors.push_back(e);
  }
  const std::string& default_name =
      p.kind == conf::ProxyKind::Listen && p.default_backend.empty() ? p.name : p.default_backend;
  fe->backend = engine.find_backend(default_name);
  if (!fe->backend) {  // a frontend without one (stats page alone, use_backend rules only):
    fe->own_backend = make_backend(config, p, engine);  // what nothing takes gets 503
    fe->backend = fe->own_backend.get();
  }
  const http::FrontendRules* rules = nullptr;
  if (!p.use_backends.empty() || !p.tcp_connection_rules.empty()) {
    auto r = std::make_unique<http::FrontendRules>(engine, p, *fe->backend);
    rules = r.get();
    fe->rules = std::move(r);
  }
  if (p.mode == conf::ProxyMode::Http) {
    std::unique_ptr<core::LocalService> local;
    if (p.stats.enabled || p.prometheus.enabled)
      local = std::make_unique<stats::StatsService>(engine, stats::ProcessInfo::current(), p.stats,
                                                    p.name);
    http::HttpRouting routing;
    routing.rules = rules;
    if (rules)
      for (const core::Backend* b : rules->targets())
        routing.settings.emplace_back(b, http_settings(config, p, config.find_backend(b->name)));
    engine.protocols.push_back(std::make_unique<http::HttpProtocol>(
        http_settings(config, p, config.find_backend(default_name)), engine.nbthread,
        std::move(local), std::move(routing)));
    fe->protocol = engine.protocols.back().get();
  }
  for (const auto& bind : p.binds) {
    const size_t before = fe->listeners.size();
    for (const auto& a : bind.addrs)
      open_listeners(p, bind, a, engine, opts, *fe, errors);
    for (size_t i = before; i < fe->listeners.size(); ++i)
      fe->listeners[i]->accept_proxy = bind.accept_proxy;
  }
  engine.frontends.push_back(std::move(fe));
}

}  // namespace

unsigned resolve_global_maxconn(const conf::Config& config, rlim_t fd_limit) {
  if (config.global.maxconn > 0) return static_cast<unsigned>(config.global.maxconn);
  return maxconn_for_fds(fd_limit);
}

unsigned maxconn_for_fds(rlim_t fd_limit) {
  if (fd_limit == RLIM_INFINITY || fd_limit > 2000000) fd_limit = 2000000;
  const rlim_t usable = fd_limit > kFdReserve * 2 ? fd_limit - kFdReserve : fd_limit / 2;
  // Each session needs 2 fds, and up to maxconn/4 splice pipes take 2 more each: 2.5 per session.
  return static_cast<unsigned>(std::max<rlim_t>(1, usable * 2 / 5));
}

ProcessLimits raise_limits_for(const conf::Config& config) {
  const auto& g = config.global;
  // Each session needs 2 fds, each of the maxconn/4 splice pipes 2, plus listeners and checks.
  const unsigned long need =
      g.maxconn > 0 ? 5ul * static_cast<unsigned long>(g.maxconn) / 2 + 200 : 0;
  const unsigned long wanted = g.ulimit_n > 0 ? static_cast<unsigned long>(g.ulimit_n) : need;
  const FdLimit got = raise_fd_limit(wanted);
  ProcessLimits out;
  out.maxconn = resolve_global_maxconn(config, got.soft);
  const std::string keyword = g.ulimit_n > 0 ? "ulimit-n" : "maxconn";
  if (got.soft < wanted) {
    const std::string cannot = "cannot raise the fd limit (RLIMIT_NOFILE) to " +
                               std::to_string(wanted) + " for '" + keyword + " " +
                               std::to_string(g.ulimit_n > 0 ? g.ulimit_n : g.maxconn) +
                               "': the hard limit is " + std::to_string(got.hard);
    if (g.strict_limits) {
      out.error = cannot +
                  "; raise the hard limit (ulimit -Hn, LimitNOFILE= in a systemd unit), "
                  "lower '" +
                  keyword +
                  "', or add 'no strict-limits' to the global "
                  "section to start anyway";
      return out;
    }
    out.warnings.push_back(cannot);
  }
  if (got.soft < need)
    out.warnings.push_back(
        "the fd limit (" + std::to_string(got.soft) + ") is too low for maxconn " +
        std::to_string(g.maxconn) + ", which needs about " + std::to_string(need) +
        " fds: accepts beyond about " + std::to_string(maxconn_for_fds(got.soft)) +
        " connections will fail (EMFILE); raise 'ulimit-n' (and the hard "
        "limit) to " +
        std::to_string(need) + " or more, or lower 'maxconn'");
  return out;
}

std::vector<std::string> build_runtime(const conf::Config& config, core::Engine& engine,
                                       const BuildOptions& opts) {
  std::vector<std::string> errors;
  for (const auto& p : config.proxies)
    if (p.is_backend()) engine.backends.push_back(make_backend(config, p, engine));
  for (const auto& p : config.proxies)
    if (p.is_frontend()) add_frontend(config, p, engine, opts, errors);
  return errors;
}

}  // namespace ferry::app
