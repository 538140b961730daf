// The worker's end of its socketpair with the master (master-worker mode). The worker writes
// "ready\n" once it accepts connections. The master asks, one line at a time, and each answer
// ends with an empty line:
//   "status\n"        -> "<sessions> <servers up> <servers total>\n\n"
//   "servers-state\n" -> `show servers state` with UNIX paths (for the next worker), then "\n"
// End of file means the master is gone: the worker soft-stops (its sessions finish, nothing new
// is accepted) rather than run unsupervised.
#pragma once

#include <string>

#include "core/engine.hpp"
#include "core/event_loop.hpp"
#include "core/fd.hpp"

namespace ferry::app {

class MasterChannel {
 public:
  // Runs on the engine's main loop; never blocks it (what the master does not read yet waits
  // in out_).
  MasterChannel(core::Engine& engine, core::Fd fd);
  MasterChannel(const MasterChannel&) = delete;
  MasterChannel& operator=(const MasterChannel&) = delete;

  void tell_ready();

 private:
  void on_event(int events);
  void read_requests();
  std::string answer(const std::string& request) const;
  void send(const std::string& text);
  void flush();
  void master_gone();

  core::Engine& engine_;
  core::Fd fd_;
  std::string in_;
  std::string out_;
  bool gone_ = false;
  core::IoWatcher<MasterChannel, &MasterChannel::on_event> watcher_;
};

}  // namespace ferry::app
