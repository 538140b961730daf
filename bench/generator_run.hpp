// The state every scenario of the load generator shares: the loop, the options, the tallies, the
// latency histogram and the CPU window. One per process; everything runs on the loop's thread.
#pragma once

#include <time.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bench/generator_options.hpp"
#include "bench/json_line.hpp"
#include "bench/latency_histogram.hpp"
#include "bench/proc_stats.hpp"
#include "core/event_loop.hpp"

namespace ferry::bench {

inline uint64_t now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// Counted over the whole run (warm-up included); the window fields below say what was measured.
struct Tally {
  uint64_t requests = 0;     // complete, verified exchanges
  uint64_t connections = 0;  // connections established
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;  // for bulk: bytes the sink acknowledged
  uint64_t errors = 0;
  std::string first_error;
};

class Run {
 public:
  Run(core::EventLoop& l, const GeneratorOptions& o) : loop(l), opt(o) {}

  // Counts a failure; the first one is kept for the report.
  void error(std::string_view what, int err = 0);
  // The measured window: tallies, time and CPU between open_window() and close_window().
  void open_window();
  void close_window();
  bool window_open() const { return window_start_ns_ != 0 && window_end_ns_ == 0; }
  uint64_t window_start_ns() const { return window_start_ns_; }
  double window_seconds() const;
  uint64_t window_requests() const { return requests_at_end_ - requests_at_start_; }
  // Ends the run: stops the loop, or keeps it from starting when called before it runs.
  void finish() {
    finished_ = true;
    loop.stop();
  }
  bool finished() const { return finished_; }
  // The common fields of the result line.
  void report(JsonLine& out) const;

  core::EventLoop& loop;
  const GeneratorOptions& opt;
  Tally tally;
  LatencyHistogram latency;
  CpuWindow cpu;
  unsigned next_connect = 0;  // numbers connects, to spread loopback source addresses

 private:
  uint64_t window_start_ns_ = 0;
  uint64_t window_end_ns_ = 0;
  uint64_t requests_at_start_ = 0;
  uint64_t requests_at_end_ = 0;
  bool finished_ = false;
};

// One scenario (mode) of the generator. start() begins it; it calls run.finish() when done.
class Scenario {
 public:
  virtual ~Scenario() = default;
  virtual void start() = 0;
  virtual void report(JsonLine& out) const = 0;  // the mode's own fields
};

std::unique_ptr<Scenario> make_bulk_scenario(Run& run);
std::unique_ptr<Scenario> make_exchange_scenario(Run& run);  // rr and connrate
std::unique_ptr<Scenario> make_idle_scenario(Run& run);

}  // namespace ferry::bench
