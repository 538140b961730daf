#include "bench/generator_run.hpp"

#include <cstring>

namespace ferry::bench {

void Run::error(std::string_view what, int err) {
  ++tally.errors;
  if (!tally.first_error.empty()) return;
  tally.first_error = std::string(what);
  if (err != 0) tally.first_error += std::string(": ") + std::strerror(err);
}

void Run::open_window() {
  window_start_ns_ = now_ns();
  requests_at_start_ = tally.requests;
  cpu.begin(opt.proxy_pid, opt.backend_pid);
}

void Run::close_window() {
  if (!window_open()) return;
  window_end_ns_ = now_ns();
  requests_at_end_ = tally.requests;
  cpu.end();
}

double Run::window_seconds() const {
  if (window_start_ns_ == 0 || window_end_ns_ < window_start_ns_) return 0;
  return static_cast<double>(window_end_ns_ - window_start_ns_) / 1e9;
}

void Run::report(JsonLine& out) const {
  out.add("mode", mode_name(opt.mode))
      .add("target", opt.target.text)
      .add("label", opt.label)
      .add("conns", static_cast<uint64_t>(opt.conns))
      .add("connections", tally.connections)
      .add("requests_total", tally.requests)
      .add("bytes_sent", tally.bytes_sent)
      .add("bytes_received", tally.bytes_received)
      .add("errors", tally.errors)
      .add("first_error", tally.first_error)
      .add("seconds", window_seconds())
      .add("proxy_cpu_s", cpu.proxy_s)
      .add("backend_cpu_s", cpu.backend_s)
      .add("generator_cpu_s", cpu.generator_s);
}

}  // namespace ferry::bench
