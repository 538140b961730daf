#include "tests/support/child_exec.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace ferry::test {

void exec_child(const char* path, char* const* argv, char* const* envp, ChildIo io, pid_t parent,
                bool own_group) {
  if (own_group) ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test that crashed
  if (::getppid() != parent) ::_exit(127);
  const int in_fd = ::open(io.in, O_RDONLY);
  const int out_fd = ::open(io.out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err_fd = ::open(io.err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in_fd < 0 || out_fd < 0 || err_fd < 0) ::_exit(127);
  ::dup2(in_fd, STDIN_FILENO);
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(err_fd, STDERR_FILENO);
  ::close_range(3, ~0U, 0);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  if (envp)
    ::execve(path, argv, envp);
  else
    ::execv(path, argv);
  ::_exit(127);
}

}  // namespace ferry::test
