// The request id of unique-id-format, as HAProxy 2.6 wrote it for the same inputs.
#include <doctest/doctest.h>

#include "conf/log_format.hpp"
#include "http/log_format.hpp"

namespace ferry::http {
namespace {

core::SockAddr ipv4(const char* ip, unsigned port) {
  conf::Address a;
  a.family = AF_INET;
  a.host = ip;
  a.port = static_cast<uint16_t>(port);
  return core::SockAddr::from(a);
}

std::string id(const std::string& format, const LogFormatInputs& in) {
  conf::LogFormat pieces;
  REQUIRE_FALSE(conf::parse_log_format(format, pieces).has_value());
  std::string out;
  render_log_format(pieces, in, out);
  return out;
}

TEST_CASE("unique id: HAProxy's usual format in hex and in text") {
  const core::SockAddr client = ipv4("127.0.0.1", 36818), local = ipv4("127.0.0.1", 18001);
  LogFormatInputs in{.request = {.src = &client, .dst = &local},
                     .accept_secs = 0x6B118279,
                     .request_number = 0,
                     .pid = 0x7775};
  // What haproxy 2.6.12 sent for these inputs.
  CHECK(id("%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid", in) ==
        "7F000001:8FD2_7F000001:4651_6B118279_0000:7775");
  in.request_number = 4;
  CHECK(id("%ci:%cp_%fi:%fp_%Ts_%rt:%pid", in) ==
        "127.0.0.1:36818_127.0.0.1:18001_1796309625_4:30581");
}

TEST_CASE("unique id: a UNIX client is unix and its listener, and nothing in hex") {
  conf::Address a;
  a.kind = conf::AddressKind::Unix;
  a.family = AF_UNIX;
  a.path = "/tmp/x.sock";
  const core::SockAddr unix_client = core::SockAddr::from(a);
  LogFormatInputs in{.request = {.src = &unix_client, .dst = &unix_client},
                     .listener_number = 2,
                     .accept_secs = 1796309637,
                     .pid = 30700};
  CHECK(id("%ci:%cp_%fi:%fp_%Ts_%rt:%pid", in) == "unix:2_unix:2_1796309637_0:30700");
  CHECK(id("%{+X}o %ci:%cp_%Ts", in).empty());
}

}  // namespace
}  // namespace ferry::http
