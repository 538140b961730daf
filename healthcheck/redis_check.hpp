// `option redis-check`: sends `PING\r\n` and expects `+PONG`, as two tcp-check rules with Redis
// wording: L7OK "Redis server is ok"; otherwise L7STS (code 0) with the answer's first line, and
// no " at step N of tcp-check" context on errors and timeouts.
#pragma once

#include "healthcheck/tcp_check.hpp"

namespace ferry::healthcheck {

TcpCheckRules redis_check_rules();

}  // namespace ferry::healthcheck
