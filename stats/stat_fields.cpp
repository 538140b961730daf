#include "stats/stat_fields.hpp"

#include <array>

#include "healthcheck/status_text.hpp"

namespace ferry::stats {

namespace {

using core::Millis;

// ---- shared value helpers -------------------------------------------------------------------

Value zero(const RowContext&) {
  return Value::num(0);
}
Value one(const RowContext&) {
  return Value::num(1);
}
// mode http: the frontend's sessions speak HTTP; a backend (and its servers) says so.
bool fe_http(const RowContext& c) {
  return c.frontend->protocol != nullptr;
}
bool be_http(const RowContext& c) {
  return (c.server ? *c.server->backend : *c.backend).settings.http;
}
Value mode_name(bool http) {
  return Value::str(http ? "http" : "tcp");
}
Value fe_mode(const RowContext& c) {
  return mode_name(fe_http(c));
}
Value be_mode(const RowContext& c) {
  return mode_name(be_http(c));
}
// An HTTP column: the counter in mode http; in mode tcp what HAProxy 2.6 shows there (0 or empty).
template <auto Read, bool TcpZero = false>
Value fe_http_cnt(const RowContext& c) {
  if (!fe_http(c)) return TcpZero ? Value::num(0) : Value{};
  return Value::num(Read(c.frontend->counters.http, c.now));
}
template <auto Read>
Value be_http_cnt(const RowContext& c) {
  return be_http(c) ? Value::num(Read(c.backend->counters.http, c.now)) : Value{};
}
template <auto Read>
Value sv_http_cnt(const RowContext& c) {
  return be_http(c) ? Value::num(Read(c.server->counters.http, c.now)) : Value{};
}
template <size_t K>
uint64_t hrsp(const core::HttpCounters& h, Millis) {
  return h.hrsp[K];
}
uint64_t req_tot(const core::HttpCounters& h, Millis) {
  return h.req_tot;
}
uint64_t req_rate(const core::HttpCounters& h, Millis now) {
  return h.req_rate.rate(now);
}
uint64_t req_rate_max(const core::HttpCounters& h, Millis) {
  return h.req_rate.max();
}
uint64_t intercepted(const core::HttpCounters& h, Millis) {
  return h.intercepted;
}
uint64_t none(const core::HttpCounters&, Millis) {
  return 0;
}
Value type_fe(const RowContext&) {
  return Value::num(0);
}
Value type_be(const RowContext&) {
  return Value::num(1);
}
Value type_sv(const RowContext&) {
  return Value::num(2);
}

uint64_t seconds_since(Millis now, Millis then) {
  return now > then ? static_cast<uint64_t>((now - then).count() / 1000) : 0;
}
Value last_session(Millis now, Millis last) {
  return last.count() < 0 ? Value::sgn(-1)
                          : Value::sgn(static_cast<int64_t>(seconds_since(now, last)));
}
// Total time down: what was accumulated plus the current down period, if any.
Value downtime(Millis now, Millis total, Millis since) {
  const Millis current = since.count() >= 0 && now > since ? now - since : Millis(0);
  return Value::num(static_cast<uint64_t>((total + current).count() / 1000));
}
// Effective weight (1/16 units) in user units, rounded up.
uint64_t user_weight(int eweight) {
  return static_cast<uint64_t>((eweight + 15) / 16);
}

// Getters that read one counter of the row's object.
using FC = core::FrontendCounters;
using BC = core::BackendCounters;
using SC = core::ServerCounters;
template <auto Member>
Value fe_cnt(const RowContext& c) {
  return Value::num(c.frontend->counters.*Member);
}
template <auto Member>
Value be_cnt(const RowContext& c) {
  return Value::num(c.backend->counters.*Member);
}
template <auto Member>
Value sv_cnt(const RowContext& c) {
  return Value::num(c.server->counters.*Member);
}

// The time averages and maxima (qtime..ttime, qtime_max..ttime_max) of backends and servers.
using Avg = core::SlidingAverage core::SessionTimes::*;
template <Avg Which>
Value be_avg(const RowContext& c) {
  const auto& t = c.backend->counters.times;
  return Value::num((t.*Which).average(t.window()));
}
template <Avg Which>
Value sv_avg(const RowContext& c) {
  const auto& t = c.server->counters.times;
  return Value::num((t.*Which).average(t.window()));
}
template <Avg Which>
Value be_max(const RowContext& c) {
  return Value::num((c.backend->counters.times.*Which).max());
}
template <Avg Which>
Value sv_max(const RowContext& c) {
  return Value::num((c.server->counters.times.*Which).max());
}
using ST = core::SessionTimes;

// ---- FRONTEND rows --------------------------------------------------------------------------

const core::Frontend& fe(const RowContext& c) {
  return *c.frontend;
}
Value fe_name(const RowContext& c) {
  return Value::str(fe(c).name);
}
Value fe_svname(const RowContext&) {
  return Value::str("FRONTEND");
}
Value fe_scur(const RowContext& c) {
  return Value::num(fe(c).feconn);
}
Value fe_slim(const RowContext& c) {
  return Value::num(fe(c).settings.maxconn);
}
Value fe_status(const RowContext& c) {
  return Value::str(fe(c).stopped ? "STOP" : "OPEN");
}
Value fe_iid(const RowContext& c) {
  return Value::num(static_cast<uint64_t>(fe(c).id));
}
Value fe_rate(const RowContext& c) {
  return Value::num(fe(c).counters.sess_rate.rate(c.now));
}
Value fe_rate_max(const RowContext& c) {
  return Value::num(fe(c).counters.sess_rate.max());
}
Value fe_conn_rate(const RowContext& c) {
  return Value::num(fe(c).counters.conn_rate.rate(c.now));
}
Value fe_conn_rate_max(const RowContext& c) {
  return Value::num(fe(c).counters.conn_rate.max());
}

// ---- BACKEND rows ---------------------------------------------------------------------------

const core::Backend& be(const RowContext& c) {
  return *c.backend;
}
// The servers in use: the usable active ones, or the usable backups when none is active.
template <typename Fn>
uint64_t sum_in_use(const core::Backend& b, Fn fn) {
  const bool backups = b.usable_active() == 0;
  uint64_t sum = 0;
  for (const auto& s : b.servers)
    if (s->backup == backups && s->usable()) sum += fn(*s);
  return sum;
}
std::string_view algo_name(const core::Backend& b) {
  return b.lb ? b.lb->stats_name() : conf::to_string(b.settings.balance);
}
std::string be_status_text(const RowContext& c) {
  std::string text = be(c).up() ? "UP" : "DOWN";
  if (!c.hide_down) return text;
  size_t running = 0;
  for (const auto& s : be(c).servers)
    running += s->op != core::OpState::Stopped ? 1 : 0;
  return text + " (" + std::to_string(running) + "/" + std::to_string(be(c).servers.size()) + ")";
}

Value be_name(const RowContext& c) {
  return Value::str(be(c).name);
}
Value be_svname(const RowContext&) {
  return Value::str("BACKEND");
}
Value be_qcur(const RowContext& c) {
  return Value::num(be(c).queue.size());
}
Value be_scur(const RowContext& c) {
  return Value::num(be(c).beconn);
}
Value be_slim(const RowContext& c) {
  return Value::num(be(c).settings.fullconn);
}
Value be_status(const RowContext& c) {
  return Value::str(be_status_text(c));
}
Value be_weight(const RowContext& c) {
  const uint64_t ew = sum_in_use(be(c), [](const core::Server& s) { return s.eweight(); });
  return Value::num(user_weight(static_cast<int>(ew)));
}
Value be_act(const RowContext& c) {
  return Value::num(be(c).usable_active());
}
Value be_bck(const RowContext& c) {
  return Value::num(be(c).usable_backup());
}
Value be_lastchg(const RowContext& c) {
  return Value::num(seconds_since(c.now, be(c).last_change));
}
Value be_downtime(const RowContext& c) {
  return downtime(c.now, be(c).downtime, be(c).down_since);
}
Value be_iid(const RowContext& c) {
  return Value::num(static_cast<uint64_t>(be(c).id));
}
Value be_rate(const RowContext& c) {
  return Value::num(be(c).counters.sess_rate.rate(c.now));
}
Value be_rate_max(const RowContext& c) {
  return Value::num(be(c).counters.sess_rate.max());
}
Value be_lastsess(const RowContext& c) {
  return last_session(c.now, be(c).counters.last_session);
}
Value be_algo(const RowContext& c) {
  return c.privileged ? Value::str(std::string(algo_name(be(c)))) : Value{};
}
// The persistence cookie's name, as HAProxy shows it to operators and admins.
Value be_cookie(const RowContext& c) {
  const auto& cookie = be(c).settings.cookie;
  return c.privileged && cookie ? Value::str(cookie->name) : Value{};
}
Value be_uweight(const RowContext& c) {
  return Value::num(sum_in_use(be(c), [](const core::Server& s) { return s.uweight; }));
}

// ---- server rows ----------------------------------------------------------------------------

const core::Server& sv(const RowContext& c) {
  return *c.server;
}
bool check_enabled(const core::Server& s) {
  return s.check.configured && s.check.enabled;
}
// The check_* columns: a check runs (configured, enabled, not paused by maintenance).
bool check_shown(const core::Server& s) {
  return healthcheck::check_columns_shown(s.check) && !s.in_maint();
}

Value sv_name(const RowContext& c) {
  return Value::str(sv(c).name);
}
// A server's own queue only holds sessions bound to it (persistence), which ferry never has.
Value sv_qcur(const RowContext&) {
  return Value::num(0);
}
Value sv_scur(const RowContext& c) {
  return Value::num(sv(c).served);
}
Value sv_slim(const RowContext& c) {
  return sv(c).conn_limit() ? Value::num(sv(c).conn_limit()) : Value{};
}
Value sv_status(const RowContext& c) {
  return Value::str(healthcheck::server_status_text(sv(c)));
}
Value sv_weight(const RowContext& c) {
  return Value::num(user_weight(sv(c).eweight()));
}
Value sv_act(const RowContext& c) {
  return Value::num(sv(c).backup ? 0 : 1);
}
Value sv_bck(const RowContext& c) {
  return Value::num(sv(c).backup ? 1 : 0);
}
Value sv_chkfail(const RowContext& c) {
  return check_enabled(sv(c)) ? Value::num(sv(c).check.chkfail) : Value{};
}
Value sv_chkdown(const RowContext& c) {
  return check_enabled(sv(c)) ? Value::num(sv(c).check.chkdown) : Value{};
}
Value sv_lastchg(const RowContext& c) {
  return Value::num(seconds_since(c.now, sv(c).last_change));
}
Value sv_downtime(const RowContext& c) {
  const auto& s = sv(c);
  return check_enabled(s) ? downtime(c.now, s.downtime, s.down_since) : Value{};
}
Value sv_qlimit(const RowContext& c) {
  return sv(c).maxqueue ? Value::num(sv(c).maxqueue) : Value{};
}
Value sv_iid(const RowContext& c) {
  return Value::num(static_cast<uint64_t>(be(c).id));
}
Value sv_sid(const RowContext& c) {
  return Value::num(static_cast<uint64_t>(sv(c).id));
}
Value sv_throttle(const RowContext& c) {
  const int pct = sv(c).throttle_pct;
  return pct < 100 && sv(c).usable() ? Value::num(static_cast<uint64_t>(pct)) : Value{};
}
Value sv_rate(const RowContext& c) {
  return Value::num(sv(c).counters.sess_rate.rate(c.now));
}
Value sv_rate_max(const RowContext& c) {
  return Value::num(sv(c).counters.sess_rate.max());
}
Value sv_check_status(const RowContext& c) {
  return check_shown(sv(c)) ? Value::str(healthcheck::check_status_field(sv(c).check)) : Value{};
}
Value sv_check_code(const RowContext& c) {
  const auto& k = sv(c).check;
  const bool shown = check_shown(sv(c)) && healthcheck::check_code_shown(k.status) && k.code >= 0;
  return shown ? Value::num(static_cast<uint64_t>(k.code)) : Value{};
}
Value sv_check_duration(const RowContext& c) {
  const auto& k = sv(c).check;
  const bool has_result = k.status != core::CheckStatus::Init &&
                          k.status != core::CheckStatus::Unknown && k.duration_ms >= 0;
  return check_shown(sv(c)) && has_result ? Value::num(static_cast<uint64_t>(k.duration_ms))
                                          : Value{};
}
Value sv_hanafail(const RowContext& c) {
  const auto& k = sv(c).check;
  return k.observe || k.hanafail > 0 ? Value::num(k.hanafail) : Value{};
}
Value sv_lastsess(const RowContext& c) {
  return last_session(c.now, sv(c).counters.last_session);
}
Value sv_last_chk(const RowContext& c) {
  return check_shown(sv(c)) ? Value::str(sv(c).check.last_text) : Value{};
}
Value sv_check_desc(const RowContext& c) {
  if (!check_shown(sv(c))) return Value{};
  return Value::str(std::string(healthcheck::check_status_description(sv(c).check.status)));
}
Value sv_check_rise(const RowContext& c) {
  return check_shown(sv(c)) ? Value::num(static_cast<uint64_t>(sv(c).check.rise)) : Value{};
}
Value sv_check_fall(const RowContext& c) {
  return check_shown(sv(c)) ? Value::num(static_cast<uint64_t>(sv(c).check.fall)) : Value{};
}
Value sv_check_health(const RowContext& c) {
  return check_shown(sv(c)) ? Value::num(static_cast<uint64_t>(sv(c).check.health)) : Value{};
}
Value sv_addr(const RowContext& c) {
  return c.privileged ? Value::str(sv(c).addr_text) : Value{};
}
Value sv_cookie(const RowContext& c) {
  return c.privileged && !sv(c).cookie.empty() ? Value::str(sv(c).cookie) : Value{};
}
// HAProxy 2.6 in TCP mode (observed): 1 from the first connection made to the server, by a
// session (even a failed attempt) or a health check, and 1 however many are open at once.
Value sv_need_conn(const RowContext& c) {
  const auto& k = sv(c).check;
  const bool probed =
      k.configured && k.status != core::CheckStatus::Init && k.status != core::CheckStatus::Unknown;
  return Value::num(probed || sv(c).session_connected ? 1u : 0u);
}
// mode http's idle connections (http/idle_pool), over every worker. HAProxy calls those that
// carried two requests or more safe (any first request may take them under http-reuse
// aggressive), the others idle.
Value sv_icur(const RowContext& c) {
  return Value::num(static_cast<uint64_t>(sv(c).idle_conns.load()));
}
Value sv_safe_conns(const RowContext& c) {
  return Value::num(static_cast<uint64_t>(sv(c).safe_idle_conns.load()));
}
Value sv_unsafe_conns(const RowContext& c) {
  return Value::num(static_cast<uint64_t>(sv(c).idle_conns.load() - sv(c).safe_idle_conns.load()));
}
Value sv_ilim(const RowContext& c) {
  const int limit = sv(c).pool_max_conn;
  return limit >= 0 ? Value::num(static_cast<uint64_t>(limit)) : Value{};
}
Value sv_uweight(const RowContext& c) {
  return Value::num(static_cast<uint64_t>(sv(c).uweight));
}

// ---- the table ------------------------------------------------------------------------------

using O = Origin;
using N = Nature;
using S = Scope;
constexpr Tags kKNS{O::Key, N::Name, S::Service};
constexpr Tags kMGP{O::Metric, N::Gauge, S::Process};
constexpr Tags kMMP{O::Metric, N::Max, S::Process};
constexpr Tags kCLP{O::Config, N::Limit, S::Process};
constexpr Tags kMCP{O::Metric, N::Counter, S::Process};
constexpr Tags kSGP{O::Status, N::Gauge, S::Process};
constexpr Tags kMaP{O::Metric, N::Avg, S::Process};
constexpr Tags kMAP{O::Metric, N::Age, S::Process};
constexpr Tags kCGS{O::Config, N::Gauge, S::Service};
constexpr Tags kKGP{O::Key, N::Gauge, S::Process};
constexpr Tags kKGS{O::Key, N::Gauge, S::Service};
constexpr Tags kCNS{O::Config, N::Name, S::Service};
constexpr Tags kMRP{O::Metric, N::Rate, S::Process};
constexpr Tags kMOP{O::Metric, N::Output, S::Process};
constexpr Tags kMDP{O::Metric, N::Duration, S::Process};

constexpr auto U32 = FieldType::U32;
constexpr auto U64 = FieldType::U64;
constexpr auto S32 = FieldType::S32;
constexpr auto STR = FieldType::Str;

// Position = index. Getters: FRONTEND, BACKEND, server (nullptr = always empty there).
constexpr std::array<FieldDef, kFieldCount> kFields{{
    {"pxname", STR, kKNS, "Proxy name", fe_name, be_name, be_name},
    {"svname", STR, kKNS, "Row name: FRONTEND, BACKEND or the server's name", fe_svname, be_svname,
     sv_name},
    {"qcur", U32, kMGP, "Connections waiting in the queue now", nullptr, be_qcur, sv_qcur},
    {"qmax", U32, kMMP, "Most connections ever waiting in the queue", nullptr, be_cnt<&BC::qmax>,
     sv_cnt<&SC::qmax>},
    {"scur", U32, kMGP, "Sessions open now", fe_scur, be_scur, sv_scur},
    {"smax", U32, kMMP, "Most sessions ever open at once", fe_cnt<&FC::smax>, be_cnt<&BC::smax>,
     sv_cnt<&SC::smax>},
    {"slim", U32, kCLP, "Session limit (frontend maxconn, backend fullconn, server maxconn)",
     fe_slim, be_slim, sv_slim},
    {"stot", U64, kMCP, "Sessions since start", fe_cnt<&FC::stot>, be_cnt<&BC::stot>,
     sv_cnt<&SC::stot>},
    {"bin", U64, kMCP, "Bytes received from clients", fe_cnt<&FC::bin>, be_cnt<&BC::bin>,
     sv_cnt<&SC::bin>},
    {"bout", U64, kMCP, "Bytes sent to clients", fe_cnt<&FC::bout>, be_cnt<&BC::bout>,
     sv_cnt<&SC::bout>},
    {"dreq", U64, kMCP, "Requests denied by rules", fe_cnt<&FC::dreq>, zero, nullptr},
    {"dresp", U64, kMCP, "Responses denied by rules", fe_cnt<&FC::dresp>, zero, zero},
    {"ereq", U64, kMCP, "Client-side request errors", fe_cnt<&FC::ereq>, nullptr, nullptr},
    {"econ", U64, kMCP, "Connections to a server that failed for good", nullptr, be_cnt<&BC::econ>,
     sv_cnt<&SC::econ>},
    {"eresp", U64, kMCP, "Server-side response errors", nullptr, be_cnt<&BC::eresp>,
     sv_cnt<&SC::eresp>},
    {"wretr", U64, kMCP, "Connection retries", nullptr, be_cnt<&BC::wretr>, sv_cnt<&SC::wretr>},
    {"wredis", U64, kMCP, "Redispatches to another server", nullptr, be_cnt<&BC::wredis>,
     sv_cnt<&SC::wredis>},
    {"status", STR, kSGP, "State: OPEN/STOP, UP/DOWN, or the server's health and admin state",
     fe_status, be_status, sv_status},
    {"weight", U32, kMaP, "Effective weight (backend: sum over the servers in use)", nullptr,
     be_weight, sv_weight},
    {"act", U32, kSGP, "Active servers (backend: usable ones)", nullptr, be_act, sv_act, true},
    {"bck", U32, kSGP, "Backup servers (backend: usable ones)", nullptr, be_bck, sv_bck, true},
    {"chkfail", U64, kMCP, "Failed health checks", nullptr, nullptr, sv_chkfail},
    {"chkdown", U64, kMCP, "Transitions to DOWN (backend: times no server was left)", nullptr,
     be_cnt<&BC::chkdown>, sv_chkdown},
    {"lastchg", U32, kMAP, "Seconds since the last state change", nullptr, be_lastchg, sv_lastchg},
    {"downtime", U32, kMCP, "Seconds spent down in total", nullptr, be_downtime, sv_downtime},
    {"qlimit", U32, kCGS, "Server queue limit (maxqueue)", nullptr, nullptr, sv_qlimit},
    {"pid", U32, kKGP, "Process number (always 1)", one, one, one},
    {"iid", U32, kKGS, "Proxy numeric id", fe_iid, be_iid, sv_iid},
    {"sid", U32, kKGS, "Server numeric id (0 on FRONTEND and BACKEND rows)", zero, zero, sv_sid},
    {"throttle", U32, kMaP, "Slow-start weight percentage while warming up", nullptr, nullptr,
     sv_throttle},
    {"lbtot", U64, kMCP, "Times chosen by the balancer", nullptr, be_cnt<&BC::lbtot>,
     sv_cnt<&SC::lbtot>},
    {"tracked", STR, kCNS, "Tracked server (backend/server)", nullptr, nullptr, nullptr},
    {"type", U32, kCGS, "Row type: 0 frontend, 1 backend, 2 server, 3 listener", type_fe, type_be,
     type_sv},
    {"rate", U32, kMRP, "Sessions over the last second", fe_rate, be_rate, sv_rate, true},
    {"rate_lim", U32, kCLP, "Session rate limit", zero, nullptr, nullptr},
    {"rate_max", U32, kMMP, "Highest session rate seen", fe_rate_max, be_rate_max, sv_rate_max,
     true},
    {"check_status", STR, kMOP, "Last health check result code, '* ' first while one runs", nullptr,
     nullptr, sv_check_status},
    {"check_code", U32, kMOP, "Layer 5-7 code of the last health check", nullptr, nullptr,
     sv_check_code},
    {"check_duration", U64, kMDP, "Milliseconds the last health check took", nullptr, nullptr,
     sv_check_duration},
    {"hrsp_1xx", U64, kMCP, "HTTP 1xx responses", fe_http_cnt<hrsp<0>>, be_http_cnt<hrsp<0>>,
     sv_http_cnt<hrsp<0>>},
    {"hrsp_2xx", U64, kMCP, "HTTP 2xx responses", fe_http_cnt<hrsp<1>>, be_http_cnt<hrsp<1>>,
     sv_http_cnt<hrsp<1>>},
    {"hrsp_3xx", U64, kMCP, "HTTP 3xx responses", fe_http_cnt<hrsp<2>>, be_http_cnt<hrsp<2>>,
     sv_http_cnt<hrsp<2>>},
    {"hrsp_4xx", U64, kMCP, "HTTP 4xx responses", fe_http_cnt<hrsp<3>>, be_http_cnt<hrsp<3>>,
     sv_http_cnt<hrsp<3>>},
    {"hrsp_5xx", U64, kMCP, "HTTP 5xx responses", fe_http_cnt<hrsp<4>>, be_http_cnt<hrsp<4>>,
     sv_http_cnt<hrsp<4>>},
    {"hrsp_other", U64, kMCP, "HTTP responses with another code", fe_http_cnt<hrsp<5>>,
     be_http_cnt<hrsp<5>>, sv_http_cnt<hrsp<5>>},
    {"hanafail", U64, kMCP, "Health check failures caused by observed traffic", nullptr, nullptr,
     sv_hanafail},
    {"req_rate", U32, kMRP, "HTTP requests over the last second", fe_http_cnt<req_rate, true>,
     nullptr, nullptr},
    {"req_rate_max", U32, kMMP, "Highest HTTP request rate seen", fe_http_cnt<req_rate_max, true>,
     nullptr, nullptr},
    {"req_tot", U64, kMCP, "HTTP requests since start", fe_http_cnt<req_tot, true>,
     be_http_cnt<req_tot>, sv_http_cnt<req_tot>},
    {"cli_abrt", U64, kMCP, "Transfers aborted by the client", nullptr, be_cnt<&BC::cli_abrt>,
     sv_cnt<&SC::cli_abrt>},
    {"srv_abrt", U64, kMCP, "Transfers aborted by the server", nullptr, be_cnt<&BC::srv_abrt>,
     sv_cnt<&SC::srv_abrt>},
    {"comp_in", U64, kMCP, "Bytes fed to the compressor", zero, zero, nullptr},
    {"comp_out", U64, kMCP, "Bytes out of the compressor", zero, zero, nullptr},
    {"comp_byp", U64, kMCP, "Bytes that bypassed the compressor", zero, zero, nullptr},
    {"comp_rsp", U64, kMCP, "Compressed responses", zero, zero, nullptr},
    {"lastsess", S32, kMAP, "Seconds since the last session (-1: never)", nullptr, be_lastsess,
     sv_lastsess},
    {"last_chk", STR, kMOP, "Details of the last health check", nullptr, nullptr, sv_last_chk},
    {"last_agt", STR, kMOP, "Details of the last agent check", nullptr, nullptr, nullptr},
    {"qtime", U32, kMaP, "Average queue time (ms)", nullptr, be_avg<&ST::queue>,
     sv_avg<&ST::queue>},
    {"ctime", U32, kMaP, "Average connect time (ms)", nullptr, be_avg<&ST::connect>,
     sv_avg<&ST::connect>},
    {"rtime", U32, kMaP, "Average response time (ms)", nullptr, zero, zero},
    {"ttime", U32, kMaP, "Average total session time (ms)", nullptr, be_avg<&ST::total>,
     sv_avg<&ST::total>},
    {"agent_status", STR, kMOP, "Last agent check result code", nullptr, nullptr, nullptr},
    {"agent_code", U32, kMOP, "Code of the last agent check", nullptr, nullptr, nullptr},
    {"agent_duration", U64, kMDP, "Milliseconds the last agent check took", nullptr, nullptr,
     nullptr},
    {"check_desc", STR, kMOP, "Last health check result in words", nullptr, nullptr, sv_check_desc},
    {"agent_desc", STR, kMOP, "Last agent check result in words", nullptr, nullptr, nullptr},
    {"check_rise", U32, kCGS, "Successful checks needed to go UP (rise)", nullptr, nullptr,
     sv_check_rise},
    {"check_fall", U32, kCGS, "Failed checks needed to go DOWN (fall)", nullptr, nullptr,
     sv_check_fall},
    {"check_health", U32, kCGS, "Health counter (0 .. rise+fall-1)", nullptr, nullptr,
     sv_check_health},
    {"agent_rise", U32, kCGS, "Agent rise", nullptr, nullptr, nullptr},
    {"agent_fall", U32, kCGS, "Agent fall", nullptr, nullptr, nullptr},
    {"agent_health", U32, kCGS, "Agent health counter", nullptr, nullptr, nullptr},
    {"addr", STR, kCGS, "Server address (ip:port, or unix)", nullptr, nullptr, sv_addr},
    {"cookie", STR, kCNS, "Persistence cookie", nullptr, be_cookie, sv_cookie},
    {"mode", STR, kCGS, "Proxy mode", fe_mode, be_mode, be_mode},
    {"algo", STR, kCGS, "Balancing algorithm", nullptr, be_algo, nullptr},
    {"conn_rate", U32, kMRP, "Connections accepted over the last second", fe_conn_rate, nullptr,
     nullptr},
    {"conn_rate_max", U32, kMMP, "Highest connection rate seen", fe_conn_rate_max, nullptr,
     nullptr},
    {"conn_tot", U64, kMCP, "Connections accepted since start", fe_cnt<&FC::conn_tot>, nullptr,
     nullptr},
    {"intercepted", U64, kMCP, "Requests intercepted", fe_http_cnt<intercepted>, nullptr, nullptr},
    {"dcon", U64, kMCP, "Connections denied by tcp-request connection rules", fe_cnt<&FC::dcon>,
     nullptr, nullptr},
    {"dses", U64, kMCP, "Sessions denied by tcp-request session rules", zero, nullptr, nullptr},
    {"wrew", U64, kMCP, "Failed header rewrites", zero, zero, zero},
    {"connect", U64, kMCP, "Connection attempts to servers", nullptr, be_cnt<&BC::connect>,
     sv_cnt<&SC::connect>},
    {"reuse", U64, kMCP, "Reused server connections", nullptr, be_cnt<&BC::reuse>,
     sv_cnt<&SC::reuse>},
    {"cache_lookups", U64, kMCP, "Cache lookups", fe_http_cnt<none>, be_http_cnt<none>, nullptr},
    {"cache_hits", U64, kMCP, "Cache hits", fe_http_cnt<none>, be_http_cnt<none>, nullptr},
    {"srv_icur", U32, kMGP, "Idle server connections available for reuse", nullptr, nullptr,
     sv_icur},
    {"src_ilim", U32, kCLP, "Limit of idle server connections (pool-max-conn)", nullptr, nullptr,
     sv_ilim},
    {"qtime_max", U32, kMMP, "Longest queue time (ms)", nullptr, be_max<&ST::queue>,
     sv_max<&ST::queue>},
    {"ctime_max", U32, kMMP, "Longest connect time (ms)", nullptr, be_max<&ST::connect>,
     sv_max<&ST::connect>},
    {"rtime_max", U32, kMMP, "Longest response time (ms)", nullptr, zero, zero},
    {"ttime_max", U32, kMMP, "Longest total session time (ms)", nullptr, be_max<&ST::total>,
     sv_max<&ST::total>},
    {"eint", U64, kMCP, "Internal errors", zero, zero, zero},
    {"idle_conn_cur", U32, kMGP, "Unsafe idle server connections", nullptr, nullptr,
     sv_unsafe_conns},
    {"safe_conn_cur", U32, kMGP, "Safe idle server connections", nullptr, nullptr, sv_safe_conns},
    // HAProxy 2.6 counts only connections of its HTTP reuse pool: 0 in TCP mode (observed).
    {"used_conn_cur", U32, kMGP, "Server connections in use", nullptr, nullptr, zero},
    {"need_conn_est", U32, kMGP, "Estimate of the server connections needed", nullptr, nullptr,
     sv_need_conn},
    {"uweight", U32, kMaP, "User weight (backend: sum over the servers in use)", nullptr,
     be_uweight, sv_uweight},
    {"agg_server_status", U32, kMGP, "Aggregated server status", nullptr, zero, nullptr},
    {"agg_server_check_status", U32, kMGP, "Aggregated server check status", nullptr, zero,
     nullptr},
    {"agg_check_status", U32, kMGP, "Aggregated check status", nullptr, zero, nullptr},
    {"ssl_sess", U64, kMCP, "SSL sessions established", zero, zero, zero},
    {"ssl_reused_sess", U64, kMCP, "SSL sessions reused", zero, zero, zero},
    {"ssl_failed_handshake", U64, kMCP, "Failed SSL handshakes", zero, zero, zero},
    {"h2_headers_rcvd", U64, kMCP, "HTTP/2 HEADERS frames received", zero, zero, nullptr},
    {"h2_data_rcvd", U64, kMCP, "HTTP/2 DATA frames received", zero, zero, nullptr},
    {"h2_settings_rcvd", U64, kMCP, "HTTP/2 SETTINGS frames received", zero, zero, nullptr},
    {"h2_rst_stream_rcvd", U64, kMCP, "HTTP/2 RST_STREAM frames received", zero, zero, nullptr},
    {"h2_goaway_rcvd", U64, kMCP, "HTTP/2 GOAWAY frames received", zero, zero, nullptr},
    {"h2_detected_conn_protocol_errors", U64, kMCP, "HTTP/2 connection protocol errors", zero, zero,
     nullptr},
    {"h2_detected_strm_protocol_errors", U64, kMCP, "HTTP/2 stream protocol errors", zero, zero,
     nullptr},
    {"h2_rst_stream_resp", U64, kMCP, "HTTP/2 RST_STREAM frames sent", zero, zero, nullptr},
    {"h2_goaway_resp", U64, kMCP, "HTTP/2 GOAWAY frames sent", zero, zero, nullptr},
    {"h2_open_connections", U64, kMGP, "HTTP/2 connections open", zero, zero, nullptr},
    {"h2_backend_open_streams", U64, kMGP, "HTTP/2 backend streams open", zero, zero, nullptr},
    {"h2_total_connections", U64, kMCP, "HTTP/2 connections since start", zero, zero, nullptr},
    {"h2_backend_total_streams", U64, kMCP, "HTTP/2 backend streams since start", zero, zero,
     nullptr},
    {"h1_open_connections", U64, kMGP, "HTTP/1 connections open", zero, zero, nullptr},
    {"h1_open_streams", U64, kMGP, "HTTP/1 streams open", zero, zero, nullptr},
    {"h1_total_connections", U64, kMCP, "HTTP/1 connections since start", zero, zero, nullptr},
    {"h1_total_streams", U64, kMCP, "HTTP/1 streams since start", zero, zero, nullptr},
    {"h1_bytes_in", U64, kMCP, "HTTP/1 bytes received", zero, zero, nullptr},
    {"h1_bytes_out", U64, kMCP, "HTTP/1 bytes sent", zero, zero, nullptr},
    {"h1_spliced_bytes_in", U64, kMCP, "HTTP/1 bytes received by splicing", zero, zero, nullptr},
    {"h1_spliced_bytes_out", U64, kMCP, "HTTP/1 bytes sent by splicing", zero, zero, nullptr},
}};

}  // namespace

Getter FieldDef::getter(RowKind kind) const {
  switch (kind) {
    case RowKind::Frontend:
      return frontend;
    case RowKind::Backend:
      return backend;
    case RowKind::Server:
      return server;
  }
  return nullptr;
}

Tags FieldDef::tags_for(RowKind kind) const {
  if (kind == RowKind::Backend && backend_gauge)
    return Tags{Origin::Metric, Nature::Gauge, Scope::Process};
  return tags;
}

std::span<const FieldDef> stat_fields() {
  return kFields;
}

char origin_code(Origin o) {
  return "MSKCP"[static_cast<int>(o)];
}
char nature_code(Nature n) {
  return "GLmMRCDATNOa"[static_cast<int>(n)];
}
char scope_code(Scope s) {
  return "PSsC"[static_cast<int>(s)];
}

std::string_view origin_word(Origin o) {
  static constexpr std::string_view kWords[] = {"Metric", "Status", "Key", "Config", "Product"};
  return kWords[static_cast<int>(o)];
}
std::string_view nature_word(Nature n) {
  static constexpr std::string_view kWords[] = {"Gauge", "Limit",   "Min",      "Max",
                                                "Rate",  "Counter", "Duration", "Age",
                                                "Time",  "Name",    "Output",   "Avg"};
  return kWords[static_cast<int>(n)];
}
std::string_view scope_word(Scope s) {
  static constexpr std::string_view kWords[] = {"Process", "Service", "System", "Cluster"};
  return kWords[static_cast<int>(s)];
}
std::string_view type_name(FieldType t) {
  static constexpr std::string_view kNames[] = {"u32", "u64", "s32", "str"};
  return kNames[static_cast<int>(t)];
}

}  // namespace ferry::stats
