// Test fixture for the stats layer: an engine holding the runtime of the reference capture
// (reference 1.2): frontend fe_main (iid 2) -> backend be_app (iid 3), roundrobin, three checked
// UNIX servers s1, s2 (UP, L4OK) and s3 (DOWN, SOCKERR), 8 s after start. Plus a fake
// ServerControl that applies each change the way HAProxy does and records it.
#pragma once

#include <string>
#include <vector>

#include "core/backend.hpp"
#include "core/engine.hpp"
#include "core/event_loop.hpp"
#include "core/frontend.hpp"
#include "core/log.hpp"
#include "core/server_control.hpp"
#include "stats/commands.hpp"

namespace ferry::stats::test {

using core::Millis;

// Records every call; applies the state HAProxy shows after it (reference section 5).
class FakeControl : public core::ServerControl {
 public:
  std::vector<std::string> calls;

  void set_maint(core::Server& s, bool on) override {
    calls.push_back(s.name + (on ? " maint on" : " maint off"));
    if (on) {
      s.admin_flags |= core::admin::kForcedMaint;
      s.op = core::OpState::Stopped;
      s.check.paused = true;
    } else {
      s.admin_flags &= ~core::admin::kForcedMaint;  // kConfigMaint stays, as in HAProxy
      s.op = core::OpState::Running;
      s.check.paused = false;
      s.check.health = s.check.rise;
    }
    s.backend->server_changed(s);
  }
  void set_drain(core::Server& s, bool on) override {
    calls.push_back(s.name + (on ? " drain on" : " drain off"));
    if (on)
      s.admin_flags |= core::admin::kForcedDrain;
    else
      s.admin_flags &= ~core::admin::kForcedDrain;
    s.backend->server_changed(s);
  }
  void set_weight(core::Server& s, int w) override {
    calls.push_back(s.name + " weight " + std::to_string(w));
    s.uweight = w;
    s.backend->server_changed(s);
  }
  void set_health(core::Server& s, core::ForcedHealth h) override {
    const char* names[] = {"up", "stopping", "down"};
    calls.push_back(s.name + " health " + names[static_cast<int>(h)]);
  }
  void set_checks_enabled(core::Server& s, bool on) override {
    calls.push_back(s.name + (on ? " checks on" : " checks off"));
    s.check.enabled = on;
  }
  void restore_health(core::Server& s, core::ForcedHealth h) override {
    const char* names[] = {"up", "stopping", "down"};
    calls.push_back(s.name + " restored " + names[static_cast<int>(h)]);
    const core::OpState ops[] = {core::OpState::Running, core::OpState::Stopping,
                                 core::OpState::Stopped};
    if (!s.in_maint()) s.op = ops[static_cast<int>(h)];
  }
  void shutdown_sessions(core::Server& s) override { calls.push_back(s.name + " shutdown"); }
};

struct Runtime {
  core::EventLoop loop;
  core::Log log;
  core::Engine engine;
  FakeControl control;
  ProcessInfo process;
  CliContext ctx;
  Millis now;

  Runtime() : engine(loop, quiet(log), 9983), ctx{engine, process, {}}, now(loop.now()) {
    engine.server_control = &control;
    process.pid = 4242;
    process.node = "testhost";
    process.ulimit_n = 20000;
    auto be = std::make_unique<core::Backend>(engine, "be_app", 3, backend_settings());
    be->last_change = now - Millis(8000);
    add_server(*be, "s1", 1);
    add_server(*be, "s2", 2);
    core::Server& s3 = add_server(*be, "s3", 3);
    mark_socket_error(s3);
    auto fe = std::make_unique<core::Frontend>(engine, "fe_main", 2, frontend_settings());
    fe->backend = be.get();
    engine.backends.push_back(std::move(be));
    engine.frontends.push_back(std::move(fe));
  }

  core::Backend& backend() { return *engine.backends.front(); }
  core::Server& server(size_t i) { return *backend().servers.at(i); }

  static core::Log& quiet(core::Log& log) {
    log.set_stderr(false);
    return log;
  }
  static core::BackendSettings backend_settings() {
    core::BackendSettings st;
    st.fullconn = 999;
    return st;
  }
  static core::FrontendSettings frontend_settings() {
    core::FrontendSettings st;
    st.maxconn = 9983;
    return st;
  }
  core::Server& add_server(core::Backend& be, const std::string& name, int id) {
    auto s = std::make_unique<core::Server>();
    s->name = name;
    s->id = id;
    s->index = be.servers.size();
    s->backend = &be;
    conf::Address a;
    a.kind = conf::AddressKind::Unix;
    a.family = AF_UNIX;
    a.path = "/run/ha/" + name + ".sock";
    s->addr = core::SockAddr::from(a);
    s->addr_text = "unix";
    s->last_change = now - Millis(8000);
    s->check.configured = s->check.enabled = true;
    s->check.health = 4;
    s->check.status = core::CheckStatus::L4Ok;
    s->check.duration_ms = 0;
    be.servers.push_back(std::move(s));
    return *be.servers.back();
  }
  void mark_socket_error(core::Server& s) {
    s.op = core::OpState::Stopped;
    s.last_change = s.down_since = now - Millis(7000);
    s.check.health = 0;
    s.check.status = core::CheckStatus::SockErr;
    s.check.last_text = "General socket error (No such file or directory)";
    s.check.chkfail = s.check.chkdown = 1;
  }
};

// Runs one command line (split like the CLI does) on a session of the given level.
inline Reply run(Runtime& rt, const std::vector<std::string>& words,
                 conf::Level level = conf::Level::Admin) {
  CliSession session;
  session.bind_level = session.level = level;
  return run_command(words, session, rt.ctx);
}

// Splits "a b c" on single spaces (the CLI's own splitting is tested apart).
inline std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p <= line.size()) {
    const size_t sp = line.find(' ', p);
    const size_t end = sp == std::string::npos ? line.size() : sp;
    if (end > p) out.push_back(line.substr(p, end - p));
    p = end + 1;
  }
  return out;
}

inline Reply run(Runtime& rt, const std::string& line, conf::Level level = conf::Level::Admin) {
  return run(rt, words(line), level);
}

}  // namespace ferry::stats::test
