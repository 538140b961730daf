#include "bench/proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace ferry::bench {

double process_cpu_seconds(pid_t pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return -1;
  // The command name (field 2) may hold spaces: fields are counted from its closing parenthesis.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int field = 3; field < 14; ++field)
    fields >> skip;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  if (!(fields >> utime >> stime)) return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

int64_t process_rss_kib(pid_t pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    long long kib = 0;
    if (std::sscanf(line.c_str(), "VmRSS: %lld kB", &kib) == 1) return kib;
  }
  return -1;
}

double own_cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

void CpuWindow::begin(pid_t proxy, pid_t backend) {
  proxy_ = proxy;
  backend_ = backend;
  proxy_s = process_cpu_seconds(proxy);
  backend_s = process_cpu_seconds(backend);
  generator_s = own_cpu_seconds();
}

void CpuWindow::end() {
  auto delta = [](double before, double after) {
    return before < 0 || after < 0 ? -1 : after - before;
  };
  proxy_s = delta(proxy_s, process_cpu_seconds(proxy_));
  backend_s = delta(backend_s, process_cpu_seconds(backend_));
  generator_s = own_cpu_seconds() - generator_s;
}

}  // namespace ferry::bench
