// How long one health check may take, as HAProxy 2.6 bounds it (reference 3.5). Without `timeout
// check` the whole check gets the configured `inter` (never fastinter or downinter). With it, the
// connection must be up within min(inter, timeout connect), and `timeout check` then bounds the
// rest, counted from the moment the connection is established. Pure.
#pragma once

#include <optional>

#include "core/server.hpp"

namespace ferry::healthcheck {

struct CheckTimeouts {
  core::Millis inter{2000};             // the server's configured `inter`
  std::optional<core::Millis> connect;  // the backend's `timeout connect`
  std::optional<core::Millis> check;    // the backend's `timeout check`

  // From the start of a check to the deadline of its connect phase; without `timeout check`, the
  // deadline of the whole check.
  core::Millis connect_budget() const;
  // From the moment a connection is established to the new deadline; nullopt keeps the deadline
  // set at the start.
  std::optional<core::Millis> after_connect() const { return check; }
};

}  // namespace ferry::healthcheck
