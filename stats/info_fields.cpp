#include "stats/info_fields.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <ctime>

#include "stats/stat_output.hpp"

namespace ferry::stats {

namespace {

struct InfoContext {
  const core::Engine& engine;
  const ProcessInfo& process;
  core::Millis now;
};

using InfoGetter = Value (*)(const InfoContext&);

struct InfoField {
  std::string_view name;
  FieldType type;
  Tags tags;
  std::string_view description;
  InfoGetter get;  // nullptr: never filled by ferry (left out of the output)
};

uint64_t uptime_sec(const InfoContext& c) {
  return static_cast<uint64_t>((c.now - c.engine.start_time).count() / 1000);
}
std::string uptime_text(uint64_t sec) {
  char buf[64];
  std::snprintf(
      buf, sizeof(buf), "%llud %lluh%02llum%02llus", static_cast<unsigned long long>(sec / 86400),
      static_cast<unsigned long long>(sec % 86400 / 3600),
      static_cast<unsigned long long>(sec % 3600 / 60), static_cast<unsigned long long>(sec % 60));
  return buf;
}
size_t listeners(const InfoContext& c) {
  size_t n = c.process.admin_listeners;
  for (const auto& f : c.engine.frontends)
    for (const auto& l : f->listeners)
      n += l->closed() ? 0 : 1;
  return n;
}
uint64_t pool_bytes(const InfoContext& c) {
  return c.engine.buffers_in_use() * c.engine.buffer_size();
}
// As HAProxy's TotalBytesOut: every byte sent, to clients, to servers and by the CLI.
uint64_t bytes_out(const InfoContext& c) {
  uint64_t n = c.engine.cli_bytes_out;
  for (const auto& f : c.engine.frontends)
    n += f->counters.bout + f->counters.bin;
  return n;
}
uint64_t checked_servers(const InfoContext& c) {
  uint64_t n = 0;
  for (const auto& b : c.engine.backends)
    for (const auto& s : b->servers)
      n += s->check.configured ? 1 : 0;
  return n;
}
uint64_t conn_rate(const InfoContext& c) {
  return c.engine.conn_rate.rate(c.now);
}

Value zero(const InfoContext&) {
  return Value::num(0);
}
Value one(const InfoContext&) {
  return Value::num(1);
}
Value name(const InfoContext&) {
  return Value::str("HAProxy");
}
Value version(const InfoContext& c) {
  return Value::str(haproxy_version_string(c.process.ferry_version));
}
Value release_date(const InfoContext&) {
  return Value::str(std::string(kReleaseDate));
}
Value pid(const InfoContext& c) {
  return Value::num(static_cast<uint64_t>(c.process.pid > 0 ? c.process.pid : ::getpid()));
}
Value uptime(const InfoContext& c) {
  return Value::str(uptime_text(uptime_sec(c)));
}
Value uptime_s(const InfoContext& c) {
  return Value::num(uptime_sec(c));
}
Value pool_mb(const InfoContext& c) {
  return Value::num(pool_bytes(c) >> 20);
}
Value pool_b(const InfoContext& c) {
  return Value::num(pool_bytes(c));
}
Value ulimit(const InfoContext& c) {
  return Value::num(c.process.ulimit_n);
}
Value nbthread(const InfoContext& c) {
  return Value::num(c.engine.nbthread);
}
Value maxconn(const InfoContext& c) {
  return Value::num(c.engine.maxconn);
}
Value pipes_max(const InfoContext& c) {
  return Value::num(c.engine.pipes_max());
}
Value pipes_used(const InfoContext& c) {
  return Value::num(c.engine.pipes_in_use());
}
Value pipes_free(const InfoContext& c) {
  return Value::num(c.engine.pipes_free());
}
Value curr_conns(const InfoContext& c) {
  return Value::num(c.engine.actconn);
}
Value cum_conns(const InfoContext& c) {
  return Value::num(c.engine.cum_conns);
}
Value cum_req(const InfoContext& c) {
  return Value::num(c.engine.cum_req.load(std::memory_order_relaxed));
}
Value rate(const InfoContext& c) {
  return Value::num(conn_rate(c));
}
Value max_rate(const InfoContext& c) {
  return Value::num(c.engine.conn_rate.max());
}
Value tasks(const InfoContext& c) {
  return Value::num(c.engine.actconn + c.process.admin_connections + checked_servers(c));
}
Value idle_pct(const InfoContext&) {
  return Value::num(100);
}
Value node(const InfoContext& c) {
  return Value::str(c.process.node);
}
Value stopping(const InfoContext& c) {
  return Value::num(c.engine.stopping() ? 1 : 0);
}
Value jobs(const InfoContext& c) {
  return Value::num(c.engine.actconn + c.process.admin_connections + listeners(c));
}
Value listener_count(const InfoContext& c) {
  return Value::num(listeners(c));
}
Value total_bytes_out(const InfoContext& c) {
  return Value::num(bytes_out(c));
}
Value build_info(const InfoContext& c) {
  return Value::str("ferry " + c.process.ferry_version);
}
Value start_time(const InfoContext& c) {
  return Value::num(static_cast<uint64_t>(c.process.start_wall_sec));
}
Value tainted(const InfoContext&) {
  return Value::str("0");
}

using O = Origin;
using N = Nature;
using S = Scope;
constexpr Tags kPOS{O::Product, N::Output, S::Service};
constexpr Tags kCGS{O::Config, N::Gauge, S::Service};
constexpr Tags kKGP{O::Key, N::Gauge, S::Process};
constexpr Tags kSGP{O::Status, N::Gauge, S::Process};
constexpr Tags kMDP{O::Metric, N::Duration, S::Process};
constexpr Tags kCLP{O::Config, N::Limit, S::Process};
constexpr Tags kMGP{O::Metric, N::Gauge, S::Process};
constexpr Tags kMCP{O::Metric, N::Counter, S::Process};
constexpr Tags kMMP{O::Metric, N::Max, S::Process};
constexpr Tags kMRP{O::Metric, N::Rate, S::Process};
constexpr Tags kMaP{O::Metric, N::Avg, S::Process};
constexpr Tags kCOS{O::Config, N::Output, S::Service};
constexpr auto U32 = FieldType::U32;
constexpr auto U64 = FieldType::U64;
constexpr auto STR = FieldType::Str;

// Position = index, as `show info typed` numbers them.
constexpr std::array<InfoField, 72> kInfo{{
    {"Name", STR, kPOS, "Product name", name},
    {"Version", STR, kPOS, "Product version (HAProxy-compatible, ferry release as suffix)",
     version},
    {"Release_date", STR, kPOS, "Release date", release_date},
    {"Nbthread", U32, kCGS, "Threads running", nbthread},
    {"Nbproc", U32, kCGS, "Worker processes (always 1)", one},
    {"Process_num", U32, kKGP, "This worker's number (1)", one},
    {"Pid", U32, kSGP, "Process id", pid},
    {"Uptime", STR, kMDP, "Time since start (days, hours, minutes, seconds)", uptime},
    {"Uptime_sec", U32, kMDP, "Seconds since start", uptime_s},
    {"Memmax_MB", U32, kCLP, "Memory limit in MB (0: none)", zero},
    {"PoolAlloc_MB", U32, kMGP, "Buffer pool memory allocated, in MB", pool_mb},
    {"PoolUsed_MB", U32, kMGP, "Buffer pool memory in use, in MB", pool_mb},
    {"PoolFailed", U32, kMCP, "Failed pool allocations", zero},
    {"Ulimit-n", U32, kCLP, "File descriptor limit", ulimit},
    {"Maxsock", U32, kCLP, "Socket limit", ulimit},
    {"Maxconn", U32, kCLP, "Connection limit", maxconn},
    {"Hard_maxconn", U32, kCLP, "Hard connection limit", maxconn},
    {"CurrConns", U32, kMGP, "Connections open now", curr_conns},
    {"CumConns", U32, kMCP, "Connections since start", cum_conns},
    {"CumReq", U32, kMCP, "Requests since start (TCP sessions, HTTP requests, CLI connections)",
     cum_req},
    {"MaxSslConns", U32, kMMP, "SSL connection limit", zero},
    {"CurrSslConns", U32, kMGP, "SSL connections open now", zero},
    {"CumSslConns", U32, kMCP, "SSL connections since start", zero},
    {"Maxpipes", U32, kCLP, "Splice pipes at most (maxconn / 4)", pipes_max},
    {"PipesUsed", U32, kMGP, "Splice pipes holding bytes now", pipes_used},
    {"PipesFree", U32, kMGP, "Splice pipes kept open for reuse (two fds each)", pipes_free},
    {"ConnRate", U32, kMRP, "Connections over the last second", rate},
    {"ConnRateLimit", U32, kCLP, "Connection rate limit", zero},
    {"MaxConnRate", U32, kMMP, "Highest connection rate seen", max_rate},
    {"SessRate", U32, kMRP, "Sessions over the last second", rate},
    {"SessRateLimit", U32, kCLP, "Session rate limit", zero},
    {"MaxSessRate", U32, kMRP, "Highest session rate seen", max_rate},
    {"SslRate", U32, kMRP, "SSL connections over the last second", zero},
    {"SslRateLimit", U32, kCLP, "SSL connection rate limit", zero},
    {"MaxSslRate", U32, kMMP, "Highest SSL connection rate seen", zero},
    {"SslFrontendKeyRate", U32, kMGP, "SSL keys computed by frontends per second", zero},
    {"SslFrontendMaxKeyRate", U32, kMMP, "Highest frontend SSL key rate", zero},
    {"SslFrontendSessionReuse_pct", U32, kMGP, "Frontend SSL session reuse percentage", zero},
    {"SslBackendKeyRate", U32, kMRP, "SSL keys computed by backends per second", zero},
    {"SslBackendMaxKeyRate", U32, kMMP, "Highest backend SSL key rate", zero},
    {"SslCacheLookups", U32, kMCP, "SSL session cache lookups", zero},
    {"SslCacheMisses", U32, kMCP, "SSL session cache misses", zero},
    {"CompressBpsIn", U32, kMRP, "Bytes per second into the compressor", zero},
    {"CompressBpsOut", U32, kMRP, "Bytes per second out of the compressor", zero},
    {"CompressBpsRateLim", U32, kCLP, "Compression rate limit", zero},
    {"ZlibMemUsage", U32, kMGP, "Compression memory in use", nullptr},
    {"MaxZlibMemUsage", U32, kCLP, "Compression memory limit", nullptr},
    {"Tasks", U32, kMGP, "Tasks (sessions, CLI connections, health checks)", tasks},
    {"Run_queue", U32, kMGP, "Tasks ready to run", zero},
    {"Idle_pct", U32, kMaP, "Idle time percentage", idle_pct},
    {"node", STR, kCOS, "Node name", node},
    {"description", STR, kCOS, "Node description", nullptr},
    {"Stopping", U32, kMGP, "1 while stopping", stopping},
    {"Jobs", U32, kMGP, "Jobs (connections and listeners)", jobs},
    {"Unstoppable Jobs", U32, kMGP, "Jobs that a soft stop does not wait for", zero},
    {"Listeners", U32, kMGP, "Listeners, stats sockets included", listener_count},
    {"ActivePeers", U32, kMGP, "Active peers", zero},
    {"ConnectedPeers", U32, kMGP, "Connected peers", zero},
    {"DroppedLogs", U32, kMGP, "Dropped log messages", zero},
    {"BusyPolling", U32, kMGP, "1 when busy polling", zero},
    {"FailedResolutions", U32, kMGP, "Failed DNS resolutions", zero},
    {"TotalBytesOut", U64, kMGP, "Bytes sent since start (clients, servers, CLI)", total_bytes_out},
    {"TotalSplicdedBytesOut", U64, kMGP, "Bytes sent by splicing since start", zero},
    {"BytesOutRate", U64, kMRP, "Bytes sent over the last second", zero},
    {"DebugCommandsIssued", U32, kMGP, "Debug commands issued", zero},
    {"CumRecvLogs", U32, kMCP, "Log messages received", zero},
    {"Build info", STR, kPOS, "Build", build_info},
    {"Memmax_bytes", U32, kCLP, "Memory limit in bytes (0: none)", zero},
    {"PoolAlloc_bytes", U64, kMGP, "Buffer pool memory allocated, in bytes", pool_b},
    {"PoolUsed_bytes", U64, kMGP, "Buffer pool memory in use, in bytes", pool_b},
    {"Start_time_sec", U32, kMDP, "Start time (UNIX seconds)", start_time},
    {"Tainted", STR, kSGP, "Experimental features used", tainted},
}};

void append_typed_tags(std::string& out, Tags t) {
  out += origin_code(t.origin);
  out += nature_code(t.nature);
  out += scope_code(t.scope);
}

void typed_line(std::string& out, size_t pos, const InfoField& f, const Value& v, bool desc) {
  out.append(std::to_string(pos)).append(".").append(f.name).append(".1:");
  append_typed_tags(out, f.tags);
  out.append(":").append(type_name(f.type)).append(":");
  append_value_text(out, v);
  if (desc) out.append(":\"").append(f.description).append("\"");
  out += '\n';
}

void json_object(std::string& out, size_t pos, const InfoField& f, const Value& v) {
  out.append("{\"field\":{\"pos\":").append(std::to_string(pos)).append(",\"name\":\"");
  out.append(f.name).append("\"},\"processNum\":1,\"tags\":{\"origin\":\"");
  out.append(origin_word(f.tags.origin)).append("\",\"nature\":\"");
  out.append(nature_word(f.tags.nature)).append("\",\"scope\":\"");
  out.append(scope_word(f.tags.scope)).append("\"},\"value\":{\"type\":\"");
  out.append(type_name(f.type)).append("\",\"value\":");
  if (v.kind == Value::Kind::Text)
    append_json_string(out, v.text);
  else
    append_value_text(out, v);
  out += "}}";
}

}  // namespace

std::string haproxy_version_string(std::string_view ferry_version) {
  return "2.6.0-ferry-" + std::string(ferry_version);
}

ProcessInfo ProcessInfo::current(std::string ferry_version) {
  ProcessInfo p;
  p.ferry_version = std::move(ferry_version);
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) == 0) p.node = host;
  p.start_wall_sec = static_cast<int64_t>(::time(nullptr));
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) p.ulimit_n = rl.rlim_cur;
  return p;
}

std::vector<InfoItem> info_items(const core::Engine& engine, const ProcessInfo& process) {
  const InfoContext ctx{engine, process, engine.loop.now()};
  std::vector<InfoItem> out;
  out.reserve(kInfo.size());
  for (const InfoField& f : kInfo)
    out.push_back(InfoItem{f.name, f.description, f.get ? f.get(ctx) : Value{}});
  return out;
}

std::string render_info(const core::Engine& engine, const ProcessInfo& process, InfoFormat format,
                        bool desc) {
  const InfoContext ctx{engine, process, engine.loop.now()};
  std::string out = format == InfoFormat::Json ? "[" : "";
  bool first = true;
  for (size_t pos = 0; pos < kInfo.size(); ++pos) {
    const InfoField& f = kInfo[pos];
    if (!f.get) continue;
    const Value v = f.get(ctx);
    if (format == InfoFormat::Typed) {
      typed_line(out, pos, f, v, desc);
    } else if (format == InfoFormat::Json) {
      if (!first) out += ',';
      json_object(out, pos, f, v);
    } else {
      out.append(f.name).append(": ");
      append_value_text(out, v);
      out += '\n';
    }
    first = false;
  }
  if (format == InfoFormat::Json) out += "]\n";
  return out;
}

}  // namespace ferry::stats
