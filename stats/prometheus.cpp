#include "stats/prometheus.hpp"

#include <array>
#include <atomic>
#include <cassert>
#include <charconv>
#include <cstdio>

#include "healthcheck/status_text.hpp"

namespace ferry::stats {

namespace {

// ---- the names: which field each metric shows, for which objects --------------------------

constexpr unsigned F = 1, B = 2, S = 4;

enum class Shape : uint8_t {
  Plain,        // one sample per object
  Seconds,      // a millisecond field shown in seconds
  HttpCodes,    // hrsp_1xx..hrsp_other as one metric with a `code` label
  Status,       // one sample per `state`, 1 for the object's state
  CheckStatus,  // one sample per check result code, for servers whose checks run
  CheckValue,   // a check column, for servers whose checks run (0 when the column is empty)
  AggStatus,    // backend: servers counted per state
  AggCheck,     // backend: servers counted per check result code
};

struct StatMetric {
  std::string_view field;  // the `show stat` field it shows
  std::string_view name;   // after haproxy_<frontend|backend|server>_
  unsigned kinds;
  Shape shape = Shape::Plain;
  bool http_only = false;  // left out for a proxy in mode tcp
};

// HAProxy 2.6's exporter, in its order (the field order).
constexpr StatMetric kStatMetrics[] = {
    {"qcur", "current_queue", B | S},
    {"qmax", "max_queue", B | S},
    {"scur", "current_sessions", F | B | S},
    {"smax", "max_sessions", F | B | S},
    {"slim", "limit_sessions", F | B | S},
    {"stot", "sessions_total", F | B | S},
    {"bin", "bytes_in_total", F | B | S},
    {"bout", "bytes_out_total", F | B | S},
    {"dreq", "requests_denied_total", F | B},
    {"dresp", "responses_denied_total", F | B | S},
    {"ereq", "request_errors_total", F},
    {"econ", "connection_errors_total", B | S},
    {"eresp", "response_errors_total", B | S},
    {"wretr", "retry_warnings_total", B | S},
    {"wredis", "redispatch_warnings_total", B | S},
    {"status", "status", F | B | S, Shape::Status},
    {"weight", "weight", B | S},
    {"act", "active_servers", B},
    {"bck", "backup_servers", B},
    {"chkfail", "check_failures_total", S},
    {"chkdown", "check_up_down_total", B | S},
    {"lastchg", "check_last_change_seconds", B | S},
    {"downtime", "downtime_seconds_total", B | S},
    {"qlimit", "queue_limit", S},
    {"throttle", "current_throttle", S},
    {"lbtot", "loadbalanced_total", B | S},
    {"rate_lim", "limit_session_rate", F},
    {"rate_max", "max_session_rate", F | B | S},
    {"check_status", "check_status", S, Shape::CheckStatus},
    {"check_code", "check_code", S, Shape::CheckValue},
    {"check_duration", "check_duration_seconds", S, Shape::CheckValue},
    {"hrsp_1xx", "http_responses_total", F | B | S, Shape::HttpCodes, true},
    {"req_rate_max", "http_requests_rate_max", F, Shape::Plain, true},
    {"req_tot", "http_requests_total", F | B, Shape::Plain, true},
    {"cli_abrt", "client_aborts_total", B | S},
    {"srv_abrt", "server_aborts_total", B | S},
    {"comp_in", "http_comp_bytes_in_total", F | B, Shape::Plain, true},
    {"comp_out", "http_comp_bytes_out_total", F | B, Shape::Plain, true},
    {"comp_byp", "http_comp_bytes_bypassed_total", F | B, Shape::Plain, true},
    {"comp_rsp", "http_comp_responses_total", F | B, Shape::Plain, true},
    {"lastsess", "last_session_seconds", B | S},
    {"qtime", "queue_time_average_seconds", B | S, Shape::Seconds},
    {"ctime", "connect_time_average_seconds", B | S, Shape::Seconds},
    {"rtime", "response_time_average_seconds", B | S, Shape::Seconds},
    {"ttime", "total_time_average_seconds", B | S, Shape::Seconds},
    {"conn_rate_max", "connections_rate_max", F},
    {"conn_tot", "connections_total", F},
    {"intercepted", "intercepted_requests_total", F, Shape::Plain, true},
    {"dcon", "denied_connections_total", F},
    {"dses", "denied_sessions_total", F},
    {"wrew", "failed_header_rewriting_total", F | B | S},
    {"connect", "connection_attempts_total", B | S},
    {"reuse", "connection_reuses_total", B | S},
    {"cache_lookups", "http_cache_lookups_total", F | B, Shape::Plain, true},
    {"cache_hits", "http_cache_hits_total", F | B, Shape::Plain, true},
    {"srv_icur", "idle_connections_current", S},
    {"src_ilim", "idle_connections_limit", S},
    {"qtime_max", "max_queue_time_seconds", B | S, Shape::Seconds},
    {"ctime_max", "max_connect_time_seconds", B | S, Shape::Seconds},
    {"rtime_max", "max_response_time_seconds", B | S, Shape::Seconds},
    {"ttime_max", "max_total_time_seconds", B | S, Shape::Seconds},
    {"eint", "internal_errors_total", F | B | S},
    {"idle_conn_cur", "unsafe_idle_connections_current", S},
    {"safe_conn_cur", "safe_idle_connections_current", S},
    {"used_conn_cur", "used_connections_current", S},
    {"need_conn_est", "need_connections_current", S},
    {"uweight", "uweight", B | S},
    {"agg_server_status", "agg_server_status", B, Shape::AggStatus},
    {"agg_server_check_status", "agg_server_check_status", B, Shape::AggStatus},
    {"agg_check_status", "agg_check_status", B, Shape::AggCheck},
};

struct InfoMetric {
  std::string_view key;   // the `show info` key
  std::string_view name;  // after haproxy_process_
  bool counter = false;
};

constexpr InfoMetric kInfoMetrics[] = {
    {"Nbthread", "nbthread"},
    {"Nbproc", "nbproc"},
    {"Process_num", "relative_process_id"},
    {"Uptime_sec", "uptime_seconds"},
    {"PoolFailed", "pool_failures_total", true},
    {"Ulimit-n", "max_fds"},
    {"Maxsock", "max_sockets"},
    {"Maxconn", "max_connections"},
    {"Hard_maxconn", "hard_max_connections"},
    {"CurrConns", "current_connections"},
    {"CumConns", "connections_total", true},
    {"CumReq", "requests_total", true},
    {"MaxSslConns", "max_ssl_connections"},
    {"CurrSslConns", "current_ssl_connections"},
    {"CumSslConns", "ssl_connections_total", true},
    {"Maxpipes", "max_pipes"},
    {"PipesUsed", "pipes_used_total", true},
    {"PipesFree", "pipes_free_total", true},
    {"ConnRate", "current_connection_rate"},
    {"ConnRateLimit", "limit_connection_rate"},
    {"MaxConnRate", "max_connection_rate"},
    {"SessRate", "current_session_rate"},
    {"SessRateLimit", "limit_session_rate"},
    {"MaxSessRate", "max_session_rate"},
    {"SslRate", "current_ssl_rate"},
    {"SslRateLimit", "limit_ssl_rate"},
    {"MaxSslRate", "max_ssl_rate"},
    {"SslFrontendKeyRate", "current_frontend_ssl_key_rate"},
    {"SslFrontendMaxKeyRate", "max_frontend_ssl_key_rate"},
    {"SslFrontendSessionReuse_pct", "frontend_ssl_reuse"},
    {"SslBackendKeyRate", "current_backend_ssl_key_rate"},
    {"SslBackendMaxKeyRate", "max_backend_ssl_key_rate"},
    {"SslCacheLookups", "ssl_cache_lookups_total", true},
    {"SslCacheMisses", "ssl_cache_misses_total", true},
    {"CompressBpsIn", "http_comp_bytes_in_total", true},
    {"CompressBpsOut", "http_comp_bytes_out_total", true},
    {"CompressBpsRateLim", "limit_http_comp"},
    {"ZlibMemUsage", "current_zlib_memory"},
    {"MaxZlibMemUsage", "max_zlib_memory"},
    {"Tasks", "current_tasks"},
    {"Run_queue", "current_run_queue"},
    {"Idle_pct", "idle_time_percent"},
    {"Stopping", "stopping"},
    {"Jobs", "jobs"},
    {"Unstoppable Jobs", "unstoppable_jobs"},
    {"Listeners", "listeners"},
    {"ActivePeers", "active_peers"},
    {"ConnectedPeers", "connected_peers"},
    {"DroppedLogs", "dropped_logs_total", true},
    {"BusyPolling", "busy_polling_enabled"},
    {"FailedResolutions", "failed_resolutions", true},
    {"TotalBytesOut", "bytes_out_total", true},
    {"TotalSplicdedBytesOut", "spliced_bytes_out_total", true},
    {"BytesOutRate", "bytes_out_rate"},
    {"CumRecvLogs", "recv_logs_total", true},
    {"Build info", "build_info"},
    {"Memmax_bytes", "max_memory_bytes"},
    {"PoolAlloc_bytes", "pool_allocated_bytes"},
    {"PoolUsed_bytes", "pool_used_bytes"},
    {"Start_time_sec", "start_time_seconds"},
};

constexpr std::string_view kServerStates[] = {"DOWN", "UP", "MAINT", "DRAIN", "NOLB"};
constexpr std::string_view kCheckStates[] = {
    "HANA",   "SOCKERR", "L4OK", "L4TOUT", "L4CON", "L6OK",    "L6TOUT",   "L6RSP",
    "L7TOUT", "L7RSP",   "L7OK", "L7OKC",  "L7STS", "PROCERR", "PROCTOUT", "PROCOK"};
constexpr std::string_view kCodes[] = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};

size_t field_index(std::string_view name) {
  const auto fields = stat_fields();
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == name) return i;
  assert(false && "the exporter names a field that show stat does not have");
  return 0;
}

// ---- values --------------------------------------------------------------------------------

std::string_view server_state(const core::Server& s) {
  if (s.in_maint()) return "MAINT";
  if (s.op == core::OpState::Stopped) return "DOWN";
  if (s.op == core::OpState::Stopping) return "NOLB";
  return s.in_drain() ? "DRAIN" : "UP";
}

// The check result code of a server whose checks run ("L4OK"), or empty.
std::string check_code(const RowContext& c, size_t check_status_field) {
  const Value v = stat_fields()[check_status_field].server(c);
  if (v.empty()) return {};
  std::string code = v.text;
  if (code.rfind("* ", 0) == 0) code.erase(0, 2);
  return code;
}

void append_unsigned(std::string& out, uint64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void append_number(std::string& out, const Value& v, bool seconds) {
  char buf[40];
  if (v.empty()) {
    out += "NaN";
  } else if (v.kind == Value::Kind::Signed) {
    out.append(buf, std::to_chars(buf, buf + sizeof buf, v.s).ptr);
  } else if (seconds) {  // milliseconds as seconds, "%f" as HAProxy prints them
    append_unsigned(out, v.u / 1000);
    std::snprintf(buf, sizeof buf, ".%03u000", static_cast<unsigned>(v.u % 1000));
    out += buf;
  } else if (v.kind == Value::Kind::Unsigned) {
    append_unsigned(out, v.u);
  } else {
    out += "NaN";
  }
}

void append_label_value(std::string& out, std::string_view text) {
  if (text.find_first_of("\\\"\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  for (char ch : text) {
    if (ch == '\\' || ch == '"') out += '\\';
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out += ch;
  }
}

// ---- the writer ----------------------------------------------------------------------------

class MetricsWriter {
 public:
  MetricsWriter(const core::Engine& engine, const ProcessInfo& process, const MetricsRequest& req,
                std::string& out)
      : engine_(engine), process_(process), req_(req), out_(out), now_(engine.loop.now()) {
    auto proxy = [](const std::string& name) {
      std::string l = "proxy=\"";
      append_label_value(l, name);
      return l + '"';
    };
    for (const auto& fe : engine.frontends)
      fe_labels_.push_back(proxy(fe->name));
    for (const auto& be : engine.backends) {
      be_labels_.push_back(proxy(be->name));
      sv_labels_.emplace_back();
      for (const auto& sv : be->servers) {
        std::string l = be_labels_.back() + ",server=\"";
        append_label_value(l, sv->name);
        sv_labels_.back().push_back(l + '"');
      }
    }
  }

  void process();
  void proxies(unsigned kind);

 private:
  void family(std::string_view prefix, std::string_view name, std::string_view help, bool counter);
  // `name{labels}` then a space; labels are `proxy`, `server` when set, then `extra`="value".
  void sample(std::string_view extra = {}, std::string_view extra_value = {});
  void value(const Value& v, bool seconds);
  // OpenMetrics has no NaN counters: a counter that does not apply to the object is left out.
  bool left_out(const Value& v) const;
  void objects(unsigned kind, const StatMetric& m, size_t field);
  void object(const StatMetric& m, size_t field, const RowContext& c, RowKind kind);
  void states(std::string_view current, std::span<const std::string_view> all);
  void counted(const core::Backend& b, bool checks, std::span<const std::string_view> all);
  RowContext row() const { return RowContext{engine_, now_, true, false}; }
  bool http(const RowContext& c, RowKind kind) const {
    return kind == RowKind::Frontend ? c.frontend->protocol != nullptr : c.backend->settings.http;
  }

  const core::Engine& engine_;
  const ProcessInfo& process_;
  const MetricsRequest& req_;
  std::string& out_;
  core::Millis now_;
  std::string name_;  // the family being written, `_total` included
  bool counter_ = false;
  // Each object's labels, written once: `proxy="app"`, `proxy="app",server="s1"`.
  std::vector<std::string> fe_labels_, be_labels_;
  std::vector<std::vector<std::string>> sv_labels_;
  std::string_view labels_;  // the object's being written
};

void MetricsWriter::family(std::string_view prefix, std::string_view name, std::string_view help,
                           bool counter) {
  counter_ = counter;
  name_ = "haproxy_";
  name_.append(prefix).append("_").append(name);
  std::string_view family = name_;
  std::string_view type = counter ? "counter" : "gauge";
  if (req_.openmetrics && counter) {
    // OpenMetrics names a counter's family without the `_total` of its samples.
    if (family.ends_with("_total"))
      family.remove_suffix(6);
    else
      type = "unknown";
  }
  out_.append("# HELP ").append(family).append(" ").append(help).append("\n");
  out_.append("# TYPE ").append(family).append(" ").append(type).append("\n");
}

void MetricsWriter::sample(std::string_view extra, std::string_view extra_value) {
  out_ += name_;
  if (labels_.empty() && extra.empty()) {
    out_ += ' ';
    return;
  }
  out_ += '{';
  out_ += labels_;
  if (!extra.empty()) {
    if (!labels_.empty()) out_ += ',';
    out_.append(extra).append("=\"");
    append_label_value(out_, extra_value);
    out_ += '"';
  }
  out_ += "} ";
}

void MetricsWriter::value(const Value& v, bool seconds) {
  append_number(out_, v, seconds);
  out_ += '\n';
}

bool MetricsWriter::left_out(const Value& v) const {
  return v.empty() && req_.openmetrics && counter_;
}

void MetricsWriter::process() {
  const std::vector<InfoItem> items = info_items(engine_, process_);
  for (const InfoMetric& m : kInfoMetrics) {
    const InfoItem* item = nullptr;
    for (const InfoItem& i : items)
      if (i.name == m.key) item = &i;
    assert(item && "the exporter names a show info key that does not exist");
    if (!item) continue;
    family("process", m.name, item->description, m.counter);
    if (m.key == "Build info") {
      sample("version", haproxy_version_string(process_.ferry_version));
      value(Value::num(1), false);
      continue;
    }
    if (left_out(item->value)) continue;
    sample();
    value(item->value, false);
  }
}

void MetricsWriter::states(std::string_view current, std::span<const std::string_view> all) {
  for (std::string_view st : all) {
    sample("state", st);
    out_ += st == current ? "1\n" : "0\n";
  }
}

void MetricsWriter::counted(const core::Backend& b, bool checks,
                            std::span<const std::string_view> all) {
  static const size_t kCheckStatus = field_index("check_status");
  std::array<uint64_t, std::size(kCheckStates)> n{};
  for (const auto& s : b.servers) {
    RowContext c = row();
    c.backend = &b;
    c.server = s.get();
    const std::string code = checks ? check_code(c, kCheckStatus) : std::string(server_state(*s));
    for (size_t i = 0; i < all.size(); ++i)
      n[i] += all[i] == code ? 1 : 0;
  }
  for (size_t i = 0; i < all.size(); ++i) {
    sample("state", all[i]);
    append_unsigned(out_, n[i]);
    out_ += '\n';
  }
}

void MetricsWriter::object(const StatMetric& m, size_t field, const RowContext& c, RowKind kind) {
  const FieldDef& f = stat_fields()[field];
  const Getter get = f.getter(kind);
  switch (m.shape) {
    case Shape::Plain:
    case Shape::Seconds: {
      const Value v = get ? get(c) : Value{};
      if (left_out(v)) return;
      sample();
      return value(v, m.shape == Shape::Seconds);
    }
    case Shape::HttpCodes:
      for (size_t k = 0; k < std::size(kCodes); ++k) {
        const Getter g = stat_fields()[field + k].getter(kind);
        const Value v = g ? g(c) : Value{};
        if (left_out(v)) continue;
        sample("code", kCodes[k]);
        value(v, false);
      }
      return;
    case Shape::Status: {
      static constexpr std::string_view kUpDown[] = {"DOWN", "UP"};
      if (kind == RowKind::Server) return states(server_state(*c.server), kServerStates);
      const bool up = kind == RowKind::Frontend ? !c.frontend->stopped : c.backend->up();
      return states(up ? "UP" : "DOWN", kUpDown);
    }
    case Shape::CheckStatus: {
      const std::string code = check_code(c, field);
      if (!code.empty()) states(code, kCheckStates);
      return;
    }
    case Shape::CheckValue: {
      static const size_t kCheckStatus = field_index("check_status");
      if (check_code(c, kCheckStatus).empty()) return;
      const Value v = get(c);
      sample();
      return value(v.empty() ? Value::num(0) : v, m.name.ends_with("_seconds"));
    }
    case Shape::AggStatus:
      return counted(*c.backend, false, kServerStates);
    case Shape::AggCheck:
      return counted(*c.backend, true, kCheckStates);
  }
}

void MetricsWriter::objects(unsigned kind, const StatMetric& m, size_t field) {
  const FieldDef& f = stat_fields()[field];
  std::string_view help = f.description;
  if (m.shape == Shape::HttpCodes) help = "HTTP responses by status class";
  if (m.shape == Shape::Status) help = "Current state, 1 for the state label that applies";
  if (m.shape == Shape::CheckStatus) help = "Last health check result, 1 for its code";
  static constexpr std::string_view kPrefix[] = {"", "frontend", "backend", "", "server"};
  family(kPrefix[kind], m.name, help, f.tags.nature == Nature::Counter);
  if (kind == F) {
    for (size_t i = 0; i < engine_.frontends.size(); ++i) {
      RowContext c = row();
      c.frontend = engine_.frontends[i].get();
      if (m.http_only && !http(c, RowKind::Frontend)) continue;
      labels_ = fe_labels_[i];
      object(m, field, c, RowKind::Frontend);
    }
    return;
  }
  for (size_t b = 0; b < engine_.backends.size(); ++b) {
    const core::Backend& be = *engine_.backends[b];
    RowContext c = row();
    c.backend = &be;
    if (m.http_only && !http(c, RowKind::Backend)) continue;
    labels_ = be_labels_[b];
    if (kind == B) {
      object(m, field, c, RowKind::Backend);
      continue;
    }
    for (size_t i = 0; i < be.servers.size(); ++i) {
      if (req_.no_maint && be.servers[i]->in_maint()) continue;
      c.server = be.servers[i].get();
      labels_ = sv_labels_[b][i];
      object(m, field, c, RowKind::Server);
    }
  }
}

void MetricsWriter::proxies(unsigned kind) {
  static const auto kFieldOf = [] {
    std::array<size_t, std::size(kStatMetrics)> idx{};
    for (size_t i = 0; i < idx.size(); ++i)
      idx[i] = field_index(kStatMetrics[i].field);
    return idx;
  }();
  for (size_t i = 0; i < std::size(kStatMetrics); ++i)
    if (kStatMetrics[i].kinds & kind) objects(kind, kStatMetrics[i], kFieldOf[i]);
  labels_ = {};
}

bool accepts_openmetrics(std::string_view accept) {
  return accept.find("application/openmetrics-text") != std::string_view::npos;
}

}  // namespace

std::string parse_metrics_request(std::string_view query, std::string_view accept,
                                  MetricsRequest& out) {
  out = MetricsRequest{};
  out.openmetrics = accepts_openmetrics(accept);
  bool scoped = false;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (param == "no-maint") {
      out.no_maint = true;
    } else if (param.starts_with("scope=")) {
      static constexpr std::pair<std::string_view, unsigned> kScopes[] = {
          {"*", MetricsRequest::kAll},
          {"global", MetricsRequest::kGlobal},
          {"frontend", MetricsRequest::kFrontend},
          {"backend", MetricsRequest::kBackend},
          {"server", MetricsRequest::kServer}};
      if (!std::exchange(scoped, true)) out.scopes = 0;
      const std::string_view name = param.substr(6);
      bool known = name.empty();
      for (const auto& [word, bits] : kScopes)
        if (name == word) out.scopes |= bits, known = true;
      if (!known)
        return "unknown scope '" + std::string(name) +
               "'; use scope=global, frontend, backend, server or *";
    }
  }
  return {};
}

std::string render_metrics(const core::Engine& engine, const ProcessInfo& process,
                           const MetricsRequest& request) {
  static std::atomic<size_t> last_size{size_t{1} << 16};  // grows once, not at every scrape
  std::string out;
  out.reserve(last_size.load(std::memory_order_relaxed) + 4096);
  MetricsWriter w(engine, process, request, out);
  if (request.scopes & MetricsRequest::kGlobal) w.process();
  if (request.scopes & MetricsRequest::kFrontend) w.proxies(F);
  if (request.scopes & MetricsRequest::kBackend) w.proxies(B);
  if (request.scopes & MetricsRequest::kServer) w.proxies(S);
  if (request.openmetrics) out += "# EOF\n";
  last_size.store(out.size(), std::memory_order_relaxed);
  return out;
}

std::string_view metrics_content_type(bool openmetrics) {
  return openmetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                     : "text/plain; version=0.0.4";
}

}  // namespace ferry::stats
