// Time limits for tests: a Deadline to pass down to blocking helpers, and poll_until() to wait for
// a condition without fixed sleeps. Every wait in the tests is bounded by one of these.
#pragma once

#include <chrono>
#include <functional>

namespace ferry::test {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;
using namespace std::chrono_literals;

class Deadline {
 public:
  explicit Deadline(Millis from_now) : at_(Clock::now() + from_now) {}
  bool expired() const { return Clock::now() >= at_; }
  Millis remaining() const;
  // The remaining time as a poll(2) timeout, rounded up to whole milliseconds.
  int poll_timeout() const;

 private:
  Clock::time_point at_;
};

// Milliseconds elapsed since `start`, as a double for readable assertions.
double elapsed_ms(Clock::time_point start);

// Calls `done` every `step` until it returns true (then true) or `timeout` passes (then false,
// after one last call).
bool poll_until(const std::function<bool()>& done, Millis timeout, Millis step = 2ms);

}  // namespace ferry::test
