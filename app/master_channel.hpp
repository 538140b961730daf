// The worker's end of its socketpair with the master (master-worker mode). The worker writes
// "ready\n" once it accepts connections. The master asks, one line at a time:
//   "status\n" -> "<sessions> <servers up> <servers total>\n\n"
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
  // Runs on the engine's main loop.
  MasterChannel(core::Engine& engine, core::Fd fd);
  MasterChannel(const MasterChannel&) = delete;
  MasterChannel& operator=(const MasterChannel&) = delete;

  void tell_ready();

 private:
  void on_readable(int events);
  std::string answer(const std::string& request) const;
  void send_all(const std::string& text);

  core::Engine& engine_;
  core::Fd fd_;
  std::string in_;
  core::IoWatcher<MasterChannel, &MasterChannel::on_readable> watcher_;
};

}  // namespace ferry::app
