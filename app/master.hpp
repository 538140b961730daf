// Master-worker mode (-W, and -Ws with systemd notifications), as HAProxy's: the master binds
// every frontend socket and holds it with the pidfile, forks a worker that listens on those
// sockets, and supervises it. SIGUSR2 or SIGHUP reloads: the master re-reads and checks the
// config (a bad one leaves the running worker alone and says why), binds only new addresses,
// asks the running worker for its servers' state, forks a new worker on the same sockets that
// applies it before serving, and once that one accepts, soft-stops the old one (SIGUSR1;
// `hard-stop-after` bounds it). The master itself never carries traffic.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "app/command_line.hpp"
#include "app/listen_sockets.hpp"
#include "conf/model.hpp"

namespace ferry::app {

// What a worker gets from the master that forked it.
struct WorkerStart {
  HeldSockets* sockets = nullptr;  // listen on these; forget() them once the runtime is built
  int channel = -1;                // the worker's end of its socketpair with the master
  // On a reload: the previous worker's servers' state (`show servers state` with UNIX paths),
  // to apply before serving; empty at the first start or when that worker did not answer.
  std::string server_state;
  pid_t state_from = 0;  // the worker that gave it
};

// Runs the worker in the forked child; returns its exit status.
using WorkerMain = std::function<int(const conf::Config&, WorkerStart&)>;

// Runs the master until it stops; returns its exit status: 0 after SIGTERM or SIGUSR1, 130
// after SIGINT, otherwise the status of the last worker (128 + signal when it was killed).
int run_master(const CommandLine& cmd, conf::Config config, const WorkerMain& worker_main);

}  // namespace ferry::app
