#include "tests/support/admin_programs.hpp"
#include "tests/support/child_exec.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>

extern char** environ;

namespace ferry::test {

namespace {

bool is_executable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// The test's environment with `overrides` applied, as execve takes it.
std::vector<std::string> environment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    const auto eq = kv.find('=');
    if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : overrides)
    vars[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : vars)
    out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

ExitStatus decode(int wstatus) {
  ExitStatus s;
  s.exited = WIFEXITED(wstatus);
  s.code = s.exited ? WEXITSTATUS(wstatus) : -1;
  s.signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
  return s;
}

// Kills what is left of the group of `pid` (a zombie not yet reaped, so the id cannot have been
// reused), then reaps it.
ExitStatus kill_group_and_reap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  return decode(wstatus);
}

}  // namespace

ProgramSpec shell(std::string script, std::vector<std::pair<std::string, std::string>> env) {
  return ProgramSpec{{"/bin/sh", "-c", std::move(script)}, "", std::move(env)};
}

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return is_executable(name) ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = std::string(path ? path : "/usr/bin:/bin") + ":/usr/sbin:/sbin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (end > start && is_executable(candidate)) return candidate;
    start = end + 1;
  }
  return "";
}

Program::Program(const TempDir& dir, const std::string& name, const ProgramSpec& spec)
    : out_path_(dir.file(name + ".stdout")), err_path_(dir.file(name + ".stderr")) {
  if (spec.argv.empty()) throw std::runtime_error("Program: empty argv");
  const std::string path = find_program(spec.argv[0]);
  if (path.empty()) throw std::runtime_error("Program: '" + spec.argv[0] + "' is not installed");
  const std::string in_path = dir.write_file(name + ".stdin", spec.input);
  std::vector<std::string> args = spec.argv;
  std::vector<std::string> env = environment(spec.env);
  const std::vector<char*> argv = pointers(args);
  const std::vector<char*> envp = pointers(env);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid_ == 0)
    exec_child(path.c_str(), argv.data(), envp.data(),
               ChildIo{in_path.c_str(), out_path_.c_str(), err_path_.c_str()}, parent, true);
  ::setpgid(pid_, pid_);  // also here, so that the group exists before we ever signal it
}

Program::~Program() {
  stop();
}

std::optional<ExitStatus> Program::try_finish() {
  if (status_) return status_;
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
      info.si_pid == pid_)
    status_ = kill_group_and_reap(pid_);
  return status_;
}

bool Program::running() {
  return !try_finish();
}

std::optional<ExitStatus> Program::wait_exit(Millis timeout) {
  poll_until([&] { return try_finish().has_value(); }, timeout, 1ms);
  return status_;
}

ExitStatus Program::stop(Millis grace) {
  if (try_finish()) return *status_;
  ::kill(-pid_, SIGTERM);
  if (wait_exit(grace)) return *status_;
  status_ = kill_group_and_reap(pid_);
  return *status_;
}

std::string Program::out() const {
  return read_file(out_path_);
}

std::string Program::err() const {
  return read_file(err_path_);
}

std::string ProgramResult::describe() const {
  return to_string(status) + (timed_out ? " (timed out)" : "") + "\n--- stdout:\n" + out +
         "--- stderr:\n" + err;
}

ProgramResult run_program(const ProgramSpec& spec, Millis timeout) {
  TempDir dir;
  Program p(dir, "program", spec);
  ProgramResult r;
  const auto status = p.wait_exit(timeout);
  r.timed_out = !status;
  r.status = status ? *status : p.stop();
  r.out = p.out();
  r.err = p.err();
  return r;
}

}  // namespace ferry::test
