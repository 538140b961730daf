// option forwardfor [except NET] [header NAME] [if-none]: the network parser (what HAProxy 2.6's
// haproxy -c accepts and refuses) and the option's arguments.
#include <arpa/inet.h>
#include <sys/socket.h>

#include "conf/network.hpp"
#include "tests/unit/conf/conf_test.hpp"

namespace ferry::conf::test {
namespace {

using V = std::vector<std::string>;

Network net(std::string_view text) {
  Network n;
  const auto err = parse_network(text, n);
  CHECK_MESSAGE(!err, *err);
  return n;
}

bool contains(const Network& n, const char* addr) {
  uint8_t bytes[16] = {};
  const int family =
      std::string_view(addr).find(':') == std::string_view::npos ? AF_INET : AF_INET6;
  REQUIRE(::inet_pton(family, addr, bytes) == 1);
  return n.contains(family, bytes);
}

TEST_CASE("forwardfor: except networks in IPv4 and IPv6 with a mask") {
  const Network ten = net("10.0.0.0/8");
  CHECK(contains(ten, "10.1.2.3"));
  CHECK_FALSE(contains(ten, "11.0.0.1"));
  CHECK_FALSE(contains(ten, "::ffff:10.1.2.3"));   // the other family never matches
  CHECK(contains(net("10.9.9.9/8"), "10.0.0.1"));  // host bits are masked off
  const Network one = net("127.0.0.1");
  CHECK(contains(one, "127.0.0.1"));
  CHECK_FALSE(contains(one, "127.0.0.2"));
  const Network dotted = net("10.1.2.3/255.0.255.0");  // any mask, as HAProxy takes it
  CHECK(contains(dotted, "10.7.2.9"));
  CHECK_FALSE(contains(dotted, "10.7.3.9"));
  CHECK(contains(net("0.0.0.0/0"), "192.0.2.1"));
  const Network doc = net("2001:db8::/32");
  CHECK(contains(doc, "2001:db8:ffff::1"));
  CHECK_FALSE(contains(doc, "2001:db9::1"));
  CHECK_FALSE(contains(doc, "10.0.0.1"));
  CHECK(contains(net("::1"), "::1"));
  CHECK_FALSE(contains(net("::1"), "::2"));
  CHECK(contains(net("fd00::/7"), "fdff::1"));
  CHECK(contains(net("2001:db8::1/127"), "2001:db8::"));
}

TEST_CASE("forwardfor: networks haproxy -c refuses are refused") {
  for (const char* bad :
       {"", "foo", "localhost", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8x",
        "2001:db8::/129", "::1/255.0.0.0", "10.0.0.0/255.0.0", "1.2.3.4.5"}) {
    Network n;
    CHECK_MESSAGE(parse_network(bad, n).has_value(), bad);
  }
}

TEST_CASE("forwardfor: except header and if-none in any order") {
  const auto r = load(kTimeouts +
                      "backend g\n"
                      "  mode http\n"
                      "  option forwardfor header X-Client except 192.168.0.0/16 "
                      "if-none\n"
                      "  server s /s.sock\n");
  CHECK(lines(r) == V{});
  REQUIRE(r.config.find_proxy("g"));
  const ForwardFor& ff = r.config.find_proxy("g")->forwardfor;
  CHECK(ff.enabled);
  CHECK(ff.header == "X-Client");
  CHECK(ff.if_none);
  REQUIRE(ff.except);
  CHECK(ff.except->text == "192.168.0.0/16");
  CHECK(contains(*ff.except, "192.168.3.4"));
}

TEST_CASE("forwardfor: a bad except network names the line and the form") {
  CHECK(diags(kTimeouts + "backend b\n"
                          "  mode http\n"
                          "  option forwardfor except foo\n"
                          "  option forwardfor except 10.0.0.0/33 header X\n"
                          "  option forwardfor except\n"
                          "  server s /s.sock\n") ==
        V{"t.cfg:7: error: backend 'b': 'option forwardfor except' 'foo': expects an IPv4 or "
          "IPv6 network, ADDR[/BITS] (10.0.0.0/8, 127.0.0.1, ::1, fd00::/8) or ADDR/MASK "
          "(10.0.0.0/255.0.0.0); host names are not resolved",
          "t.cfg:8: error: backend 'b': 'option forwardfor except' '10.0.0.0/33': expects an "
          "IPv4 or IPv6 network, ADDR[/BITS] (10.0.0.0/8, 127.0.0.1, ::1, fd00::/8) or "
          "ADDR/MASK (10.0.0.0/255.0.0.0)",
          "t.cfg:9: error: backend 'b': unexpected 'except'; use 'option forwardfor [except "
          "<network>] [header <name>] [if-none]'"});
}

}  // namespace
}  // namespace ferry::conf::test
