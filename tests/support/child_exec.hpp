// The child side of fork+exec for test processes (ferry, socat, nc, logrotate...): stdio from/to
// files, no inherited fds or blocked signals, killed with the test process if that one dies.
#pragma once

#include <sys/types.h>

namespace ferry::test {

struct ChildIo {
  const char* in = "/dev/null";
  const char* out = "/dev/null";
  const char* err = "/dev/null";
};

// Call only between fork() and exec (async-signal-safe calls only). `envp` nullptr keeps the
// current environment; `own_group` puts the child in a process group of its own.
[[noreturn]] void exec_child(const char* path, char* const* argv, char* const* envp, ChildIo io,
                             pid_t parent, bool own_group);

}  // namespace ferry::test
