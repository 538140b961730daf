// The HTTP columns of `show stat` a frontend, a backend and a server share: requests and
// responses by status class, counted as HAProxy 2.6 counts them in mode http. Changed under the
// engine's state lock.
#pragma once

#include <array>
#include <cstdint>

#include "core/freq_counter.hpp"

namespace ferry::core {

struct HttpCounters {
  uint64_t req_tot = 0;
  std::array<uint64_t, 6> hrsp{};  // 1xx, 2xx, 3xx, 4xx, 5xx, other
  FreqCounter req_rate;            // frontends only
  uint64_t intercepted = 0;        // frontends only: requests the frontend answered itself

  void count_request(Millis now) {
    ++req_tot;
    req_rate.add(now);
  }
  void count_intercepted() { ++intercepted; }
  void count_response(int status) {
    const int k = status / 100;
    ++hrsp[k >= 1 && k <= 5 ? k - 1 : 5];
  }
};

}  // namespace ferry::core
