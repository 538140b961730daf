#include "app/command_line.hpp"

#include <climits>
#include <string_view>

#include "conf/number.hpp"

namespace ferry::app {

namespace {

bool is_pid(const char* s) {
  if (!s || !*s) return false;
  for (const char* p = s; *p; ++p)
    if (*p < '0' || *p > '9') return false;
  return true;
}

// Collects the PIDs following -sf/-st (HAProxy takes every following numeric word). A number
// that is no process id (0 would signal the whole process group) is an error.
int take_pids(int argc, char** argv, int i, std::vector<pid_t>& out, std::string& error) {
  const std::string option = argv[i];
  while (i + 1 < argc && is_pid(argv[i + 1])) {
    const auto pid = conf::parse_integer(argv[++i], 1, INT_MAX);
    if (!pid) {
      error = "'" + std::string(argv[i]) + "' after " + option +
              " is not a process id (1 to 2147483647)";
      return i;
    }
    out.push_back(static_cast<pid_t>(*pid));
  }
  return i;
}

}  // namespace

bool parse_command_line(int argc, char** argv, CommandLine& out, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_next = i + 1 < argc;
    if (a == "-f" || a == "-p" || a == "-x") {
      if (!has_next) {
        error = "option '" + std::string(a) + "' needs an argument";
        return false;
      }
      if (a == "-f")
        out.config_files.emplace_back(argv[++i]);
      else
        (a == "-p" ? out.pidfile : out.takeover_socket) = argv[++i];
    } else if (a == "-c") {
      out.check_only = true;
    } else if (a == "-d") {
      out.debug = true;
      out.foreground = true;
    } else if (a == "-db") {
      out.foreground = true;
    } else if (a == "-D") {
      out.daemon = true;
    } else if (a == "-W" || a == "-Ws") {
      out.master_worker = true;
      out.systemd_notify = a == "-Ws";
    } else if (a == "-q") {
      out.quiet = true;
    } else if (a == "-v" || a == "-vv" || a == "--version") {
      out.version = true;
      out.build_info = a == "-vv";
    } else if (a == "-h" || a == "--help") {
      out.help = true;
    } else if (a == "--dump-config") {
      out.dump_config = true;
    } else if (a == "--dump-config=haproxy") {
      out.dump_config = out.dump_haproxy = true;
    } else if (parse_proxyd_option(argc, argv, i, out.proxyd, error)) {
      if (!error.empty()) return false;
    } else if (a == "-sf") {
      i = take_pids(argc, argv, i, out.soft_stop_pids, error);
      if (!error.empty()) return false;
    } else if (a == "-st") {
      i = take_pids(argc, argv, i, out.hard_stop_pids, error);
      if (!error.empty()) return false;
    } else {
      error = "unknown option '" + std::string(a) + "'";
      return false;
    }
  }
  if (out.proxyd.active()) {
    error = !out.config_files.empty() ? "-f and --listen/--server exclude each other"
                                      : check_proxyd_options(out.proxyd);
    return error.empty();
  }
  if (out.dump_haproxy) {
    error = "--dump-config=haproxy needs --listen/--server (a config file is its own dump)";
    return false;
  }
  if (!out.help && !out.version && out.config_files.empty()) {
    error = "no configuration file given (use -f FILE, or --listen and --server)";
    return false;
  }
  return true;
}

std::string usage_text() {
  return "Usage: ferry -f CONFIG [-f CONFIG...] [options]\n"
         "  -f FILE|DIR     load a config file (repeatable; a directory loads its *.cfg in\n"
         "                  name order); .yaml/.yml files use the YAML schema\n"
         "  -c              check the configuration and exit (0 valid, 1 invalid)\n"
         "  --dump-config   print the parsed configuration as JSON and exit\n"
         "  -d              debug output, stay in the foreground\n"
         "  -db             stay in the foreground even if the config says `daemon`\n"
         "  -D              run in the background (daemon)\n"
         "  -W              master-worker mode: a master holds the sockets and the pidfile,\n"
         "                  a worker carries the traffic; SIGUSR2 or SIGHUP reloads (the\n"
         "                  servers' state carries over to the new worker)\n"
         "  -Ws             -W, and tell systemd (Type=notify) through $NOTIFY_SOCKET\n"
         "  -p PIDFILE      write the process id to PIDFILE\n"
         "  -sf PID...      once listening, ask these processes to finish (soft stop)\n"
         "  -st PID...      once listening, terminate these processes\n"
         "  -x SOCKET       take the listening sockets (needs 'expose-fd listeners' there)\n"
         "                  and the servers' state over from the old process through its\n"
         "                  stats socket\n"
         "  -q              quiet: no start-up notices\n"
         "  -v              print the version and exit\n"
         "  -vv             print the version, the build options and the libraries' versions\n" +
         std::string(kProxydUsage);
}

}  // namespace ferry::app
