#include "conf/validate.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <map>

#include "conf/did_you_mean.hpp"
#include "conf/errorfile.hpp"

namespace ferry::conf {

namespace {

void error(std::vector<Diagnostic>& diags, const SourcePos& pos, std::string message) {
  diags.push_back({Diagnostic::Severity::Error, pos, std::move(message)});
}

void warning(std::vector<Diagnostic>& diags, const SourcePos& pos, std::string message) {
  diags.push_back({Diagnostic::Severity::Warning, pos, std::move(message)});
}

// Two proxies clash when they share a name and a side (frontend or backend), as in HAProxy: a
// frontend and a backend may share a name, a listen shares it with neither.
void check_duplicate_proxies(const Config& config, std::vector<Diagnostic>& diags) {
  for (size_t i = 0; i < config.proxies.size(); ++i) {
    const ProxyConf& p = config.proxies[i];
    for (size_t j = 0; j < i; ++j) {
      const ProxyConf& q = config.proxies[j];
      if (p.name != q.name) continue;
      if (!(p.is_frontend() && q.is_frontend()) && !(p.is_backend() && q.is_backend())) continue;
      error(diags, p.pos,
            describe_proxy(p) + " has the same name as " + describe_proxy(q) + " declared at " +
                to_string(q.pos) + "; rename one of them");
      break;
    }
  }
}

std::vector<std::string_view> backend_names(const Config& config) {
  std::vector<std::string_view> out;
  for (const auto& p : config.proxies)
    if (p.is_backend()) out.push_back(p.name);
  return out;
}

// `keyword` (default_backend, use_backend) of `p` names `name` at `pos`: it must be a backend or
// listen of the same mode (HAProxy refuses an HTTP frontend with a TCP backend; it would upgrade
// a TCP frontend's connections to an HTTP backend, ferry does not).
void check_backend_ref(const Config& config, const ProxyConf& p, const std::string& keyword,
                       const std::string& name, const SourcePos& pos,
                       std::vector<Diagnostic>& diags) {
  const ProxyConf* be = config.find_backend(name);
  if (!be) {
    const std::string why = config.find_proxy(name)
                                ? "'" + name + "' is a frontend, not a backend"
                                : "there is no backend or listen section named '" + name + "'";
    return error(diags, pos,
                 describe_proxy(p) + ": " + keyword + ": " + why +
                     did_you_mean(name, backend_names(config)));
  }
  if (be == &p || be->mode == p.mode) return;
  const bool http_fe = p.mode == ProxyMode::Http;
  error(diags, pos,
        describe_proxy(p) + " (mode " + (http_fe ? "http" : "tcp") + ") uses " +
            describe_proxy(*be) + " (mode " + (http_fe ? "tcp" : "http") + ", " +
            to_string(be->pos) + ") as its " + keyword + "; give both the same 'mode'");
}

void check_backend_refs(const Config& config, const ProxyConf& p, std::vector<Diagnostic>& diags) {
  if (!p.default_backend.empty())
    check_backend_ref(config, p, "default_backend", p.default_backend, p.default_backend_pos,
                      diags);
  for (const UseBackendRule& r : p.use_backends) {
    check_backend_ref(config, p, "use_backend", r.backend, r.pos, diags);
    const AclTerm* t = r.cond.first_request_term();
    if (t && p.mode != ProxyMode::Http)
      error(diags, r.pos,
            describe_proxy(p) + ": use_backend: the condition reads the HTTP request ('" + t->text +
                "', " + to_string(t->pos) +
                ") but the frontend is in mode tcp, which has none; use 'src', 'dst', their "
                "ports, 'nbsrv' or 'mode http'");
  }
}

// HAProxy warns about `option forwardfor` outside HTTP mode; so do we, and about the
// connection-mode options too.
void check_http_only(const ProxyConf& p, std::vector<Diagnostic>& diags) {
  for (const ErrorFile& e : p.errorfiles) {
    const std::string what = "'errorfile " + std::to_string(e.status) + "' of " + describe_proxy(p);
    if (p.mode != ProxyMode::Http)
      warning(diags, e.pos, what + " ignored as it requires HTTP mode");
    else if (std::find(std::begin(kErrorfileApplied), std::end(kErrorfileApplied), e.status) ==
             std::end(kErrorfileApplied))
      warning(diags, e.pos,
              what + " is never sent: ferry replaces only its own 502, 503 and 504 answers " +
                  "(its 400 and 408 answer requests it could not read, where HAProxy 2.6 sends " +
                  "its built-in reply too); remove it");
  }
  if (p.mode == ProxyMode::Http) return;
  if (p.stats.enabled && p.is_frontend())
    error(diags, p.stats.pos,
          "the stats page of " + describe_proxy(p) + " needs 'mode http'; add it to the section");
  if (p.prometheus.enabled)
    error(diags, p.prometheus.pos,
          "'http-request use-service prometheus-exporter' in " + describe_proxy(p) +
              " needs 'mode http'; add it to the section");
  if (p.httplog && p.is_frontend())
    warning(diags, p.pos,
            "'option httplog' not usable with " + describe_proxy(p) +
                " (needs 'mode http'); falling back to 'option tcplog'");
  if (p.forwardfor.enabled)
    warning(diags, p.pos,
            "'option forwardfor' ignored for " + describe_proxy(p) + " as it requires HTTP mode");
  if (!p.http_request_rules.empty())
    warning(diags, p.http_request_rules.front().pos,
            "'http-request' rules ignored for " + describe_proxy(p) + " as they require HTTP mode");
  if (!p.http_response_rules.empty())
    warning(
        diags, p.http_response_rules.front().pos,
        "'http-response' rules ignored for " + describe_proxy(p) + " as they require HTTP mode");
  if (!p.unique_id_format.empty() && p.is_frontend())
    warning(diags, p.pos,
            "'unique-id-format' ignored for " + describe_proxy(p) +
                ": ferry builds request ids in 'mode http' only");
  const bool l7_hash =
      p.balance == Balance::Uri || p.balance == Balance::UrlParam || p.balance == Balance::Hdr;
  if (l7_hash && p.is_backend())
    warning(diags, p.pos,
            "Layer 7 hash not possible for " + describe_proxy(p) +
                " (needs 'mode http'). Falling back to round robin.");
  if (p.cookie && p.is_backend()) {
    warning(diags, p.cookie->pos,
            "cookie will be ignored for " + describe_proxy(p) + " (needs 'mode http').");
    for (const ServerConf& s : p.servers)
      if (!s.cookie.empty())
        warning(diags, s.pos,
                describe_proxy(p) + ": ignoring cookie for server '" + s.name +
                    "' as HTTP mode is disabled.");
  }
  if (p.http_conn_mode != HttpConnMode::KeepAlive)
    warning(diags, p.pos,
            "'option http-server-close' and 'option httpclose' ignored for " + describe_proxy(p) +
                " as they require HTTP mode");
}

void check_frontend(const Config& config, const ProxyConf& p, std::vector<Diagnostic>& diags) {
  check_backend_refs(config, p, diags);
  if (p.kind != ProxyKind::Frontend) return;
  if (p.binds.empty())
    error(diags, p.pos,
          describe_proxy(p) + " has no 'bind' line; add one, e.g. 'bind :8080' " +
              "or 'bind /run/" + p.name + ".sock'");
  if (p.default_backend.empty() && p.use_backends.empty() && !p.stats.enabled &&
      !p.prometheus.enabled)
    error(diags, p.pos,
          describe_proxy(p) + " has no 'default_backend' and no 'use_backend'; add " +
              "'default_backend <backend>'");
}

void check_servers(const ProxyConf& p, std::vector<Diagnostic>& diags) {
  if (p.servers.empty() && !(p.kind == ProxyKind::Listen && !p.default_backend.empty()))
    warning(diags, p.pos, describe_proxy(p) + " has no server; connections sent to it will fail");
  std::map<std::string, const ServerConf*> seen;
  for (const auto& s : p.servers) {
    const auto [it, inserted] = seen.emplace(s.name, &s);
    if (!inserted)
      error(diags, s.pos,
            "server '" + p.name + "/" + s.name + "' has the same name as the " +
                "server declared at " + to_string(it->second->pos) +
                "; server names must be unique within a backend");
  }
}

// fcgi-app sections need a docroot (HAProxy 2.6 refuses them without).
void check_fcgi_apps(const Config& config, std::vector<Diagnostic>& diags) {
  for (const FcgiAppConf& a : config.fcgi_apps)
    if (a.docroot.empty())
      error(diags, a.pos,
            "fcgi-app '" + a.name + "' has no 'docroot'; add the directory of the scripts as " +
                "the application sees it, e.g. 'docroot /var/www/app'");
}

// A backend's FastCGI servers need its fcgi-app, and FastCGI needs mode http.
void check_fcgi_backend(const Config& config, const ProxyConf& p, std::vector<Diagnostic>& diags) {
  if (!p.use_fcgi_app.empty()) {
    if (!config.find_fcgi_app(p.use_fcgi_app)) {
      std::vector<std::string_view> names;
      for (const FcgiAppConf& a : config.fcgi_apps)
        names.push_back(a.name);
      error(diags, p.use_fcgi_app_pos,
            describe_proxy(p) + ": fcgi-app '" + p.use_fcgi_app + "' not found" +
                did_you_mean(p.use_fcgi_app, names));
    }
    if (p.mode != ProxyMode::Http)
      error(diags, p.use_fcgi_app_pos,
            describe_proxy(p) + ": 'use-fcgi-app' needs 'mode http' (FastCGI carries HTTP " +
                "requests); add 'mode http'");
  }
  for (const ServerConf& s : p.servers)
    if (s.proto_fcgi && p.use_fcgi_app.empty())
      error(diags, s.pos,
            "server '" + p.name + "/" + s.name + "' uses 'proto fcgi' but " + describe_proxy(p) +
                " has no 'use-fcgi-app'; add one naming an fcgi-app section");
}

// HAProxy warns when these are unset: connections could then stay open forever.
void check_timeouts(const ProxyConf& p, std::vector<Diagnostic>& diags) {
  std::string missing;
  auto need = [&](bool applies, const std::optional<Millis>& t, const char* name) {
    if (!applies || t) return;
    missing += std::string(missing.empty() ? "" : ", ") + "'timeout " + name + "'";
  };
  need(p.is_frontend(), p.timeouts.client, "client");
  need(p.is_backend(), p.timeouts.connect, "connect");
  need(p.is_backend(), p.timeouts.server, "server");
  if (!missing.empty())
    warning(diags, p.pos,
            "missing timeouts for " + describe_proxy(p) + ": set " + missing +
                " (here or in defaults), or stalled connections stay open forever");
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// After `chroot DIR` ferry connects to a UNIX server's path inside DIR. A path that only exists
// outside, or that spells DIR itself, will not be found there.
void check_chroot_paths(const Config& config, std::vector<Diagnostic>& diags) {
  const std::string& root = config.global.chroot;
  if (root.empty()) return;
  const std::string dir = root.back() == '/' ? root.substr(0, root.size() - 1) : root;
  const std::string chroot_at = "after 'chroot " + root + "' (" +
                                to_string(config.global.chroot_pos) + ") ferry connects to '";
  for (const auto& p : config.proxies)
    for (const auto& s : p.servers) {
      if (s.addr.kind != AddressKind::Unix || !s.addr.path.starts_with('/')) continue;
      const std::string inside = dir + s.addr.path;
      const std::string who = "server '" + p.name + "/" + s.name + "': ";
      if (s.addr.path.starts_with(dir + "/"))
        warning(diags, s.pos,
                who + "its path '" + s.addr.path + "' includes the chroot directory; " + chroot_at +
                    inside + "'; write the path as seen inside the chroot ('" +
                    s.addr.path.substr(dir.size()) + "')");
      else if (!exists(inside) && exists(s.addr.path))
        warning(diags, s.pos,
                who + "'" + s.addr.path + "' is outside the chroot: " + chroot_at + inside +
                    "', which does not exist; put the socket (or a bind mount) inside '" + root +
                    "'");
    }
}

void derive_values(Config& config) {
  for (auto& p : config.proxies)
    if (!p.timeouts.queue) p.timeouts.queue = p.timeouts.connect;
}

}  // namespace

std::string describe_proxy(const ProxyConf& proxy) {
  switch (proxy.kind) {
    case ProxyKind::Frontend:
      return "frontend '" + proxy.name + "'";
    case ProxyKind::Backend:
      return "backend '" + proxy.name + "'";
    case ProxyKind::Listen:
      return "listen '" + proxy.name + "'";
    default:
      return "defaults '" + proxy.name + "'";
  }
}

std::string describe_bind(const BindConf& bind, const ProxyConf* owner) {
  std::string text;
  for (const auto& a : bind.addrs)
    text += (text.empty() ? "" : ",") + a.text;
  if (!owner) return "stats socket '" + text + "'";
  return "bind '" + text + "' in " + describe_proxy(*owner);
}

void validate(Config& config, std::vector<Diagnostic>& diags) {
  check_duplicate_proxies(config, diags);
  for (const auto& p : config.proxies) {
    if (p.is_frontend()) check_frontend(config, p, diags);
    if (p.is_backend()) check_servers(p, diags);
    if (p.is_backend()) check_fcgi_backend(config, p, diags);
    check_timeouts(p, diags);
    check_http_only(p, diags);
  }
  check_fcgi_apps(config, diags);
  check_chroot_paths(config, diags);
  assign_ids(config, diags);
  resolve_owners(config, diags);
  derive_values(config);
}

}  // namespace ferry::conf
