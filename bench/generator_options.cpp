#include "bench/generator_options.hpp"

#include <charconv>
#include <cmath>
#include <functional>
#include <string_view>
#include <vector>

namespace ferry::bench {

namespace {

using Setter = std::function<bool(GeneratorOptions&, std::string_view)>;

struct Flag {
  const char* name;
  const char* usage;
  Setter set;
};

// "1g", "256k", "64" -> bytes (binary multiples).
bool parse_size(std::string_view text, uint64_t& out) {
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.begin(), text.end(), n);
  if (ec != std::errc() || end == text.begin()) return false;
  const std::string_view suffix(end, static_cast<size_t>(text.end() - end));
  int shift = 0;
  if (suffix == "k" || suffix == "K")
    shift = 10;
  else if (suffix == "m" || suffix == "M")
    shift = 20;
  else if (suffix == "g" || suffix == "G")
    shift = 30;
  else if (!suffix.empty())
    return false;
  out = n << shift;
  return true;
}

bool parse_seconds(std::string_view text, double& out) {
  const std::string s(text);
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end && *end == '\0' && !s.empty() && std::isfinite(out) && out >= 0;
}

template <typename T>
Setter size_into(T GeneratorOptions::*field, uint64_t min) {
  return [field, min](GeneratorOptions& o, std::string_view v) {
    uint64_t n = 0;
    if (!parse_size(v, n) || n < min || n > static_cast<uint64_t>(T(~T{0}))) return false;
    o.*field = static_cast<T>(n);
    return true;
  };
}

Setter seconds_into(double GeneratorOptions::*field) {
  return [field](GeneratorOptions& o, std::string_view v) { return parse_seconds(v, o.*field); };
}

Setter pid_into(pid_t GeneratorOptions::*field) {
  return [field](GeneratorOptions& o, std::string_view v) {
    uint64_t n = 0;
    if (!parse_size(v, n) || n > 0x7fffffff) return false;
    o.*field = static_cast<pid_t>(n);
    return true;
  };
}

bool set_mode(GeneratorOptions& o, std::string_view v) {
  for (Mode m : {Mode::Bulk, Mode::RequestResponse, Mode::ConnectRate, Mode::Idle}) {
    if (v == mode_name(m)) {
      o.mode = m;
      return true;
    }
  }
  return false;
}

bool set_target(GeneratorOptions& o, std::string_view v) {
  auto e = Endpoint::parse(v);
  if (e) o.target = *e;
  return e.has_value();
}

const std::vector<Flag>& flags() {
  static const std::vector<Flag> table = {
      {"mode", "bulk | rr | connrate | idle", set_mode},
      {"target", "tcp:IPV4:PORT | unix:PATH (the proxy, or the backend itself)", set_target},
      {"conns", "connections (bulk, rr, idle) or connections in flight (connrate)",
       size_into(&GeneratorOptions::conns, 1)},
      {"bytes", "bulk: bytes per connection (k/m/g suffixes)",
       size_into(&GeneratorOptions::bytes, 0)},
      {"chunk", "bulk: bytes per send()", size_into(&GeneratorOptions::chunk, 1)},
      {"msg-size", "rr/connrate/idle: message bytes", size_into(&GeneratorOptions::msg_size, 8)},
      {"duration", "rr/connrate: measured seconds", seconds_into(&GeneratorOptions::duration_s)},
      {"warmup", "rr/connrate: seconds before measuring",
       seconds_into(&GeneratorOptions::warmup_s)},
      {"requests", "rr/connrate: exact request count instead of --duration",
       size_into(&GeneratorOptions::requests, 1)},
      {"hold", "idle: seconds to hold every connection", seconds_into(&GeneratorOptions::hold_s)},
      {"concurrency", "idle: connects in flight", size_into(&GeneratorOptions::concurrency, 1)},
      {"proxy-pid", "report this process's CPU (and RSS in idle)",
       pid_into(&GeneratorOptions::proxy_pid)},
      {"backend-pid", "report this process's CPU", pid_into(&GeneratorOptions::backend_pid)},
      {"timeout", "hard limit on the run, seconds", seconds_into(&GeneratorOptions::timeout_s)},
      {"label", "free text copied into the result",
       [](GeneratorOptions& o, std::string_view v) {
         o.label = std::string(v);
         return true;
       }},
  };
  return table;
}

std::string usage() {
  std::string text = "usage: ferry-bench --mode MODE --target ENDPOINT [--flag VALUE]...\n";
  for (const auto& f : flags())
    text += "  --" + std::string(f.name) + "  " + f.usage + "\n";
  return text + "Prints one JSON result line; exit status 1 when any error happened.\n";
}

const Flag* find_flag(std::string_view name) {
  for (const auto& f : flags())
    if (name == f.name) return &f;
  return nullptr;
}

}  // namespace

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::Bulk:
      return "bulk";
    case Mode::RequestResponse:
      return "rr";
    case Mode::ConnectRate:
      return "connrate";
    case Mode::Idle:
      return "idle";
  }
  return "?";
}

double GeneratorOptions::effective_timeout() const {
  if (timeout_s > 0) return timeout_s;
  const double gib = static_cast<double>(bytes) * conns / double(uint64_t{1} << 30);
  switch (mode) {
    case Mode::Bulk:
      return 30 + 10 * gib;  // assumes at least 100 MiB/s
    case Mode::Idle:
      return 60 + hold_s + conns / 1000.0;
    default:
      return 30 + warmup_s + (requests ? requests / 1000.0 : duration_s);
  }
}

ParsedOptions parse_generator_options(int argc, char** argv) {
  ParsedOptions r;
  GeneratorOptions o;
  bool have_target = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return {std::nullopt, usage(), true};
    if (!arg.starts_with("--"))
      return {std::nullopt, "unexpected argument '" + std::string(arg) + "'\n" + usage()};
    arg.remove_prefix(2);
    std::string_view value;
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    }
    const Flag* f = find_flag(arg);
    if (!f) return {std::nullopt, "unknown flag --" + std::string(arg) + "\n" + usage()};
    if (!f->set(o, value))
      return {std::nullopt, "bad value '" + std::string(value) + "' for --" + std::string(arg) +
                                " (" + f->usage + ")\n"};
    have_target |= arg == "target";
  }
  if (!have_target) return {std::nullopt, "--target is required\n" + usage()};
  r.options = o;
  return r;
}

}  // namespace ferry::bench
