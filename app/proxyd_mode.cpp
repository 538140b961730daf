#include "app/proxyd_mode.hpp"

#include <string_view>

#include "conf/duration.hpp"

namespace ferry::app {

namespace {

// The options that take a value, and where it goes.
struct ValueOption {
  std::string_view name;
  void (*store)(ProxydOptions&, std::string);
};

constexpr ValueOption kValueOptions[] = {
    {"--listen", [](ProxydOptions& o, std::string v) { o.listen.push_back(std::move(v)); }},
    {"--server", [](ProxydOptions& o, std::string v) { o.servers.push_back(std::move(v)); }},
    {"--balance", [](ProxydOptions& o, std::string v) { o.balance = std::move(v); }},
    {"--connections-max",
     [](ProxydOptions& o, std::string v) { o.connections_max = std::move(v); }},
    {"--timeout", [](ProxydOptions& o, std::string v) { o.timeout = std::move(v); }},
    {"--connect-timeout",
     [](ProxydOptions& o, std::string v) { o.connect_timeout = std::move(v); }},
};

// A word the HAProxy format reads back as one word.
std::string quoted(const std::string& word) {
  if (!word.empty() && word.find_first_of(" \t\"'\\#$") == std::string::npos) return word;
  std::string out = "'";
  for (char c : word)
    out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return out + "'";
}

}  // namespace

const char* const kProxydUsage =
    "Without a config file (a drop-in for systemd-socket-proxyd):\n"
    "  ferry --listen ADDR --server ADDR [--server ADDR...] [options]\n"
    "  --listen ADDR          where to accept: fd@NAME / fd@N (socket activation) or an\n"
    "                         address (repeatable)\n"
    "  --server ADDR          a target: unix@PATH, /PATH, IP:PORT (repeatable)\n"
    "  --balance ALGO         roundrobin (default), leastconn, first, source, random\n"
    "  --check                health-check each server (connect every 2s)\n"
    "  --connections-max N    at most N connections at once (queued beyond)\n"
    "  --timeout D            close a connection idle for D (default: never)\n"
    "  --connect-timeout D    give up connecting to a server after D (default 5s)\n"
    "  --exit-idle-time D     exit after D without any connection\n"
    "  --dump-config=haproxy  print the equivalent config file and exit\n";

bool parse_proxyd_option(int argc, char** argv, int& i, ProxydOptions& out, std::string& error) {
  const std::string_view a = argv[i];
  if (a == "--check") return out.check = true;
  const bool exit_idle = a == "--exit-idle-time";
  const ValueOption* opt = nullptr;
  for (const auto& o : kValueOptions)
    if (a == o.name) opt = &o;
  if (!opt && !exit_idle) return false;
  if (i + 1 >= argc) {
    error = "option '" + std::string(a) + "' needs an argument";
    return true;
  }
  std::string value = argv[++i];
  if (!exit_idle) {
    opt->store(out, std::move(value));
    return true;
  }
  conf::Millis d{0};
  if (auto err = conf::parse_duration(value, "--exit-idle-time", d))
    error = *err;
  else if (d.count() <= 0)
    error = "--exit-idle-time must be more than 0 (e.g. 30s, 5m)";
  else
    out.exit_idle_time = d;
  return true;
}

std::string check_proxyd_options(const ProxydOptions& opts) {
  if (opts.listen.empty()) return "--server needs at least one --listen (e.g. --listen fd@proxy)";
  if (opts.servers.empty())
    return "--listen needs at least one --server (e.g. --server unix@/run/app.sock)";
  return "";
}

std::string proxyd_config_text(const ProxydOptions& o) {
  std::string t = "# ferry's command line as a config file\nglobal\n";
  if (!o.connections_max.empty()) t += "    maxconn " + quoted(o.connections_max) + "\n";
  t += "\ndefaults\n    mode tcp\n    timeout connect " +
       quoted(o.connect_timeout.empty() ? "5s" : o.connect_timeout) + "\n";
  if (!o.timeout.empty())
    t += "    timeout client " + quoted(o.timeout) + "\n    timeout server " + quoted(o.timeout) +
         "\n";
  t += "\nlisten proxy\n";
  for (const auto& l : o.listen)
    t += "    bind " + quoted(l) + "\n";
  if (!o.balance.empty()) t += "    balance " + quoted(o.balance) + "\n";
  for (size_t i = 0; i < o.servers.size(); ++i)
    t += "    server s" + std::to_string(i + 1) + " " + quoted(o.servers[i]) +
         (o.check ? " check" : "") + "\n";
  return t;
}

}  // namespace ferry::app
