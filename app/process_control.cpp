#include "app/process_control.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ferry::app {

FdLimit raise_fd_limit(unsigned long wanted) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return {1024, 1024};
  if (wanted > 0 && rl.rlim_cur < wanted) {
    rlimit want = rl;
    want.rlim_cur = (rl.rlim_max == RLIM_INFINITY || wanted <= rl.rlim_max) ? wanted : rl.rlim_max;
    if (want.rlim_cur > rl.rlim_max && rl.rlim_max != RLIM_INFINITY) want.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
  }
  return {rl.rlim_cur, rl.rlim_max};
}

std::string daemonize() {
  const pid_t pid = ::fork();
  if (pid < 0) return std::string("cannot fork: ") + std::strerror(errno);
  if (pid > 0) std::_Exit(0);
  ::setsid();
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) ::close(null);
  }
  return "";
}

std::string write_pidfile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return "cannot write pidfile '" + path + "': " + std::strerror(errno);
  std::fprintf(f, "%d\n", static_cast<int>(::getpid()));
  std::fclose(f);
  return "";
}

void remove_pidfile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return;
  long pid = 0;
  const bool ours = std::fscanf(f, "%ld", &pid) == 1 && pid == static_cast<long>(::getpid());
  std::fclose(f);
  if (ours) ::unlink(path.c_str());
}

std::vector<std::string> signal_pids(const std::vector<pid_t>& pids, int sig) {
  std::vector<std::string> errors;
  for (pid_t pid : pids)
    if (::kill(pid, sig) != 0 && errno != ESRCH)
      errors.push_back("cannot signal process " + std::to_string(pid) + ": " +
                       std::strerror(errno));
  return errors;
}

}  // namespace ferry::app
