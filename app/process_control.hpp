// Process-level control: fd limits, daemonizing, the pidfile, and telling older processes to
// stop (-sf / -st). Start-up only; nothing here runs on the data path.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ferry::app {

struct FdLimit {
  unsigned long soft = 0;  // in force now
  unsigned long hard = 0;
};
// Raises the soft fd limit to `wanted` (or to the hard limit); returns the limits now in force.
FdLimit raise_fd_limit(unsigned long wanted);

// Forks into the background, detaches from the terminal, points stdio at /dev/null.
// Returns an error message, or "" in the child (the parent exits 0).
std::string daemonize();

// Writes our pid to `path`; returns an error message or "".
std::string write_pidfile(const std::string& path);
// Removes `path` only if it still holds our pid: a newer process (-sf) may have written its own.
void remove_pidfile(const std::string& path);

// Sends `sig` to each pid; returns one message per failure.
std::vector<std::string> signal_pids(const std::vector<pid_t>& pids, int sig);

}  // namespace ferry::app
