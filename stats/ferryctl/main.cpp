// ferryctl: the admin client, so nobody needs socat. Sends HAProxy runtime-API commands to a
// stats socket (ferry's or HAProxy's) and prints the replies, with an exit status scripts can
// trust: 0 success, 1 error reply, 2 usage error, 3 cannot connect, 4 a wait that expired.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conf/duration.hpp"
#include "conf/number.hpp"
#include "stats/cli_parser.hpp"
#include "stats/ctl_endpoint.hpp"
#include "stats/ctl_reply.hpp"
#include "stats/ferryctl/socket_client.hpp"
#include "stats/ferryctl/top.hpp"
#include "stats/info_fields.hpp"

namespace ferry::ctl {
namespace {

using Millis = std::chrono::milliseconds;

constexpr const char* kUsage =
    "usage: ferryctl [-s SOCKET|HOST:PORT]... [-t TIMEOUT] [TLS OPTIONS] COMMAND...\n"
    "       ferryctl [-s ...] disable BACKEND/SERVER [--wait DURATION] [--keep-up N] [--force]\n"
    "       ferryctl [-s ...] drain BACKEND/SERVER [--wait DURATION] [--keep-up N] [--force]\n"
    "       ferryctl [-s ...] enable BACKEND/SERVER\n"
    "       ferryctl [-s ...] status [--json]\n"
    "       ferryctl [-s ...] top [-i INTERVAL]\n"
    "\n"
    "Sends runtime API commands (`show stat`, `disable server app/web1`, ...) to a stats\n"
    "socket and prints the replies. Without COMMAND, commands are read from standard input,\n"
    "one per line (or separated by ';').\n"
    "\n"
    "  -s SOCKET   a UNIX socket path (/run/ferry.sock, unix@PATH) or a TCP address\n"
    "              (127.0.0.1:9999, ipv4@HOST:PORT, [::1]:9999); default: $FERRY_SOCKET.\n"
    "              Repeat it to send the same commands to several instances, one after\n"
    "              another: success only when every one succeeded\n"
    "  -t TIMEOUT  give up after this long (default 30s; a `wait` adds its own delay)\n"
    "  --tls       speak TLS to a TCP stats socket (`ssl` on its line); implied by\n"
    "              --ca and --cert. The server's certificate must be signed by a CA of\n"
    "              --ca (else the system's) and name the host as written in -s (a DNS\n"
    "              name, or an IP address for an address)\n"
    "  --ca FILE   the CA certificates that sign the server's (default: $FERRY_CA)\n"
    "  --cert FILE the client certificate, for `verify required` sockets; FILE may hold\n"
    "              the key after it, as a `crt` file does (default: $FERRY_CERT)\n"
    "  --key FILE  the client certificate's key (default: $FERRY_KEY, else --cert)\n"
    "  disable     put the server in maintenance; with --wait, then wait until no\n"
    "              connection is left on it (DURATION: 30s, 5m, ...; bare number = seconds)\n"
    "  drain       stop sending new connections to the server (state drain)\n"
    "              disable and drain refuse when the backend would be left with fewer than\n"
    "              N (--keep-up, default 1) other usable servers; with --wait they wait for\n"
    "              that too, within the same DURATION. --force skips this guard (and is\n"
    "              needed against HAProxy, which has no such command)\n"
    "  enable      take the server out of maintenance or drain (state ready)\n"
    "  status      a table of every backend and server; --json: the same as JSON\n"
    "  top         a live view of every backend and server (state, weight, sessions,\n"
    "              rate, total, queue, errors, last check), redrawn every INTERVAL\n"
    "              (1s; 500ms, 2s...; at least 100ms); q or Ctrl-C quits. One socket only\n"
    "\n"
    "Exit status: 0 success, 1 error reply, 2 usage error, 3 cannot connect, 4 a wait that\n"
    "expired, 5 the guard kept the server in rotation (--keep-up); with several sockets, the\n"
    "highest of theirs.\n";

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
  std::vector<std::string> sockets;
  Millis timeout{30000};
  std::vector<std::string> args;
  bool tls = false;
  std::string cert, key, ca;
};

// What to send, and how to show the answer.
struct Plan {
  std::string commands;  // LF-terminated command lines
  bool status_table = false;
  bool status_json = false;
  // Set by a shortcut with --wait: the whole of its waiting, which the commands' own `wait`
  // delays share (otherwise they are summed from the commands).
  std::optional<Millis> wait;
  // `safe disable|drain ...` with --wait: sent as `commands` with what is left of the wait.
  bool guard_waits = false;
  // After `commands` succeeded: wait, within what is left of `wait`, until this server (in
  // maintenance) has no connection left.
  std::string then_removable;
};

int usage_error(const std::string& message) {
  std::cerr << "ferryctl: " << message << "\n" << kUsage;
  return stats::kCtlUsage;
}

// Parses the options before the command; returns a usage error text, or "".
std::string parse_options(int argc, char** argv, Options& o) {
  std::string env_socket;
  if (const char* env = std::getenv("FERRY_SOCKET")) env_socket = env;
  for (auto [name, value] : {std::pair{"FERRY_CERT", &o.cert}, std::pair{"FERRY_KEY", &o.key},
                             std::pair{"FERRY_CA", &o.ca}})
    if (const char* env = std::getenv(name)) *value = env;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && std::string(argv[i]) != "--"; ++i) {
    const std::string opt = argv[i];
    const bool file_option = opt == "--cert" || opt == "--key" || opt == "--ca";
    if ((opt == "-s" || opt == "-t" || file_option) && i + 1 >= argc)
      return "option " + opt + " needs a value";
    if (opt == "-h" || opt == "--help") {
      o.help = true;
    } else if (opt == "-v" || opt == "--version") {
      o.version = true;
    } else if (opt == "--tls") {
      o.tls = true;
    } else if (file_option) {
      *(opt == "--cert" ? &o.cert : opt == "--key" ? &o.key : &o.ca) = argv[++i];
    } else if (opt == "-s") {
      o.sockets.emplace_back(argv[++i]);
    } else if (opt == "-t") {
      const auto ms = delay_ms(argv[++i], conf::TimeUnit::S);
      if (!ms || *ms <= 0) return std::string("invalid timeout '") + argv[i] + "'";
      o.timeout = Millis(*ms);
    } else {
      return "unknown option '" + opt + "'";
    }
  }
  if (i < argc && std::string(argv[i]) == "--") ++i;
  o.tls = o.tls || !o.ca.empty() || !o.cert.empty();
  if (!o.key.empty() && o.cert.empty()) return "--key needs --cert (or FERRY_CERT)";
  o.args.assign(argv + i, argv + argc);
  if (o.sockets.empty() && !env_socket.empty()) o.sockets.push_back(env_socket);
  if (o.sockets.empty() && !o.help && !o.version)
    return "no stats socket given (-s SOCKET, or set FERRY_SOCKET)";
  return "";
}

bool is_server_spec(const std::string& s) {
  return s.find('/') != std::string::npos;
}

// `disable|drain BACKEND/SERVER [--wait D] [--keep-up N] [--force]`.
std::string take_out_plan(const std::vector<std::string>& a, Plan& plan) {
  const std::string& verb = a[0];
  const std::string& srv = a[1];
  std::optional<long long> wait_ms, keep_up;
  bool force = false;
  for (size_t i = 2; i < a.size(); ++i) {
    if (a[i] == "--force") {
      force = true;
    } else if ((a[i] == "--wait" || a[i] == "--keep-up") && i + 1 < a.size()) {
      const std::string& value = a[++i];
      if (a[i - 1] == "--wait") {
        wait_ms = delay_ms(value, conf::TimeUnit::S);
        if (!wait_ms || *wait_ms <= 0) return "invalid duration '" + value + "' for --wait";
      } else {
        keep_up = conf::parse_integer(value, 0, INT_MAX);
        if (!keep_up) return "invalid number '" + value + "' for --keep-up";
      }
    } else {
      return "expected: ferryctl " + verb +
             " BACKEND/SERVER [--wait DURATION] [--keep-up N] [--force]";
    }
  }
  if (force && keep_up) return "--keep-up and --force exclude each other";
  if (wait_ms) plan.wait = Millis(*wait_ms);
  if (force) {
    if (verb == "drain") return plan.commands = "set server " + srv + " state drain\n", "";
    plan.commands = "disable server " + srv + "\n";
    if (wait_ms)
      plan.commands += "wait " + std::to_string(*wait_ms) + "ms srv-removable " + srv + "\n";
    return "";
  }
  plan.commands =
      "safe " + verb + " server " + srv + " keep-up " + std::to_string(keep_up.value_or(1));
  plan.guard_waits = wait_ms.has_value();  // " wait Dms" is added when it is sent
  if (!plan.guard_waits) plan.commands += "\n";
  if (wait_ms && verb == "disable") plan.then_removable = srv;
  return "";
}

// The shortcuts; returns a usage error text, or "" (plan filled, or not a shortcut).
std::string shortcut(const std::vector<std::string>& a, Plan& plan) {
  const std::string& verb = a[0];
  if (verb == "status") {
    if (a.size() > 2 || (a.size() == 2 && a[1] != "--json"))
      return "expected: ferryctl status [--json]";
    plan.commands = "show stat\n";
    plan.status_json = a.size() == 2;
    plan.status_table = !plan.status_json;
    return "";
  }
  if (verb != "disable" && verb != "enable" && verb != "drain") return "";
  if (a.size() < 2 || (verb != "drain" && !is_server_spec(a[1]))) {
    if (verb == "drain") return "expected: ferryctl drain BACKEND/SERVER";
    return "";  // `disable server b/s` and the like: a plain command
  }
  if (verb != "enable") return take_out_plan(a, plan);
  if (a.size() != 2) return "too many arguments for 'enable'";
  plan.commands = "enable server " + a[1] + "\n";
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

// One exchange with one instance; returns its exit status, the text to print in `text`.
// `tls`: null for clear text.
int send(const stats::CtlEndpoint& endpoint, const stats::TlsContext* tls,
         const std::string& commands, Clock::time_point deadline, std::string& text) {
  Connected c = connect_to(endpoint, deadline);
  if (!c.fd) {
    text = "ferryctl: cannot connect to " + endpoint.text() + ": " + c.error + "\n";
    return stats::kCtlCannotConnect;
  }
  const std::string payload = "set severity-output number\n" + commands;
  const Exchange ex = tls ? exchange_tls(c.fd, *tls, endpoint.host, payload, deadline)
                          : exchange(c.fd, payload, deadline);
  if (!ex.error.empty()) {
    const bool maybe_refused = tls && !tls->has_certificate() && ex.error.rfind("TLS", 0) == 0;
    text = "ferryctl: " + endpoint.text() + ": " + ex.error +
           (maybe_refused ? " (a socket with 'verify required' wants --cert)" : "") + "\n";
    return stats::kCtlCannotConnect;
  }
  const stats::CtlOutcome out = stats::interpret_replies(ex.received);
  text = out.text;
  return out.exit_code();
}

// Every instance in turn, each within the same deadlines; the highest exit status. What an
// exchange that succeeded printed goes to standard output, the rest to standard error.
// The instances of -s and the TLS context of the options; a usage error text, or "".
std::string targets(const Options& o, std::vector<stats::CtlEndpoint>& endpoints,
                    std::unique_ptr<stats::TlsContext>& tls) {
  for (const auto& socket : o.sockets) {
    std::string error;
    auto endpoint = stats::parse_endpoint(socket, error);
    if (!endpoint) return error;
    if (o.tls && endpoint->is_unix)
      return "TLS (--tls, --ca, --cert) is for TCP stats sockets; " + socket + " is a UNIX socket";
    endpoints.push_back(std::move(*endpoint));
  }
  if (o.tls) {
    std::string error;
    tls = stats::TlsContext::client(o.cert, o.key, o.ca, error);
    if (!tls) return error;
  }
  return "";
}

// `top [-i SECONDS]` against the one instance of -s.
int top(const Options& o) {
  std::optional<long long> interval_ms = 1000;
  if (o.args.size() == 3 && o.args[1] == "-i")
    interval_ms = delay_ms(o.args[2], conf::TimeUnit::S);
  else if (o.args.size() != 1)
    return usage_error("expected: ferryctl top [-i INTERVAL]");
  if (!interval_ms || *interval_ms < 100)
    return usage_error("invalid interval for -i: a time of at least 100ms (1s, 500ms...)");
  if (o.sockets.size() != 1) return usage_error("'top' watches one stats socket");
  std::vector<stats::CtlEndpoint> endpoints;
  std::unique_ptr<stats::TlsContext> tls;
  if (auto err = targets(o, endpoints, tls); !err.empty()) return usage_error(err);
  const FetchStat fetch = [&](std::string& text) {
    return send(endpoints[0], tls.get(), "show stat\n", Clock::now() + o.timeout, text) ==
           stats::kCtlOk;
  };
  return run_top(fetch, endpoints[0].text(), Millis(*interval_ms));
}

int run(const Options& o, const Plan& plan) {
  std::vector<stats::CtlEndpoint> endpoints;
  std::unique_ptr<stats::TlsContext> tls;
  if (auto err = targets(o, endpoints, tls); !err.empty()) return usage_error(err);
  const auto start = Clock::now();
  const Millis waits = plan.wait ? *plan.wait : waits_in(plan.commands);
  const auto deadline = start + o.timeout + waits;
  // What is left of the waiting, in milliseconds (at least 1: a condition is still checked).
  const auto left = [&] {
    const auto ms = std::chrono::duration_cast<Millis>(start + waits - Clock::now()).count();
    return std::to_string(std::max<long long>(ms, 1)) + "ms";
  };
  struct Outcome {
    int code = stats::kCtlOk;
    std::string out, err;
    void add(int c, std::string text) {
      code = c;
      (c == stats::kCtlOk ? out : err) += text;
    }
  };
  std::vector<Outcome> outcomes(endpoints.size());
  for (size_t i = 0; i < endpoints.size(); ++i) {
    const std::string commands =
        plan.guard_waits ? plan.commands + " wait " + left() + "\n" : plan.commands;
    std::string text;
    const int code = send(endpoints[i], tls.get(), commands, deadline, text);
    if (plan.status_table && code == stats::kCtlOk) text = stats::status_table(text);
    if (plan.status_json && code == stats::kCtlOk) text = stats::status_json(text);
    outcomes[i].add(code, std::move(text));
  }
  // Each server taken out: wait for its connections to end, within what is left of --wait.
  for (size_t i = 0; i < endpoints.size() && !plan.then_removable.empty(); ++i) {
    if (outcomes[i].code != stats::kCtlOk) continue;
    const std::string wait = "wait " + left() + " srv-removable " + plan.then_removable + "\n";
    std::string text;
    const int code = send(endpoints[i], tls.get(), wait, deadline, text);
    outcomes[i].add(code, std::move(text));
  }
  int worst = stats::kCtlOk;
  for (size_t i = 0; i < endpoints.size(); ++i) {
    const std::string header =
        endpoints.size() > 1 ? "==> " + endpoints[i].text() + " <==\n" : std::string();
    if (!outcomes[i].out.empty() || outcomes[i].err.empty())
      std::cout << header << outcomes[i].out << std::flush;
    if (!outcomes[i].err.empty()) std::cerr << header << outcomes[i].err << std::flush;
    worst = std::max(worst, outcomes[i].code);
  }
  return worst;
}

}  // namespace
}  // namespace ferry::ctl

int main(int argc, char** argv) {
  using namespace ferry::ctl;
  ::signal(SIGPIPE, SIG_IGN);  // a server that closes first is an error reply, not a kill
  Options o;
  if (auto err = parse_options(argc, argv, o); !err.empty()) return usage_error(err);
  if (o.help) return std::cout << kUsage, 0;
  if (o.version) return std::cout << "ferryctl " << ferry::stats::kFerryVersion << "\n", 0;
  if (o.args.empty() && ::isatty(STDIN_FILENO)) return usage_error("no command given");
  if (!o.args.empty() && o.args[0] == "top") return top(o);
  Plan plan;
  if (auto err = build_plan(o, plan); !err.empty()) return usage_error(err);
  return run(o, plan);
}
