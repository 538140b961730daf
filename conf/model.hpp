// The config model: plain data, each piece carrying the file:line it came from.
// Produced by the HAProxy-format parser and the YAML loader, checked by validation, read by main()
// to build the runtime. Nothing here touches a socket or the event loop.
#pragma once

#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conf/acl.hpp"
#include "conf/http_rule.hpp"
#include "conf/network.hpp"
#include "conf/source_pos.hpp"

namespace ferry::conf {

using Millis = std::chrono::milliseconds;

enum class AddressKind {
  Inet,   // IPv4 or IPv6 host:port
  Unix,   // filesystem path (`/path`, `unix@path`)
  Abns,   // Linux abstract namespace, name zero-padded to the full sun_path (HAProxy's abns@)
  Abnsz,  // Linux abstract namespace, the name alone (HAProxy 3.1's abnsz@; what socat uses)
  Fd,     // `fd@N` / `fd@NAME` (bind only): an inherited listening socket; `path` holds N or NAME
};

struct Address {
  AddressKind kind = AddressKind::Inet;
  int family = 0;    // Inet: AF_INET or AF_INET6; others: AF_UNIX
  std::string host;  // Inet: numeric IP text; empty means the wildcard address
  uint16_t port = 0;
  std::string path;  // Unix: path; Abns/Abnsz: the abstract name (without the leading NUL)
  std::string text;  // as written in the config, for messages and `show stat`
};

enum class Balance { RoundRobin, StaticRr, LeastConn, First, Source, Random, Uri, UrlParam, Hdr };

// What `balance uri|url_param|hdr(name)` hashes, and how (`hash-type`, which applies to
// `balance source` too).
struct HashConf {
  int uri_len = 0;               // `balance uri len N`: the first N characters only; 0: all
  int uri_depth = 0;             // `balance uri depth N`: up to the Nth directory; 0: all
  bool uri_whole = false;        // `balance uri whole`: the query string too
  std::string name;              // url_param's parameter, hdr's field name
  bool use_domain_only = false;  // `balance hdr(name) use_domain_only`
  enum class Function { Sdbm, Djb2, Crc32 } function = Function::Sdbm;
  bool consistent = false;  // `hash-type consistent`; map-based otherwise
  bool avalanche = false;   // `hash-type ... avalanche`
};
enum class Observe { None, Layer4 };
enum class OnError { FastInter, FailCheck, SuddenDeath, MarkDown };
enum class Level { User, Operator, Admin };
enum class ProxyKind { Defaults, Frontend, Backend, Listen };
// `load-server-state-from-file`: none, the global `server-state-file`, or the backend's own file.
enum class LoadServerState { None, Global, Local };

// The config keyword for each value: `roundrobin`, `fail-check`, `admin`, ...
std::string_view to_string(Balance b);
std::string_view to_string(OnError e);
std::string_view to_string(Level l);

// Ownership and permissions applied to a UNIX socket file after bind.
struct UnixPerms {
  std::optional<mode_t> mode;
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  std::string user;   // resolved into uid by validation
  std::string group;  // resolved into gid by validation
};

// TLS on a TCP `stats socket`: `ssl crt <pem> [ca-file <pem>] [verify none|optional|required]
// [ciphers <list>] [ssl-min-ver TLSv1.2|TLSv1.3]`.
enum class Verify { None, Optional, Required };
struct TlsConf {
  bool enabled = false;                 // `ssl`
  std::string crt;                      // certificate then key, one PEM file
  std::string ca_file;                  // CAs that sign client certificates
  Verify verify = Verify::None;         // HAProxy's default: no client certificate asked
  std::string ciphers;                  // TLS 1.2 cipher list (OpenSSL syntax); empty: default
  std::string min_version = "TLSv1.2";  // `ssl-min-ver`
};

// Who may use a `stats socket` and at which level, tried in order, the first match deciding:
// `grant <level> <who> <value>` and `deny <who> <value>`, <who> one of `src` (a TCP client's
// address in a network), `cn` (a TLS client certificate's subject CN, shell wildcards), `uid` /
// `user`, `gid` / `group` (a UNIX client's peer credentials; a group matches its primary or
// supplementary groups). A client no rule matches gets the line's `level`.
struct ClientRule {
  enum class Who { Src, Cn, Uid, Gid };
  Who who = Who::Src;
  bool deny = false;
  Level level = Level::User;      // grant
  std::string text;               // as written: "10.0.0.0/8", "ops-*", "root", "ferryadm"
  std::array<uint8_t, 16> net{};  // Src: the network, IPv4 as v4-mapped IPv6
  int prefix = 0;                 // Src: its length in bits of `net` (IPv4: 96 + /n)
  uint32_t id = 0;                // Uid, Gid
};

struct BindConf {
  SourcePos pos;
  std::vector<Address> addrs;  // a comma list yields several
  std::string name;
  int backlog = 0;  // 0 = the frontend's maxconn, as HAProxy
  int maxconn = 0;
  UnixPerms perms;
  Level level = Level::Operator;     // `stats socket` only
  bool expose_fd_listeners = false;  // `stats socket` only: `-x` may take the listeners over
  bool accept_proxy = false;         // clients send a PROXY protocol header first
  TlsConf tls;                       // `stats socket` only
  std::vector<ClientRule> clients;   // `stats socket` only: `grant` and `deny`, in order
  bool audit = true;                 // `stats socket` only: `no-audit` turns the audit lines off
};

// `send-proxy`, `send-proxy-v2`, `proxy-v2-options`, `check-send-proxy` of a server.
struct ProxyProtocolConf {
  int version = 0;  // 0: none, 1: send-proxy, 2: send-proxy-v2
  bool crc32c = false;
  bool peer_creds = false;  // ferry's TLV with the client's pid/uid/gid
  bool unique_id = false;   // the request's unique-id-format id (mode http)
  bool check = false;       // check-send-proxy
};

struct ServerConf {
  SourcePos pos;
  std::string name;
  Address addr;
  int weight = 1;  // 0..256
  int maxconn = 0;
  int maxqueue = 0;
  bool backup = false;
  bool disabled = false;
  int id = 0;  // 0 in the source = position in the backend, assigned by validation
  // Health checking, served by healthcheck/.
  bool check = false;
  Millis inter{2000};
  std::optional<Millis> fastinter;
  std::optional<Millis> downinter;
  int rise = 2;
  int fall = 3;
  bool on_marked_down_shutdown_sessions = false;
  bool on_marked_up_shutdown_backup_sessions = false;
  int error_limit = 10;
  Observe observe = Observe::None;
  OnError on_error = OnError::FailCheck;
  std::optional<Millis> slowstart;
  ProxyProtocolConf proxy_protocol;
  // Idle connections of `mode http` (HAProxy's server options of the same names).
  int pool_max_conn = -1;         // idle connections kept, -1: no limit, 0: none
  Millis pool_purge_delay{5000};  // half of those idle a whole delay close each delay; 0: none
  int max_reuse = -1;             // times a connection is used again, -1: no limit
  bool proto_fcgi = false;  // `proto fcgi`: the server speaks FastCGI (its backend's fcgi-app)
  std::string cookie;       // `cookie VALUE`: the persistence cookie's value for it
};

struct Timeouts {
  std::optional<Millis> connect, client, server, queue, check, tunnel;
  std::optional<Millis> http_request, http_keep_alive;
};

enum class ProxyMode { Tcp, Http };

// How `mode http` treats connections after an exchange (option http-keep-alive, the default;
// option http-server-close; option httpclose). Ordered: the stronger of a frontend's and its
// backend's applies.
enum class HttpConnMode { KeepAlive, ServerClose, Close };

// http-reuse: which requests may go over an idle connection another client's request left.
enum class HttpReuse { Never, Safe, Aggressive, Always };

// retry-on: the failures after which a `mode http` request is sent again (within `retries`).
struct RetryOn {
  static constexpr unsigned kConnFailure = 1u << 0;
  static constexpr unsigned kEmptyResponse = 1u << 1;
  static constexpr unsigned kJunkResponse = 1u << 2;
  static constexpr unsigned kResponseTimeout = 1u << 3;
  static constexpr unsigned k0rttRejected = 1u << 4;  // early data: ferry never sends any
  unsigned kinds = kConnFailure;                      // HAProxy's default
  std::vector<int> statuses;                          // response codes among HAProxy's list

  bool has(unsigned kind) const { return (kinds & kind) != 0; }
  bool has_status(int status) const {
    for (int s : statuses)
      if (s == status) return true;
    return false;
  }
};

// option forwardfor [except NET] [header NAME] [if-none]
struct ForwardFor {
  bool enabled = false;
  std::string header = "X-Forwarded-For";
  bool if_none = false;
  std::optional<Network> except;  // clients in this network get no header
};

struct LogTarget {
  SourcePos pos;
  std::string target;     // `stdout`, `stderr`, `/dev/log`, `127.0.0.1:514`, `file@/path`, ...
  std::string facility;   // `local0`, ...
  std::string level;      // optional max level
  std::string min_level;  // optional min level (after the max level)
  std::string format;     // one of conf::kLogFormats; empty = the default (`local`)
  int length = 0;         // `len N` (80..65535); 0 = the default (1024)
};

// A L7 health-check probe (`option tcp-check`, `option httpchk`, `option redis-check`).
struct TcpCheckStep {
  SourcePos pos;
  enum class Kind { Connect, Send, SendBinary, ExpectString, ExpectRstring, ExpectBinary } kind;
  std::string arg;  // the text, regex or hex; for Send the escapes are already decoded
  bool negate = false;
};
struct HealthProbeConf {
  enum class Kind { Connect, TcpCheck, HttpCheck, RedisCheck } kind = Kind::Connect;
  std::vector<TcpCheckStep> tcp_steps;
  std::string http_method = "OPTIONS";
  std::string http_uri = "/";
  std::string http_version = "HTTP/1.0";
  // `http-check send hdr <name> <value>` (sent after the request line).
  std::vector<std::pair<std::string, std::string>> http_headers;
  // `http-check expect [!] status|rstatus|string <arg>`; empty kind = any 2xx/3xx.
  std::string http_expect_kind;
  std::string http_expect_arg;
  bool http_expect_negate = false;  // the `!`
};

// `errorfile <code> <file>`, read and parsed at load (conf/errorfile.hpp). An empty file (HAProxy:
// close without a reply) has an empty `version`.
struct ErrorFile {
  SourcePos pos;
  int status = 0;           // the code it replaces
  std::string path;         // as written
  std::string version;      // "HTTP/1.0" or "HTTP/1.1"
  std::string status_text;  // what follows the version on the status line: "503 Service ..."
  std::vector<std::pair<std::string, std::string>> headers;  // as written, Connection dropped
  std::string body;
};

// The HTTP statistics page of a `mode http` frontend or listen (`stats enable`, `stats uri`...),
// served by ferry itself on the requests whose URI starts with `uri`.
struct StatsPageConf {
  SourcePos pos;  // the first `stats` line
  bool enabled = false;
  std::string uri = "/haproxy?stats";
  std::string realm = "HAProxy Statistics";
  std::vector<std::string> auth;  // "user:password", any of them may see the page
  std::optional<Millis> refresh;  // the page reloads itself that often
  bool hide_version = false;
  bool show_legends = false;
  std::optional<std::string> show_node;  // empty: the host name
  bool admin = false;  // `stats admin`: server actions from the page, for clients of admin_if
  Condition admin_if;
};

// `http-request use-service prometheus-exporter`: the frontend answers with its metrics.
struct PrometheusServiceConf {
  SourcePos pos;
  bool enabled = false;
  Condition when;  // `if|unless ...`; empty: every request of the frontend
};

// `use_backend NAME [if|unless COND]`: the first rule whose condition holds picks the backend
// (per request in mode http, per connection in mode tcp); `default_backend` otherwise.
struct UseBackendRule {
  SourcePos pos;
  std::string backend;
  Condition cond;  // empty: always
};

// `tcp-request connection accept|reject [if|unless COND]`: at accept, before anything is read
// (before a PROXY header too), the first rule whose condition holds accepts or closes the
// connection; none: accepted.
struct TcpConnectionRule {
  SourcePos pos;
  bool accept = true;
  Condition cond;  // empty: always
};

// `cookie NAME insert|rewrite|prefix [options]`: cookie-based persistence (mode http).
struct CookieConf {
  SourcePos pos;
  std::string name;
  enum class Mode { Insert, Rewrite, Prefix } mode = Mode::Insert;
  bool indirect = false;  // the client's cookie is not passed on (insert), no refresh when valid
  bool nocache = false;   // a cacheable response that gets a cookie is made private
  bool postonly = false;  // cookies are inserted in answers to POST requests only
  bool preserve = false;  // a cookie the server sets itself is left alone
  bool httponly = false;
  bool secure = false;
  std::vector<std::string> domains;  // `domain D`, each added as "; domain=D"
  Millis maxidle{0};                 // 0: no idle limit (no date in the cookie)
  Millis maxlife{0};                 // 0: no lifetime limit
};

struct ProxyConf {
  SourcePos pos;
  ProxyKind kind = ProxyKind::Listen;
  std::string name;
  int id = 0;  // iid as HAProxy numbers it; assigned by validation unless `id N`
  std::vector<BindConf> binds;
  std::string default_backend;
  SourcePos default_backend_pos;
  Balance balance = Balance::RoundRobin;
  HashConf hash;
  ProxyMode mode = ProxyMode::Tcp;
  HttpConnMode http_conn_mode = HttpConnMode::KeepAlive;
  HttpReuse http_reuse = HttpReuse::Safe;
  RetryOn retry_on;
  bool prefer_last_server = false;
  std::optional<CookieConf> cookie;
  std::vector<LogFormatPiece> unique_id_format;  // empty: no request id
  std::string unique_id_header;                  // the field the id is sent in; empty: none
  ForwardFor forwardfor;
  std::vector<ErrorFile> errorfiles;  // one per status, a proxy's own replacing the defaults'
  std::vector<ServerConf> servers;
  Timeouts timeouts;
  int maxconn = 0;
  int fullconn = 0;
  int retries = 3;
  bool redispatch = false;
  bool allbackups = false;
  bool tcplog = false;
  bool httplog = false;  // `option httplog`; in mode tcp it means tcplog (validation warns)
  bool dontlognull = false;
  bool log_global = false;
  std::vector<LogTarget> logs;  // `log <target> <facility>` lines of this proxy
  std::string log_tag;          // `log-tag`; empty = the global one
  HealthProbeConf probe;
  std::vector<Acl> acls;  // `acl` lines (frontend, backend, listen), one entry per name
  std::vector<UseBackendRule> use_backends;             // in order
  std::vector<TcpConnectionRule> tcp_connection_rules;  // in order
  std::vector<HttpRule> http_request_rules;             // `http-request` lines, in order
  std::vector<HttpRule> http_response_rules;            // `http-response` lines, in order
  LoadServerState load_server_state = LoadServerState::None;
  std::string server_state_file_name;  // `server-state-file-name`; empty = the backend's name
  StatsPageConf stats;
  PrometheusServiceConf prometheus;
  std::string use_fcgi_app;  // `use-fcgi-app`: the fcgi-app its FastCGI servers serve
  SourcePos use_fcgi_app_pos;

  bool is_frontend() const { return kind == ProxyKind::Frontend || kind == ProxyKind::Listen; }
  bool is_backend() const { return kind == ProxyKind::Backend || kind == ProxyKind::Listen; }
};

struct GlobalConf {
  int maxconn = 0;  // 0 = derived from the fd limit at start-up
  bool daemon = false;
  std::string pidfile;
  int nbthread = 1;
  std::vector<LogTarget> logs;
  std::string log_tag;  // `log-tag`; empty = "ferry"
  std::vector<BindConf> stats_sockets;
  Millis stats_timeout{10000};
  std::string user;
  std::string group;
  std::optional<uid_t> uid;  // `uid N`, or `user` resolved by validation
  std::optional<gid_t> gid;  // `gid N`, or `group` resolved by validation
  SourcePos identity_pos;    // the last of user/group/uid/gid, for messages
  std::string chroot;        // `chroot DIR`: entered after every socket is bound
  SourcePos chroot_pos;
  std::string server_state_file;  // `server-state-file`: loaded at start-up
  std::string server_state_base;  // `server-state-base`: directory of relative state files
  int ulimit_n = 0;
  bool strict_limits = true;    // `no strict-limits`: start even when the fd limit cannot be had
  Millis hard_stop_after{0};    // 0: a soft-stopping process waits for its last session
  bool master_worker = false;   // `master-worker`: as -W
  bool exit_on_failure = true;  // `master-worker no-exit-on-failure` clears it
  // tune.bufsize, tune.maxrewrite, tune.http.maxhdr: an HTTP head must fit in bufsize less
  // maxrewrite bytes and have at most maxhdr fields.
  int tune_bufsize = 16384;
  int tune_maxrewrite = 1024;
  int tune_http_maxhdr = 101;
};

// An `fcgi-app` section: how a request becomes the CGI parameters of a FastCGI request.
struct FcgiAppConf {
  SourcePos pos;
  std::string name;
  std::string docroot;    // DOCUMENT_ROOT, the start of SCRIPT_FILENAME
  std::string index;      // appended to a path ending in '/'
  std::string path_info;  // a regex whose two groups split the path into SCRIPT_NAME, PATH_INFO
  SourcePos path_info_pos;
  struct Param {
    SourcePos pos;
    std::string name;   // as written; sent upper-cased, '-' as '_'
    std::string value;  // literal text
  };
  std::vector<Param> set_params;          // `set-param`, in order (a later one wins)
  std::vector<std::string> pass_headers;  // `pass-header`: sent though HAProxy filters them
  bool keep_conn = false;                 // `option keep-conn`
  bool mpxs_conns = false;                // `option mpxs-conns` (accepted, not honoured)
  bool get_values = false;                // `option get-values`
  int max_reqs = 1;                       // `option max-reqs`
  bool log_stderr = false;                // `log-stderr global`
};

struct Config {
  GlobalConf global;
  std::vector<FcgiAppConf> fcgi_apps;  // in declaration order
  // Frontends, backends and listens in declaration order. `defaults` sections are not listed:
  // their settings are already copied into the proxies that follow them.
  std::vector<ProxyConf> proxies;
  // The first proxy of that name (a frontend and a backend may share one), or nullptr.
  const ProxyConf* find_proxy(const std::string& name) const;
  // The backend or listen of that name (what `default_backend` names), or nullptr.
  const ProxyConf* find_backend(const std::string& name) const;
  const FcgiAppConf* find_fcgi_app(const std::string& name) const;
  // The largest `len` of every `log` line (1024 for one without), 0 with none.
  size_t longest_log_length() const;
};

struct Diagnostic {
  enum class Severity { Warning, Error };
  Severity severity = Severity::Error;
  SourcePos pos;
  std::string message;
  // "file:line: error: message", "file:line:col: warning: message" (column when known, i.e.
  // YAML), "file: error: message" for a whole file, "error: message" with no file.
  std::string to_string() const;
};

struct LoadResult {
  Config config;
  std::vector<Diagnostic> diagnostics;  // warnings and errors, in source order per file
  bool ok() const;                      // no error among the diagnostics
};

// Loads every path in order (a directory loads its *.cfg, *.yaml and *.yml files sorted by name;
// `.yaml`/`.yml` go through the YAML loader), then validates the merged model. Never throws.
// `defaults` sections carry over from one file to the next, as in HAProxy.
LoadResult load_files(const std::vector<std::string>& paths);

// As load_files for one in-memory file named `virtual_name` (its extension picks the format);
// for tests and tools. Never throws.
LoadResult load_string(const std::string& virtual_name, const std::string& text);

}  // namespace ferry::conf
