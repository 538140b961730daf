// ferryctl: the admin client, so nobody needs socat. Sends HAProxy runtime-API commands to a
// stats socket (ferry's or HAProxy's) and prints the replies, with an exit status scripts can
// trust: 0 success, 1 error reply, 2 usage error, 3 cannot connect, 4 a wait that expired.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "conf/duration.hpp"
#include "stats/cli_parser.hpp"
#include "stats/ctl_endpoint.hpp"
#include "stats/ctl_reply.hpp"
#include "stats/ferryctl/socket_client.hpp"
#include "stats/info_fields.hpp"

namespace ferry::ctl {
namespace {

using Millis = std::chrono::milliseconds;

constexpr const char* kUsage =
    "usage: ferryctl [-s SOCKET|HOST:PORT] [-t TIMEOUT] COMMAND...\n"
    "       ferryctl [-s ...] disable BACKEND/SERVER [--wait DURATION]\n"
    "       ferryctl [-s ...] enable BACKEND/SERVER\n"
    "       ferryctl [-s ...] drain BACKEND/SERVER\n"
    "       ferryctl [-s ...] status\n"
    "\n"
    "Sends runtime API commands (`show stat`, `disable server app/web1`, ...) to a stats\n"
    "socket and prints the replies. Without COMMAND, commands are read from standard input,\n"
    "one per line (or separated by ';').\n"
    "\n"
    "  -s SOCKET   a UNIX socket path (/run/ferry.sock, unix@PATH) or a TCP address\n"
    "              (127.0.0.1:9999, ipv4@HOST:PORT, [::1]:9999); default: $FERRY_SOCKET\n"
    "  -t TIMEOUT  give up after this long (default 30s; a `wait` adds its own delay)\n"
    "  disable     put the server in maintenance; with --wait, then wait until no\n"
    "              connection is left on it (DURATION: 30s, 5m, ...; bare number = seconds)\n"
    "  enable      take the server out of maintenance or drain (state ready)\n"
    "  drain       stop sending new connections to the server (state drain)\n"
    "  status      a table of every backend and server\n"
    "\n"
    "Exit status: 0 success, 1 error reply, 2 usage error, 3 cannot connect, 4 a wait that\n"
    "expired.\n";

// A delay in milliseconds, as the server's `wait` takes it (at most 365 days); `bare` is the unit
// of a bare number. Nothing when `text` is not a time or is out of that range.
std::optional<long long> delay_ms(std::string_view text, conf::TimeUnit bare) {
  constexpr long long kMaxDelayMs = 365LL * 86400 * 1000;
  const auto t = conf::parse_time(text, bare, conf::TimeUnit::Ms, kMaxDelayMs);
  if (t.error != conf::ParsedTime::Error::None) return std::nullopt;
  return t.count;
}

struct Options {
  bool help = false;
  bool version = false;
  std::string socket;
  Millis timeout{30000};
  std::vector<std::string> args;
};

// What to send, and how to show the answer.
struct Plan {
  std::string commands;  // LF-terminated command lines
  bool status_table = false;
};

int usage_error(const std::string& message) {
  std::cerr << "ferryctl: " << message << "\n" << kUsage;
  return stats::kCtlUsage;
}

// Parses the options before the command; returns a usage error text, or "".
std::string parse_options(int argc, char** argv, Options& o) {
  if (const char* env = std::getenv("FERRY_SOCKET")) o.socket = env;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && std::string(argv[i]) != "--"; ++i) {
    const std::string opt = argv[i];
    if ((opt == "-s" || opt == "-t") && i + 1 >= argc) return "option " + opt + " needs a value";
    if (opt == "-h" || opt == "--help") {
      o.help = true;
    } else if (opt == "-v" || opt == "--version") {
      o.version = true;
    } else if (opt == "-s") {
      o.socket = argv[++i];
    } else if (opt == "-t") {
      const auto ms = delay_ms(argv[++i], conf::TimeUnit::S);
      if (!ms || *ms <= 0) return std::string("invalid timeout '") + argv[i] + "'";
      o.timeout = Millis(*ms);
    } else {
      return "unknown option '" + opt + "'";
    }
  }
  if (i < argc && std::string(argv[i]) == "--") ++i;
  o.args.assign(argv + i, argv + argc);
  if (o.socket.empty() && !o.help && !o.version)
    return "no stats socket given (-s SOCKET, or set FERRY_SOCKET)";
  return "";
}

bool is_server_spec(const std::string& s) {
  return s.find('/') != std::string::npos;
}

// The shortcuts; returns a usage error text, or "" (plan filled, or not a shortcut).
std::string shortcut(const std::vector<std::string>& a, Plan& plan) {
  const std::string& verb = a[0];
  if (verb == "status") {
    if (a.size() != 1) return "'status' takes no argument";
    plan.commands = "show stat\n";
    plan.status_table = true;
    return "";
  }
  if (verb != "disable" && verb != "enable" && verb != "drain") return "";
  if (a.size() < 2 || (verb != "drain" && !is_server_spec(a[1]))) {
    if (verb == "drain") return "expected: ferryctl drain BACKEND/SERVER";
    return "";  // `disable server b/s` and the like: a plain command
  }
  const std::string& srv = a[1];
  if (verb == "enable" && a.size() == 2) return plan.commands = "enable server " + srv + "\n", "";
  if (verb == "drain" && a.size() == 2)
    return plan.commands = "set server " + srv + " state drain\n", "";
  if (verb != "disable") return "too many arguments for '" + verb + "'";
  plan.commands = "disable server " + srv + "\n";
  if (a.size() == 2) return "";
  if (a.size() != 4 || a[2] != "--wait")
    return "expected: ferryctl disable BACKEND/SERVER [--wait DURATION]";
  const auto ms = delay_ms(a[3], conf::TimeUnit::S);
  if (!ms || *ms <= 0) return "invalid duration '" + a[3] + "' for --wait";
  plan.commands += "wait " + std::to_string(*ms) + "ms srv-removable " + srv + "\n";
  return "";
}

// Longest time the commands may legitimately take: the sum of their `wait` delays.
Millis waits_in(const std::string& commands) {
  Millis total{0};
  std::string_view rest = commands;
  while (auto cmd = stats::next_command(rest, true)) {
    if (cmd->words.size() >= 2 && cmd->words[0] == "wait")
      if (auto ms = delay_ms(cmd->words[1], conf::TimeUnit::Ms)) total += Millis(*ms);
    rest.remove_prefix(cmd->consumed);
  }
  return total;
}

std::string build_plan(const Options& o, Plan& plan) {
  if (!o.args.empty()) {
    if (auto err = shortcut(o.args, plan); !err.empty() || !plan.commands.empty()) return err;
    for (const auto& w : o.args)
      plan.commands += (plan.commands.empty() ? "" : " ") + w;
    plan.commands += "\n";
    return "";
  }
  plan.commands.assign(std::istreambuf_iterator<char>(std::cin), {});
  if (plan.commands.find_first_not_of(" \t\r\n;") == std::string::npos) return "no command given";
  if (plan.commands.back() != '\n') plan.commands += '\n';
  return "";
}

int run(const Options& o, const Plan& plan) {
  std::string error;
  const auto endpoint = stats::parse_endpoint(o.socket, error);
  if (!endpoint) return usage_error(error);
  const auto deadline = Clock::now() + o.timeout + waits_in(plan.commands);
  Connected c = connect_to(*endpoint, deadline);
  if (!c.fd) {
    std::cerr << "ferryctl: cannot connect to " << endpoint->text() << ": " << c.error << "\n";
    return stats::kCtlCannotConnect;
  }
  const Exchange ex = exchange(c.fd, "set severity-output number\n" + plan.commands, deadline);
  if (!ex.error.empty()) {
    std::cerr << "ferryctl: " << endpoint->text() << ": " << ex.error << "\n";
    return stats::kCtlCannotConnect;
  }
  const stats::CtlOutcome out = stats::interpret_replies(ex.received);
  const int code = out.exit_code();
  const std::string text =
      plan.status_table && code == 0 ? stats::status_table(out.text) : out.text;
  (code == 0 ? std::cout : std::cerr) << text << std::flush;
  return code;
}

}  // namespace
}  // namespace ferry::ctl

int main(int argc, char** argv) {
  using namespace ferry::ctl;
  Options o;
  if (auto err = parse_options(argc, argv, o); !err.empty()) return usage_error(err);
  if (o.help) return std::cout << kUsage, 0;
  if (o.version) return std::cout << "ferryctl " << ferry::stats::kFerryVersion << "\n", 0;
  if (o.args.empty() && ::isatty(STDIN_FILENO)) return usage_error("no command given");
  Plan plan;
  if (auto err = build_plan(o, plan); !err.empty()) return usage_error(err);
  return run(o, plan);
}
