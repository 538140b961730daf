#include "tests/support/deadline.hpp"

#include <algorithm>
#include <thread>

namespace ferry::test {

Millis Deadline::remaining() const {
  const auto left = std::chrono::ceil<Millis>(at_ - Clock::now());
  return std::max(left, Millis(0));
}

int Deadline::poll_timeout() const {
  return static_cast<int>(remaining().count());
}

double elapsed_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

bool poll_until(const std::function<bool()>& done, Millis timeout, Millis step) {
  const Deadline deadline(timeout);
  while (!deadline.expired()) {
    if (done()) return true;
    std::this_thread::sleep_for(std::min(step, deadline.remaining()));
  }
  return done();
}

}  // namespace ferry::test
