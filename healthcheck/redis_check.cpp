#include "healthcheck/redis_check.hpp"

namespace ferry::healthcheck {

TcpCheckRules redis_check_rules() {
  TcpCheckRules r;
  TcpCheckRule ping;
  ping.kind = TcpCheckRule::Kind::Send;
  ping.bytes = "PING\r\n";
  ping.step = 1;
  TcpCheckRule pong;
  pong.kind = TcpCheckRule::Kind::ExpectString;
  pong.bytes = "+PONG";
  pong.step = 2;
  r.rules = {ping, pong};
  r.dialect.step_context = false;
  r.dialect.error_status = core::CheckStatus::L7Sts;
  r.dialect.ok_text = "Redis server is ok";
  r.dialect.error_is_first_line = true;
  return r;
}

}  // namespace ferry::healthcheck
