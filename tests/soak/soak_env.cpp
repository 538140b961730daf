#include "tests/soak/soak_env.hpp"

#include <cstdlib>
#include <cstring>

#include "tests/support/admin_client.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/health_backends.hpp"

namespace ferry::test::soak {

Millis soak_duration() {
  const char* text = std::getenv("FERRY_SOAK_SECONDS");
  const long seconds = text ? std::strtol(text, nullptr, 10) : 0;
  return Millis(1000 * (seconds > 0 ? seconds : 3));
}

Usage usage_of(pid_t pid) {
  return {open_fd_count(pid), rss_kib(pid)};
}

namespace {

int pipe_fds(const std::string& admin) {
  const std::string info = admin_query(AdminTarget::unix_socket(admin), "show info");
  int pipes = 0;
  for (const char* field : {"\nPipesUsed: ", "\nPipesFree: "}) {
    const size_t at = info.find(field);
    if (at == std::string::npos) return -1;
    pipes += std::atoi(info.c_str() + at + std::strlen(field));
  }
  return 2 * pipes;
}

}  // namespace

Settled wait_settled(pid_t pid, int fds_at_start, const std::string& admin, Millis timeout) {
  Settled s;
  s.ok = poll_until(
      [&] {
        s.usage = usage_of(pid);
        s.expected_fds = fds_at_start + pipe_fds(admin);
        return s.usage.fds == s.expected_fds;
      },
      timeout);
  return s;
}

std::string to_string(const Usage& u) {
  return std::to_string(u.fds) + " fds, " + std::to_string(u.rss_kib / 1024.0).substr(0, 6) +
         " MiB RSS";
}

}  // namespace ferry::test::soak
