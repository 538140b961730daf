// The PROXY protocol codec: the headers ferry sends (compared with bytes HAProxy 2.6.12 sent for
// the same connections) and the parser an accept-proxy bind runs on untrusted bytes.
#include "core/proxy_protocol.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstring>
#include <string>

#include "tests/support/hex_bytes.hpp"

using namespace ferry::core;
namespace conf = ferry::conf;
namespace pp = ferry::core::proxy_protocol;
using ferry::test::unhex;

namespace {

SockAddr inet(const char* host, uint16_t port) {
  conf::Address a;
  a.kind = conf::AddressKind::Inet;
  a.family = std::strchr(host, ':') ? AF_INET6 : AF_INET;
  a.host = host;
  a.port = port;
  return SockAddr::from(a);
}

SockAddr unix_path(const std::string& path) {
  conf::Address a;
  a.kind = conf::AddressKind::Unix;
  a.path = path;
  return SockAddr::from(a);
}

SockAddr unnamed() {
  SockAddr a;
  a.storage.ss_family = AF_UNIX;
  a.len = sizeof(sa_family_t);
  return a;
}

const std::string kSig = unhex("0d0a0d0a000d0a515549540a");

}  // namespace

TEST_CASE("v1 headers are HAProxy 2.6's bytes") {
  const pp::SendOptions v1{.version = 1};
  CHECK(pp::encode(v1, inet("127.0.0.1", 55976), inet("127.0.0.1", 19401), std::nullopt) ==
        "PROXY TCP4 127.0.0.1 127.0.0.1 55976 19401\r\n");
  CHECK(pp::encode(v1, inet("::1", 40182), inet("::1", 19401), std::nullopt) ==
        "PROXY TCP6 ::1 ::1 40182 19401\r\n");
  CHECK(pp::encode(v1, unnamed(), unix_path("/tmp/fe.sock"), std::nullopt) == "PROXY UNKNOWN\r\n");
  // One side IPv4, the other IPv6: the IPv4 one is mapped.
  CHECK(pp::encode(v1, inet("10.0.0.1", 1), inet("::1", 2), std::nullopt) ==
        "PROXY TCP6 ::ffff:10.0.0.1 ::1 1 2\r\n");
  CHECK(pp::encode_local(v1) == "PROXY UNKNOWN\r\n");
}

TEST_CASE("v2 headers are HAProxy 2.6's bytes for TCP clients") {
  const pp::SendOptions v2{.version = 2};
  // Captured from haproxy 2.6.12 in front of a recording server.
  CHECK(pp::encode(v2, inet("127.0.0.1", 56702), inet("127.0.0.1", 19402), std::nullopt) ==
        unhex("0d0a0d0a000d0a515549540a2111000c7f0000017f000001dd7e4bca"));
  CHECK(pp::encode(v2, inet("::1", 44580), inet("::1", 19402), std::nullopt) ==
        unhex("0d0a0d0a000d0a515549540a21210024000000000000000000000000000000010000000000000000"
              "0000000000000001ae244bca"));
  CHECK(pp::encode_local(v2) == unhex("0d0a0d0a000d0a515549540a20000000"));
}

TEST_CASE("v2 crc32c TLV: the checksum HAProxy 2.6 computes") {
  // HAProxy's header with crc32c and a unique-id TLV "abc123": the checksum covers both.
  const std::string haproxy = unhex(
      "0d0a0d0a000d0a515549540a2111001c7f0000017f000001942a4bcb0300040c52ebc9050006616263313233");
  std::string zeroed = haproxy;
  std::memset(zeroed.data() + 31, 0, 4);
  CHECK(pp::crc32c(zeroed) == 0x0c52ebc9u);
  // proxy-v2-options crc32c,unique-id with the request id "abc123": HAProxy's bytes exactly.
  const pp::SendOptions with_id{.version = 2, .crc32c = true, .unique_id = true};
  CHECK(pp::encode(with_id, inet("127.0.0.1", 37930), inet("127.0.0.1", 19403), std::nullopt,
                   "abc123") == haproxy);
  // No id (no unique-id-format): no TLV.
  CHECK(pp::encode(with_id, inet("127.0.0.1", 37930), inet("127.0.0.1", 19403), std::nullopt)
            .size() == 16 + 12 + 7);
  const pp::SendOptions opts{.version = 2, .crc32c = true};
  const std::string mine =
      pp::encode(opts, inet("127.0.0.1", 37930), inet("127.0.0.1", 19403), std::nullopt);
  CHECK(mine.size() == 16 + 12 + 7);
  CHECK(mine.substr(28, 3) == unhex("030004"));
  const pp::Parsed back = pp::parse(mine, false);
  REQUIRE(back.status == pp::ParseStatus::Done);
  CHECK(back.src.to_string() == "127.0.0.1:37930");
  std::string bad = mine;
  bad[20] ^= 1;  // one address bit changed: the checksum no longer matches
  CHECK(pp::parse(bad, false).error == std::string(pp::reason::kInvalid));
}

TEST_CASE("v2 AF_UNIX with peer credentials: the layout the README documents") {
  const pp::SendOptions opts{.version = 2, .peer_creds = true};
  const pp::PeerCreds creds{.pid = 0x01020304, .uid = 1000, .gid = 0xfffffffe};
  const std::string h = pp::encode(opts, unnamed(), unix_path("/run/fe.sock"), creds);
  REQUIRE(h.size() == 16 + 216 + 15);
  CHECK(h.substr(0, 16) == kSig + unhex("213100e7"));  // PROXY, UNIX stream, 231 bytes
  CHECK(h.substr(16, 108) == std::string(108, '\0'));  // an unnamed client
  CHECK(h.substr(124, 12) == "/run/fe.sock");
  CHECK(h.substr(136, 96) == std::string(96, '\0'));
  CHECK(h.substr(232) == unhex("e0000c01020304000003e8fffffffe"));
  const pp::Parsed p = pp::parse(h + "payload", false);
  REQUIRE(p.status == pp::ParseStatus::Done);
  CHECK(p.length == h.size());
  CHECK(p.has_addresses);
  CHECK(p.dst.unix_path() == "/run/fe.sock");
  CHECK(p.src.is_unix());
  REQUIRE(p.creds);
  CHECK(*p.creds == creds);
  // Without known credentials the TLV is left out; without the option too.
  CHECK(pp::encode(opts, unnamed(), unix_path("/run/fe.sock"), std::nullopt).size() == 232);
  CHECK(pp::encode({.version = 2}, unnamed(), unix_path("/a"), creds).size() == 232);
  // A header ferry received as AF_UNIX goes on as it came.
  CHECK(pp::encode(opts, p.src, p.dst, p.creds) == h);
}

TEST_CASE("v1 parsing: addresses and HAProxy's reasons") {
  const auto ok = pp::parse("PROXY TCP4 10.1.2.3 10.9.8.7 1234 80\r\nhello", false);
  REQUIRE(ok.status == pp::ParseStatus::Done);
  CHECK(ok.length == 38);
  CHECK(ok.src.to_string() == "10.1.2.3:1234");
  CHECK(ok.dst.to_string() == "10.9.8.7:80");
  const auto v6 = pp::parse("PROXY TCP6 2001:db8::1 2001:db8::2 1234 443\r\n", false);
  REQUIRE(v6.status == pp::ParseStatus::Done);
  CHECK(v6.src.to_string() == "[2001:db8::1]:1234");
  const auto unknown = pp::parse("PROXY UNKNOWN\r\n", false);
  CHECK(unknown.status == pp::ParseStatus::Done);
  CHECK_FALSE(unknown.has_addresses);
  CHECK(pp::parse("PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n", false).status == pp::ParseStatus::Done);
  auto why = [](std::string_view in, bool closed = false) {
    const auto p = pp::parse(in, closed);
    return p.status == pp::ParseStatus::Error ? std::string(p.error) : std::string("-");
  };
  CHECK(why("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n") == pp::reason::kBadProtocol);
  CHECK(why("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n") == pp::reason::kInvalid);
  CHECK(why("PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n") == pp::reason::kInvalid);
  CHECK(why("PROXY TCP4 ::1 ::1 1 2\r\n") == pp::reason::kInvalid);
  CHECK(why("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n") == pp::reason::kInvalid);
  CHECK(why("GET / HTTP/1.1\r\n") == pp::reason::kNotHeader);
  CHECK(why("PROXY TCP4 " + std::string(100, '1')) == pp::reason::kInvalid);  // no CRLF in 107
  CHECK(why("PROXY TCP4 1.2.3.4") == "-");                                    // more may come
  CHECK(why("PROXY TCP4 1.2.3.4", true) == pp::reason::kTruncated);
  CHECK(why("PRO") == "-");
  CHECK(why("", true) == pp::reason::kEmpty);
}

TEST_CASE("v2 parsing: LOCAL, families, TLVs and bounds") {
  const std::string local = kSig + unhex("20000000");
  const auto l = pp::parse(local + "hi", false);
  REQUIRE(l.status == pp::ParseStatus::Done);
  CHECK(l.length == 16);
  CHECK_FALSE(l.has_addresses);
  // A TLV of another type is skipped.
  const std::string with_tlv = kSig + unhex("211100120a0000010a00000215b301bbe1000378797a");
  const auto t = pp::parse(with_tlv, false);
  REQUIRE(t.status == pp::ParseStatus::Done);
  CHECK(t.src.to_string() == "10.0.0.1:5555");
  CHECK(t.dst.to_string() == "10.0.0.2:443");
  auto status = [](const std::string& in, bool closed = false) { return pp::parse(in, closed); };
  CHECK(status(kSig + unhex("211100120a0000010a00000215b301bbe10003"), false).status ==
        pp::ParseStatus::NeedMore);
  CHECK(status(kSig + unhex("211100120a0000010a00000215b301bbe10003"), true).error ==
        std::string(pp::reason::kTruncated));
  // A TLV longer than the header, addresses shorter than their family, a bad command or version.
  CHECK(status(kSig + unhex("211100120a0000010a00000215b301bbe1000578797a")).error ==
        std::string(pp::reason::kInvalid));
  CHECK(status(kSig + unhex("211100080a0000010a000002")).error ==
        std::string(pp::reason::kInvalid));
  CHECK(status(kSig + unhex("22110000")).error == std::string(pp::reason::kInvalid));
  CHECK(status(kSig + unhex("11110000")).error == std::string(pp::reason::kInvalid));
  // Longer than ferry takes.
  CHECK(status(kSig + unhex("2100ffff")).error == std::string(pp::reason::kInvalid));
  // UDP over IPv4: accepted, the connection's own addresses are used.
  const auto udp = pp::parse(kSig + unhex("2112000c0a0000010a00000215b301bb"), false);
  CHECK(udp.status == pp::ParseStatus::Done);
  CHECK_FALSE(udp.has_addresses);
}
