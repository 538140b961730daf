#include "tests/support/ferry_process.hpp"
#include "tests/support/child_exec.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace ferry::test {

namespace {

pid_t spawn(const std::vector<std::string>& args, const std::string& out, const std::string& err) {
  std::vector<char*> argv;
  for (const auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0)
    exec_child(argv[0], argv.data(), nullptr, ChildIo{"/dev/null", out.c_str(), err.c_str()},
               parent, false);
  return pid;
}

ExitStatus decode(int wstatus) {
  ExitStatus s;
  s.exited = WIFEXITED(wstatus);
  s.code = s.exited ? WEXITSTATUS(wstatus) : -1;
  s.signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
  return s;
}

// Reaps `pid` if it has ended.
std::optional<ExitStatus> try_reap(pid_t pid) {
  int wstatus = 0;
  const pid_t r = ::waitpid(pid, &wstatus, WNOHANG);
  if (r == pid) return decode(wstatus);
  return std::nullopt;
}

std::optional<ExitStatus> reap_within(pid_t pid, Millis timeout) {
  std::optional<ExitStatus> st;
  poll_until([&] { return (st = try_reap(pid)).has_value(); }, timeout, 1ms);
  return st;
}

ExitStatus kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  return decode(wstatus);
}

// The inodes of the sockets process `pid` has open.
std::set<unsigned long> socket_inodes(pid_t pid) {
  std::set<unsigned long> out;
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (const dirent* e = ::readdir(d)) {
    char target[64] = {};
    const std::string link = dir + "/" + e->d_name;
    if (::readlink(link.c_str(), target, sizeof(target) - 1) <= 0) continue;
    unsigned long inode = 0;
    if (std::sscanf(target, "socket:[%lu]", &inode) == 1) out.insert(inode);
  }
  ::closedir(d);
  return out;
}

// Listening TCP sockets on `port` (any local address) from /proc/net/tcp{,6}: their inodes.
std::set<unsigned long> tcp_listeners(uint16_t port) {
  std::set<unsigned long> out;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string sl, local, remote, state, skip;
      unsigned long inode = 0;
      f >> sl >> local >> remote >> state >> skip >> skip >> skip >> skip >> skip >> inode;
      const auto colon = local.rfind(':');
      if (state != "0A" || colon == std::string::npos) continue;
      if (std::stoul(local.substr(colon + 1), nullptr, 16) == port) out.insert(inode);
    }
  }
  return out;
}

// Listening UNIX sockets from /proc/net/unix whose name is one of `names`: their inodes.
std::set<unsigned long> unix_listeners(const std::vector<std::string>& names) {
  constexpr unsigned long kAcceptCon = 0x10000;  // __SO_ACCEPTCON: a listening socket
  std::set<unsigned long> out;
  std::ifstream in("/proc/net/unix");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string num, refs, proto, flags, type, st, path;
    unsigned long inode = 0;
    f >> num >> refs >> proto >> flags >> type >> st >> inode >> path;
    if (!(std::stoul(flags, nullptr, 16) & kAcceptCon)) continue;
    for (const auto& n : names)
      if (path == n) out.insert(inode);
  }
  return out;
}

bool owns_any(pid_t pid, const std::set<unsigned long>& inodes) {
  if (inodes.empty()) return false;
  for (unsigned long i : socket_inodes(pid))
    if (inodes.count(i)) return true;
  return false;
}

}  // namespace

std::string ferry_binary() {
  const char* chosen = std::getenv("FERRY_TEST_BIN");
  return chosen && *chosen ? chosen : FERRY_BIN;
}

std::string ferry_binary_dir() {
  const std::string bin = ferry_binary();
  const auto slash = bin.rfind('/');
  return slash == std::string::npos ? "." : bin.substr(0, slash);
}

bool ferry_sanitized() {
  static const bool sanitized = [] {
    const std::string command = "'" + ferry_binary() + "' -vv";
    FILE* out = ::popen(command.c_str(), "r");
    if (!out) throw std::runtime_error("cannot run " + command);
    std::string text;
    char chunk[4096];
    for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, out)) > 0;)
      text.append(chunk, n);
    ::pclose(out);
    const auto at = text.find("SANITIZERS = ");
    if (at == std::string::npos) throw std::runtime_error(command + " printed no SANITIZERS line");
    return text.compare(at + 13, 4, "none") != 0;
  }();
  return sanitized;
}

std::string to_string(const ExitStatus& s) {
  if (s.exited) return "exit code " + std::to_string(s.code);
  if (s.signal) return std::string("killed by signal ") + ::strsignal(s.signal);
  return "not ended";
}

FerryProcess::FerryProcess(const TempDir& dir, const std::string& config,
                           std::vector<std::string> extra_args)
    : config_path_(dir.write_file("ferry.cfg", config)),
      out_path_(dir.file("ferry.stdout")),
      err_path_(dir.file("ferry.stderr")) {
  std::vector<std::string> args = {ferry_binary(), "-db", "-f", config_path_};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn(args, out_path_, err_path_);
}

FerryProcess::~FerryProcess() {
  stop();
}

bool FerryProcess::running() {
  if (!status_) status_ = try_reap(pid_);
  return !status_;
}

bool FerryProcess::is_listening_tcp(uint16_t port) const {
  return owns_any(pid_, tcp_listeners(port));
}

bool FerryProcess::is_listening_unix(const UnixAddress& addr) const {
  std::vector<std::string> names = {addr.proc_text()};
  // ferry binds a temporary name and renames it; /proc keeps showing the name bound.
  if (addr.kind == UnixAddress::Kind::Path)
    names.push_back(addr.name + "." + std::to_string(pid_) + ".tmp");
  return owns_any(pid_, unix_listeners(names));
}

bool FerryProcess::wait_listening_tcp(uint16_t port, Millis timeout) {
  return poll_until([&] { return !running() || is_listening_tcp(port); }, timeout) && running();
}

bool FerryProcess::wait_listening_unix(const UnixAddress& addr, Millis timeout) {
  return poll_until([&] { return !running() || is_listening_unix(addr); }, timeout) && running();
}

void FerryProcess::signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

std::string FerryProcess::exit_text(Millis timeout) {
  const auto status = wait_exit(timeout);
  return status ? to_string(*status) : "still running";
}

std::optional<ExitStatus> FerryProcess::wait_exit(Millis timeout) {
  if (!status_) status_ = reap_within(pid_, timeout);
  return status_;
}

ExitStatus FerryProcess::stop(Millis grace) {
  if (pid_ < 0) return {};
  if (running()) {
    ::kill(pid_, SIGTERM);
    if (!wait_exit(grace)) status_ = kill_and_reap(pid_);
  }
  return *status_;
}

bool FerryProcess::stop_cleanly(Millis grace) {
  if (!running()) return false;
  const ExitStatus st = stop(grace);
  return st.exited && st.code == 0;
}

std::string FerryProcess::stdout_text() const {
  return read_file(out_path_);
}
std::string FerryProcess::stderr_text() const {
  return read_file(err_path_);
}

bool FerryProcess::wait_output(const std::string& needle, Millis timeout) const {
  return poll_until([&] { return output().find(needle) != std::string::npos; }, timeout, 5ms);
}

RunResult run_ferry(const std::vector<std::string>& args, Millis timeout) {
  const TempDir dir;
  std::vector<std::string> argv = {ferry_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = spawn(argv, dir.file("stdout"), dir.file("stderr"));
  RunResult r;
  const auto st = reap_within(pid, timeout);
  r.status = st ? *st : kill_and_reap(pid);
  r.out = read_file(dir.file("stdout"));
  r.err = read_file(dir.file("stderr"));
  return r;
}

std::string fill_template(std::string text,
                          const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [key, value] : values) {
    const std::string pattern = "{" + key + "}";
    for (size_t at = text.find(pattern); at != std::string::npos;
         at = text.find(pattern, at + value.size()))
      text.replace(at, pattern.size(), value);
  }
  return text;
}

long cpu_ticks(pid_t pid) {
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');  // the command name may hold spaces
  if (paren == std::string::npos) return -1;
  std::istringstream in(stat.substr(paren + 2));
  std::string field;
  long utime = -1, stime = -1;
  for (int i = 3; i <= 15 && in >> field; ++i) {  // fields 14 and 15: utime, stime
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return utime < 0 || stime < 0 ? -1 : utime + stime;
}

long rss_kib(pid_t pid) {
  std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace ferry::test
