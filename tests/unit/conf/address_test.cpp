#include "conf/address.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>

namespace ferry::conf {
namespace {

Address ok(const std::string& text) {
  Address a;
  const auto err = parse_address(text, a);
  REQUIRE_MESSAGE(!err, text << ": " << err.value_or(""));
  CHECK(a.text == text);
  return a;
}

std::string error_of(const std::string& text) {
  Address a;
  return parse_address(text, a).value_or("<no error>");
}

TEST_CASE("address: IPv4 forms") {
  Address a = ok("127.0.0.1:8080");
  CHECK(a.kind == AddressKind::Inet);
  CHECK(a.family == AF_INET);
  CHECK(a.host == "127.0.0.1");
  CHECK(a.port == 8080);
  a = ok("*:80");
  CHECK((a.family == AF_INET && a.host.empty() && a.port == 80));
  a = ok(":0");
  CHECK((a.family == AF_INET && a.host.empty() && a.port == 0));
  a = ok("ipv4@10.0.0.1:65535");
  CHECK((a.family == AF_INET && a.host == "10.0.0.1" && a.port == 65535));
  a = ok("ipv4@:9999");
  CHECK((a.family == AF_INET && a.host.empty() && a.port == 9999));
  a = ok("localhost:81");
  CHECK((a.family == AF_INET && a.host == "127.0.0.1" && a.port == 81));
}

TEST_CASE("address: IPv6 forms") {
  Address a = ok("[::1]:8080");
  CHECK((a.family == AF_INET6 && a.host == "::1" && a.port == 8080));
  a = ok("::1:8080");
  CHECK((a.family == AF_INET6 && a.host == "::1" && a.port == 8080));
  a = ok(":::80");
  CHECK((a.family == AF_INET6 && a.host == "::" && a.port == 80));
  a = ok("ipv6@:80");
  CHECK((a.family == AF_INET6 && a.host.empty() && a.port == 80));
  a = ok("ipv6@[fe80::1]:1");
  CHECK((a.family == AF_INET6 && a.host == "fe80::1"));
  a = ok("ipv6@localhost:2");
  CHECK((a.family == AF_INET6 && a.host == "::1"));
}

TEST_CASE("address: UNIX and abstract forms") {
  Address a = ok("/run/app.sock");
  CHECK((a.kind == AddressKind::Unix && a.family == AF_UNIX && a.path == "/run/app.sock"));
  a = ok("unix@/run/b.sock");
  CHECK((a.kind == AddressKind::Unix && a.path == "/run/b.sock"));
  a = ok("unix@relative.sock");
  CHECK((a.kind == AddressKind::Unix && a.path == "relative.sock"));
  a = ok("abns@myname");
  CHECK((a.kind == AddressKind::Abns && a.family == AF_UNIX && a.path == "myname"));
  a = ok("abnsz@other");
  CHECK((a.kind == AddressKind::Abnsz && a.path == "other"));
  a = ok("/run/with@at.sock");
  CHECK((a.kind == AddressKind::Unix && a.path == "/run/with@at.sock"));
  CHECK(address_kind_name(ok("/a")) == "unix");
  CHECK(address_kind_name(ok("[::1]:1")) == "ipv6");
}

TEST_CASE("address: UNIX path length limit is 107 characters") {
  const std::string ok_path = "/" + std::string(106, 'p');
  CHECK(ok(ok_path).path.size() == 107);
  const std::string long_path = "/" + std::string(119, 'p');
  CHECK(error_of(long_path) == "socket path '" + long_path +
                                   "' is 120 characters, more than the 107 a UNIX socket "
                                   "address can hold");
  CHECK(error_of("unix@" + long_path).find("is 120 characters") != std::string::npos);
  const std::string long_name(108, 'n');
  CHECK(error_of("abns@" + long_name) == "abstract socket name '" + long_name +
                                             "' is 108 characters, more than the 107 a UNIX "
                                             "socket address can hold");
  CHECK(ok("abns@" + std::string(107, 'n')).path.size() == 107);
}

TEST_CASE("address: errors") {
  CHECK(error_of("") == "empty address");
  CHECK(error_of("127.0.0.1") ==
        "address '127.0.0.1' has no port; write it as HOST:PORT (e.g. 127.0.0.1:8080), or give "
        "an absolute path for a UNIX socket");
  CHECK(error_of("127.0.0.1:") ==
        "address '127.0.0.1:' has no port; write it as HOST:PORT (e.g. 127.0.0.1:8080), or give "
        "an absolute path for a UNIX socket");
  CHECK(error_of("127.0.0.1:65536") ==
        "invalid port '65536' in address '127.0.0.1:65536'; a port is a number from 0 to 65535");
  CHECK(error_of("127.0.0.1:http") ==
        "invalid port 'http' in address '127.0.0.1:http'; a port is a number from 0 to 65535");
  CHECK(error_of(":8000-8010") ==
        "port ranges and offsets are not supported by ferry ('8000-8010' in ':8000-8010'); give "
        "a single port");
  CHECK(error_of("db.example.com:5432") ==
        "'db.example.com' in address 'db.example.com:5432' is not a numeric IP address; ferry "
        "does not resolve host names, write the IP (e.g. 127.0.0.1:8080)");
  CHECK(error_of("ipv4@::1:80") == "'::1' in address 'ipv4@::1:80' is not an IPv4 address");
  CHECK(error_of("ipv6@1.2.3.4:80") ==
        "'1.2.3.4' in address 'ipv6@1.2.3.4:80' is not an IPv6 address");
  CHECK(error_of("[::1") == "missing ']' in IPv6 address '[::1'");
  CHECK(error_of("[::1]x80") == "unexpected text after ']' in address '[::1]x80'");
  CHECK(error_of("unix@") == "address 'unix@' has no socket path after 'unix@'");
  CHECK(error_of("abns@") == "address 'abns@' has no abstract socket name");
  CHECK(error_of("fd@") == "address 'fd@' has no fd number or name after 'fd@' (e.g. fd@3)");
  CHECK(error_of("fd@a:b") ==
        "invalid inherited socket name 'a:b' in 'fd@a:b'; a name has no "
        "':' or blanks (systemd's FileDescriptorName=)");
  CHECK(error_of("sockpair@3") ==
        "address prefix 'sockpair@' (in 'sockpair@3') is not supported by ferry; use ipv4@, "
        "ipv6@, unix@, abns@, abnsz@ or fd@");
}

TEST_CASE("address: fd@ names an inherited socket by number or name (issue 11)") {
  for (const char* text : {"fd@3", "fd@web"}) {
    ferry::conf::Address a;
    REQUIRE_FALSE(ferry::conf::parse_address(text, a).has_value());
    CHECK(a.kind == ferry::conf::AddressKind::Fd);
    CHECK(a.path == std::string(text).substr(3));
    CHECK(ferry::conf::address_kind_name(a) == "fd");
  }
}

TEST_CASE("address: comma lists") {
  std::vector<Address> out;
  CHECK_FALSE(parse_address_list("127.0.0.1:1,/run/x.sock,[::1]:2", out));
  REQUIRE(out.size() == 3);
  CHECK(out[0].port == 1);
  CHECK(out[1].path == "/run/x.sock");
  CHECK(out[2].family == AF_INET6);
  out.clear();
  CHECK(parse_address_list("127.0.0.1:1,,:2", out) ==
        "empty address in the list '127.0.0.1:1,,:2'");
  CHECK(parse_address_list(":1,:99999", out) ==
        "invalid port '99999' in address ':99999'; a port is a number from 0 to 65535");
}

}  // namespace
}  // namespace ferry::conf
