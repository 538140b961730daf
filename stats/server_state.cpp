#include "stats/server_state.hpp"

#include <algorithm>
#include <optional>

#include "conf/number.hpp"
#include "core/server_control.hpp"

namespace ferry::stats {

namespace {

constexpr std::string_view kHeader =
    "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight "
    "srv_iweight srv_time_since_last_change srv_check_status srv_check_result "
    "srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id "
    "srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr "
    "srv_agent_port\n";

constexpr int kCheckConfigured = 2;  // srv_check_state bits
constexpr int kCheckEnabled = 4;

// `unix@PATH` or `abns@NAME`; "-" when it cannot be one word of the format.
std::string unix_text(const core::Server& s) {
  const std::string text =
      s.addr.is_abstract() ? "abns@" + s.addr.to_string().substr(1) : "unix@" + s.addr.unix_path();
  return text.find_first_of(" \t\n") == std::string::npos ? text : "-";
}

std::string addr_host(const core::Server& s, bool unix_paths) {
  if (s.addr.is_unix()) return unix_paths ? unix_text(s) : "-";
  std::string text = s.addr.to_string();  // "1.2.3.4:80" or "[::1]:80"
  text.erase(text.rfind(':'));
  if (!text.empty() && text.front() == '[') text = text.substr(1, text.size() - 2);
  return text;
}

// srv_check_result: 0 unknown, 1 neutral, 2 failed, 3 passed, 4 conditionally passed.
int check_result(core::CheckStatus st) {
  using core::CheckStatus;
  switch (st) {
    case CheckStatus::Unknown:
    case CheckStatus::Init:
      return 0;
    case CheckStatus::Checked:
      return 1;
    case CheckStatus::L4Ok:
    case CheckStatus::L6Ok:
    case CheckStatus::L7Ok:
      return 3;
    case CheckStatus::L7OkC:
      return 4;
    default:
      return 2;
  }
}

// srv_check_state bits: 1 running, 2 configured, 4 enabled, 8 paused. As HAProxy shows it,
// maintenance pauses a configured check, and a server `disabled` in the config shows paused
// even without a check, and still after `enable server`.
int check_state(const core::Server& s) {
  const auto& c = s.check;
  const bool paused = c.paused || (c.configured && s.in_maint()) ||
                      (s.admin_flags & core::admin::kConfigMaint) != 0;
  return (c.in_progress ? 1 : 0) | (c.configured ? kCheckConfigured : 0) |
         (c.configured && c.enabled ? kCheckEnabled : 0) | (paused ? 8 : 0);
}

void server_rows(std::string& out, const core::Backend& b, core::Millis now, bool unix_paths) {
  for (const auto& sp : b.servers) {
    const core::Server& s = *sp;
    const long long since = (now - s.last_change).count() / 1000;
    out += std::to_string(b.id) + ' ' + b.name + ' ' + std::to_string(s.id) + ' ' + s.name + ' ' +
           addr_host(s, unix_paths) + ' ' + std::to_string(static_cast<int>(s.op)) + ' ' +
           std::to_string(s.admin_flags) + ' ' + std::to_string(s.uweight) + ' ' +
           std::to_string(s.iweight) + ' ' + std::to_string(since > 0 ? since : 0) + ' ' +
           std::to_string(static_cast<int>(s.check.status)) + ' ' +
           std::to_string(check_result(s.check.status)) + ' ' +
           std::to_string(s.in_maint() ? 0 : s.check.health) + ' ' +
           std::to_string(check_state(s)) + " 0 0 0 - " + std::to_string(s.addr.port()) +
           " - 0 0 - - 0\n";
  }
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t')
      ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// One server line (14 fields at least: through srv_check_state); the error, or "".
std::string parse_server(const std::vector<std::string_view>& f, SavedServer& out) {
  if (f.size() < 14)
    return "has " + std::to_string(f.size()) + " fields, a server line has at least 14";
  const auto op = conf::parse_integer(f[5], 0, 3), admin = conf::parse_integer(f[6], 0, 0xff);
  const auto uw = conf::parse_integer(f[7], 0, 256), iw = conf::parse_integer(f[8], 0, 256);
  const auto cs = conf::parse_integer(f[13], 0, 0xff);
  const auto port =
      f.size() > 18 ? conf::parse_integer(f[18], 0, 65535) : std::optional<long long>(0);
  if (!op || !admin || !uw || !iw || !cs || !port)
    return "has an invalid value (srv_op_state 0-3, srv_admin_state, weights 0-256, "
           "srv_check_state, srv_port)";
  out.backend = std::string(f[1]);
  out.server = std::string(f[3]);
  out.addr = std::string(f[4]);
  out.op_state = static_cast<int>(*op);
  out.admin_state = static_cast<unsigned>(*admin);
  out.uweight = static_cast<int>(*uw);
  out.iweight = static_cast<int>(*iw);
  out.check_state = static_cast<int>(*cs);
  out.port = static_cast<int>(*port);
  return "";
}

// The address as the server's line would save it, for comparison.
std::string saved_text(const std::string& addr, int port) {
  if (addr == "-" || addr.find('@') != std::string::npos) return addr;
  return (addr.find(':') != std::string::npos ? "[" + addr + "]" : addr) + ":" +
         std::to_string(port);
}

// Why the server's address in the config differs from the saved one, or "". A UNIX server saved
// as `-` (HAProxy's form) cannot be compared: its state applies.
std::string address_change(const SavedServer& saved, const core::Server& s) {
  const std::string now = s.addr.is_unix() ? unix_text(s) : s.addr.to_string();
  if (saved.addr == "-" && s.addr.is_unix()) return "";
  const std::string before =
      saved.addr == "-" ? "a UNIX socket" : saved_text(saved.addr, saved.port);
  if (before == now) return "";
  return "its address changed in the configuration (" + before + ", now " + now + ")";
}

std::string subject(const core::Server& s) {
  return "server-state: " + s.backend->name + "/" + s.name + ": ";
}

// Maintenance and drain; false (with a warning) when the config's `disabled` changed.
bool apply_admin(const SavedServer& saved, core::Server& s, core::ServerControl& control,
                 std::vector<std::string>& warnings) {
  namespace admin = core::admin;
  const bool was_disabled = saved.admin_state & admin::kConfigMaint;
  if (was_disabled != ((s.admin_flags & admin::kConfigMaint) != 0)) {
    warnings.push_back(subject(s) + "'disabled' was " +
                       (was_disabled ? "removed from" : "added to") +
                       " its configuration; its saved admin state is ignored");
    return false;
  }
  const bool saved_maint = saved.admin_state & admin::kForcedMaint;
  if (saved_maint != s.in_maint()) control.set_maint(s, saved_maint);
  // HAProxy: a drain the old config's weight 0 implied ends when the weight is no longer 0.
  if (!s.in_maint() && (saved.admin_state & admin::kForcedDrain) &&
      (saved.iweight > 0 || s.iweight == 0))
    control.set_drain(s, true);
  return true;
}

void apply_weight(const SavedServer& saved, core::Server& s, core::ServerControl& control,
                  std::vector<std::string>& warnings) {
  if (saved.iweight != s.iweight) {
    if (saved.uweight != saved.iweight)
      warnings.push_back(subject(s) + "its weight changed in the configuration (" +
                         std::to_string(saved.iweight) + ", now " + std::to_string(s.iweight) +
                         "); the weight set at run time (" + std::to_string(saved.uweight) +
                         ") is ignored");
    return;
  }
  if (saved.uweight != s.uweight) control.set_weight(s, saved.uweight);
}

void apply_server(const SavedServer& saved, core::Server& s, core::ServerControl& control,
                  std::vector<std::string>& warnings) {
  if (auto why = address_change(saved, s); !why.empty()) {
    warnings.push_back(subject(s) + why + "; its saved state is ignored");
    return;
  }
  apply_weight(saved, s, control, warnings);
  const bool check_off = (saved.check_state & kCheckConfigured) &&
                         !(saved.check_state & kCheckEnabled) && s.check.configured;
  if (check_off) control.set_checks_enabled(s, false);
  if (!apply_admin(saved, s, control, warnings) || s.in_maint()) return;
  switch (static_cast<core::OpState>(saved.op_state)) {
    case core::OpState::Stopped:
      return control.restore_health(s, core::ForcedHealth::Down);
    case core::OpState::Stopping:
      return control.restore_health(s, core::ForcedHealth::Stopping);
    case core::OpState::Running:  // as HAProxy: full health, not one failed check from DOWN
      if (s.check.configured) control.restore_health(s, core::ForcedHealth::Up);
      return;
    case core::OpState::Starting:
      return;
  }
}

const SavedServer* find_saved(const SavedState& saved, const core::Server& s) {
  for (const auto& line : saved.servers)
    if (line.backend == s.backend->name && line.server == s.name) return &line;
  return nullptr;
}

// Saved servers of `backends` (or of no backend at all) the config no longer has.
void report_gone(const SavedState& saved, const core::Engine& engine,
                 const std::vector<core::Backend*>& backends, std::vector<std::string>& warnings) {
  for (const auto& line : saved.servers) {
    const core::Backend* b = engine.find_backend(line.backend);
    const bool ours = std::find(backends.begin(), backends.end(), b) != backends.end();
    if (!b) {
      warnings.push_back("server-state: " + line.backend + "/" + line.server +
                         ": the configuration has no backend '" + line.backend +
                         "' any more (removed or renamed); its saved state is ignored");
    } else if (ours && std::none_of(b->servers.begin(), b->servers.end(),
                                    [&](const auto& s) { return s->name == line.server; })) {
      warnings.push_back("server-state: " + line.backend + "/" + line.server +
                         ": the configuration has no such server any more (removed or "
                         "renamed); its saved state is ignored");
    }
  }
}

}  // namespace

std::string render_servers_state(const core::Engine& engine, const core::Backend* only,
                                 bool unix_paths) {
  std::string out(kHeader);
  const core::Millis now = engine.loop.now();
  for (const auto& b : engine.backends)
    if (!only || only == b.get()) server_rows(out, *b, now, unix_paths);
  return out;
}

SavedState parse_servers_state(std::string_view text, const std::string& origin) {
  SavedState out;
  size_t line_no = 0;
  bool versioned = false;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    const auto f = words(line);
    if (f.empty() || f[0].starts_with('#')) continue;
    const std::string where = origin + ":" + std::to_string(line_no) + ": ";
    if (!versioned) {
      if (f.size() != 1 || f[0] != "1") {
        out.errors.push_back(where + "the first line must be the format version '1' (what " +
                             "'show servers state' writes); the file is ignored");
        return out;
      }
      versioned = true;
      continue;
    }
    SavedServer s;
    s.line = line_no;
    if (auto err = parse_server(f, s); !err.empty())
      out.errors.push_back(where + "server line " + err + "; the line is ignored");
    else
      out.servers.push_back(std::move(s));
  }
  if (!versioned) out.errors.push_back(origin + ": empty (no version line); the file is ignored");
  return out;
}

std::vector<std::string> apply_servers_state(const SavedState& saved, core::Engine& engine,
                                             const std::vector<core::Backend*>& backends) {
  std::vector<std::string> warnings;
  for (core::Backend* b : backends)
    for (const auto& s : b->servers)
      if (const SavedServer* line = find_saved(saved, *s))
        apply_server(*line, *s, *engine.server_control, warnings);
  report_gone(saved, engine, backends, warnings);
  return warnings;
}

}  // namespace ferry::stats
