// How long a soak test runs and what it measures of the ferry process.
//
// FERRY_SOAK_SECONDS (default 3) sets the traffic time of each soak test: the suite runs the
// short default, tests/soak/run.sh the long form.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "tests/support/deadline.hpp"

namespace ferry::test::soak {

// A sanitized ferry (ferry_sanitized()): its quarantine and shadow memory make RSS say nothing
// about ferry's own use; LeakSanitizer judges leaks at exit instead.

Millis soak_duration();

// A process's open file descriptors and resident memory.
struct Usage {
  int fds = -1;
  long rss_kib = -1;
};
Usage usage_of(pid_t pid);
std::string to_string(const Usage& u);

// Once every connection is gone, ferry holds the fds it started with and its idle splice pipes,
// two fds each (PipesUsed + PipesFree of `show info` on its stats socket `admin`). Polls until it
// does (health checks come and go meanwhile) or `timeout` passes.
struct Settled {
  bool ok = false;
  Usage usage;           // the last sample
  int expected_fds = 0;  // what it should hold
};
Settled wait_settled(pid_t pid, int fds_at_start, const std::string& admin, Millis timeout);

}  // namespace ferry::test::soak
