// Spreading the first checks of all servers over the first interval at start-up (HAProxy's
// start_checks), so N servers are not all probed in the same instant. Pure arithmetic.
#pragma once

#include <cstddef>
#include <span>

#include "core/server.hpp"

namespace ferry::healthcheck {

// Intervals below this are ignored when choosing the common stagger interval.
constexpr core::Millis kStaggerThreshold{1000};

// The smallest interval >= kStaggerThreshold among the checked servers' initial intervals
// (HealthState::next_interval() right after start()); 0 when there is none.
core::Millis stagger_min_interval(std::span<const core::Millis> initial_intervals);

// Delay from start-up to the first check of the k-th checked server (k from 0, config order
// across all proxies, n = number of checked servers): max(mininter, own) * k / n. The first
// server is checked at once.
core::Millis first_check_delay(size_t k, size_t n, core::Millis own_interval,
                               core::Millis mininter);

}  // namespace ferry::healthcheck
