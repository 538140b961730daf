// What the bench reads about other processes from /proc: CPU time (utime + stime of all threads,
// /proc/PID/stat) and resident memory (VmRSS, /proc/PID/status). A pid of 0 means "none" and
// reads as a negative value, as does a process that is gone.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace ferry::bench {

// CPU seconds (user + system) a process has used so far; -1 when unknown. Kernel tick precision.
double process_cpu_seconds(pid_t pid);
// Resident set size in KiB; -1 when unknown.
int64_t process_rss_kib(pid_t pid);
// This process's own CPU seconds (getrusage), microsecond precision.
double own_cpu_seconds();

// CPU seconds used by the proxy, the backend and this generator between two points in time.
struct CpuWindow {
  void begin(pid_t proxy, pid_t backend);
  void end();
  double proxy_s = -1;
  double backend_s = -1;
  double generator_s = 0;

 private:
  pid_t proxy_ = 0;
  pid_t backend_ = 0;
};

}  // namespace ferry::bench
