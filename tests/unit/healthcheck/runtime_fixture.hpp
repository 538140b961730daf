// A real event loop, engine and backend for the tests of the check task and the controller:
// servers on UNIX paths in a private temp dir, no balancer (the backend copes without one), and
// helpers to run the loop until a condition holds.
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/backend.hpp"
#include "core/engine.hpp"
#include "core/event_loop.hpp"
#include "core/log.hpp"
#include "core/sockaddr.hpp"
#include "tests/support/temp_dir.hpp"

namespace ferry::healthcheck::test {

using core::Millis;

// Runs the loop until `done()` holds (checked every millisecond) or `limit` passes.
class LoopRunner {
 public:
  explicit LoopRunner(core::EventLoop& loop) : loop_(loop), poll_(loop, this) {}
  bool run_until(std::function<bool()> done, Millis limit) {
    done_ = std::move(done);
    loop_.update_now();
    until_ = loop_.now() + limit;
    poll_.start(Millis{0});
    loop_.run();
    return done_();
  }

 private:
  void on_poll() {
    if (done_() || loop_.now() >= until_) return loop_.stop();
    poll_.start(Millis{1});
  }
  core::EventLoop& loop_;
  std::function<bool()> done_;
  Millis until_{0};
  core::TimerWatcher<LoopRunner, &LoopRunner::on_poll> poll_;
};

// A UNIX listener that never accepts: connects succeed while its backlog has room.
struct IdleListener {
  int fd = -1;
  explicit IdleListener(const std::string& path) {
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    path.copy(sun.sun_path, sizeof(sun.sun_path) - 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof(sun)) == 0);
    REQUIRE(::listen(fd, 64) == 0);
  }
  ~IdleListener() { ::close(fd); }
};

struct RuntimeFixture {
  ferry::test::TempDir dir;
  core::EventLoop loop;
  core::Log log;
  core::Engine engine{loop, log, 100};
  core::Backend* backend = nullptr;
  LoopRunner runner{loop};

  RuntimeFixture() {
    log.set_stderr(false);
    engine.backends.push_back(
        std::make_unique<core::Backend>(engine, "be", 1, core::BackendSettings{}));
    backend = engine.backends.back().get();
  }

  // Adds a server on `dir`/<name>.sock.
  core::Server& add_server(const std::string& name, bool backup = false) {
    auto s = std::make_unique<core::Server>();
    s->name = name;
    s->id = static_cast<int>(backend->servers.size()) + 1;
    s->index = backend->servers.size();
    s->backup = backup;
    s->backend = backend;
    conf::Address a;
    a.kind = conf::AddressKind::Unix;
    a.family = AF_UNIX;
    a.path = dir.file(name + ".sock");
    a.text = a.path;
    s->addr = core::SockAddr::from(a);
    backend->servers.push_back(std::move(s));
    return *backend->servers.back();
  }

  std::string path(const std::string& name) const { return dir.file(name + ".sock"); }
  bool run_until(std::function<bool()> done, Millis limit = Millis{2000}) {
    return runner.run_until(std::move(done), limit);
  }
};

// File descriptors this process holds now.
inline int own_fd_count() {
  int n = 0;
  for (int fd = 0; fd < 4096; ++fd)
    n += ::fcntl(fd, F_GETFD) != -1;
  return n;
}

}  // namespace ferry::healthcheck::test
