// The `grant` / `deny` rules of a stats socket as the config parser builds them, applied to peers:
// networks at any prefix length (IPv4 and IPv6), certificate CNs with wildcards, uids and
// primary or supplementary gids, first match wins, the line's level for the rest.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>

#include <cstring>

#include "conf/model.hpp"
#include "stats/admin_access.hpp"

using namespace ferry;
using conf::Level;

namespace {

// The rules of `stats socket ADDRESS level user RULES`.
std::vector<conf::ClientRule> rules(const std::string& address, const std::string& text) {
  const auto loaded = conf::load_string(
      "t.cfg", "global\n    stats socket " + address + " level user " + text + "\n");
  REQUIRE_MESSAGE(loaded.ok(), loaded.diagnostics.front().message);
  return loaded.config.global.stats_sockets.at(0).clients;
}

stats::AdminPeer tcp_peer(int family, const char* text) {
  stats::AdminPeer p;
  std::array<uint8_t, 16> a{};
  if (family == AF_INET) {
    a[10] = a[11] = 0xff;
    REQUIRE(::inet_pton(AF_INET, text, &a[12]) == 1);
  } else {
    REQUIRE(::inet_pton(AF_INET6, text, a.data()) == 1);
  }
  p.addr = a;
  return p;
}

std::optional<Level> level_of(const std::vector<conf::ClientRule>& r, const stats::AdminPeer& p) {
  return stats::client_level(r, Level::User, p);
}

}  // namespace

TEST_CASE("grant and deny by source network") {
  const auto r = rules("ipv4@127.0.0.1:9",
                       "grant admin src 10.1.0.0/20 grant operator src 10.0.0.0/8 "
                       "grant admin src fd00::/8 deny src 0.0.0.0/0");
  CHECK(level_of(r, tcp_peer(AF_INET, "10.1.15.255")) == Level::Admin);
  CHECK(level_of(r, tcp_peer(AF_INET, "10.1.16.0")) == Level::Operator);  // past the /20
  CHECK(level_of(r, tcp_peer(AF_INET, "10.200.0.1")) == Level::Operator);
  CHECK(level_of(r, tcp_peer(AF_INET6, "fd12::1")) == Level::Admin);
  CHECK(!level_of(r, tcp_peer(AF_INET, "192.0.2.1")));  // denied
  // 0.0.0.0/0 is every IPv4 client, not every IPv6 one: those get the line's level.
  CHECK(level_of(r, tcp_peer(AF_INET6, "2001:db8::1")) == Level::User);
  const auto one = rules("ipv4@127.0.0.1:9", "grant admin src 192.0.2.7");
  CHECK(level_of(one, tcp_peer(AF_INET, "192.0.2.7")) == Level::Admin);
  CHECK(level_of(one, tcp_peer(AF_INET, "192.0.2.6")) == Level::User);
}

TEST_CASE("grant by certificate CN and by peer credentials") {
  const auto r = rules("ipv4@127.0.0.1:9",
                       "ssl crt /dev/null ca-file /dev/null verify required grant admin cn ops-* "
                       "deny cn intern");
  stats::AdminPeer p = tcp_peer(AF_INET, "127.0.0.1");
  CHECK(level_of(r, p) == Level::User);  // no verified certificate
  p.cn = "ops-alice";
  CHECK(level_of(r, p) == Level::Admin);
  p.cn = "devops-alice";
  CHECK(level_of(r, p) == Level::User);
  p.cn = "intern";
  CHECK(!level_of(r, p));

  const auto u =
      rules("/tmp/x.sock", "grant admin uid 0 grant admin gid 4242 grant operator gid 7");
  stats::AdminPeer peer;
  peer.has_cred = true;
  peer.uid = 1000;
  peer.gid = 1000;
  CHECK(level_of(u, peer) == Level::User);
  peer.groups = {27, 7};  // supplementary
  CHECK(level_of(u, peer) == Level::Operator);
  peer.gid = 4242;  // primary
  CHECK(level_of(u, peer) == Level::Admin);
  peer = {};
  peer.has_cred = true;
  CHECK(level_of(u, peer) == Level::Admin);  // uid 0
  CHECK(peer.describe() == "uid 0 gid 0 pid 0");
}
