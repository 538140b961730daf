// Cookie persistence and the hashing algorithms next to the real HAProxy 2.6: the same config,
// the same requests through both, against the same three app sockets (each answers with its
// name and the Cookie field it received, and sets the cookie its request's X-Set asks for).
// Compared request by request: the server that answered, the Cookie field it saw, the
// Set-Cookie and Cache-Control fields the client got (the cookie dates masked: they depend on
// the second), and the cookie characters of the httplog termination state. A drained server
// keeps its cookie holders and takes no new client; one in maintenance loses them. The request
// id of unique-id-format has the same form in both, and `show stat` the same cookie column.
#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/datagram_receiver.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/scripted_http_app.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ferry::test;

namespace {

// One thread: HAProxy's threads send their log lines in the order they finish, not the
// requests'.
constexpr const char* kConfig = R"(global
    nbthread 1
    log {LOG} format raw local0
    stats socket {DIR}/{WHO}-admin.sock level admin
defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 5s
    timeout server 5s
listen ins
    bind 127.0.0.1:{P0}
    cookie SRV insert indirect nocache httponly secure domain .example.com maxidle 30m maxlife 8h
    option redispatch
    server s1 unix@{DIR}/s1.sock cookie a1
    server s2 unix@{DIR}/s2.sock cookie b2
    server s3 unix@{DIR}/s3.sock cookie c3
listen plain
    bind 127.0.0.1:{P1}
    cookie SRV insert preserve postonly domain a.com domain b.com
    server s1 unix@{DIR}/s1.sock cookie a1
    server s2 unix@{DIR}/s2.sock
listen pfx
    bind 127.0.0.1:{P2}
    cookie JSESSIONID prefix
    server s1 unix@{DIR}/s1.sock cookie a1
    server s2 unix@{DIR}/s2.sock cookie b2
listen rw
    bind 127.0.0.1:{P3}
    cookie SRV rewrite
    server s1 unix@{DIR}/s1.sock cookie a1
    server s2 unix@{DIR}/s2.sock cookie b2
listen uri
    bind 127.0.0.1:{P4}
    balance uri
    server s1 unix@{DIR}/s1.sock
    server s2 unix@{DIR}/s2.sock weight 2
    server s3 unix@{DIR}/s3.sock
listen uri_ch
    bind 127.0.0.1:{P5}
    balance uri depth 2 len 12 whole
    hash-type consistent
    server s1 unix@{DIR}/s1.sock
    server s2 unix@{DIR}/s2.sock weight 2
    server s3 unix@{DIR}/s3.sock
listen param
    bind 127.0.0.1:{P6}
    balance url_param id
    hash-type consistent djb2 avalanche
    server s1 unix@{DIR}/s1.sock
    server s2 unix@{DIR}/s2.sock weight 2
    server s3 unix@{DIR}/s3.sock
listen host
    bind 127.0.0.1:{P7}
    balance hdr(Host) use_domain_only
    hash-type map-based crc32
    server s1 unix@{DIR}/s1.sock
    server s2 unix@{DIR}/s2.sock weight 2
    server s3 unix@{DIR}/s3.sock
listen uid
    bind 127.0.0.1:{P8}
    unique-id-format %{+X}o\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid
    unique-id-header X-Req-ID
    server s1 unix@{DIR}/s1.sock
)";
constexpr int kListens = 9;

// One exchange as the client and the server saw it, dates masked.
struct Seen {
  std::string server, cookie_at_server, set_cookies, cache_control;
  std::string request_id;  // X-Req-ID at the server (not compared: ports, dates, pids differ)
  std::string text() const {
    return server + " | " + cookie_at_server + " | " + set_cookies + " | " + cache_control;
  }
};

Seen exchange(uint16_t port, const std::string& request_line, const std::string& fields,
              const std::string& host = "x") {
  ClientConn c = ClientConn::tcp(port);
  REQUIRE(c.ok());
  REQUIRE(c.send_all(request_line + "\r\nHost: " + host + "\r\nConnection: close\r\n" + fields +
                     "\r\n"));
  const std::string r = c.read_until_eof(Deadline(5s)).data;
  const size_t end = r.find("\r\n\r\n");
  REQUIRE_MESSAGE(end != std::string::npos, r);
  Seen seen;
  const std::string body = r.substr(end + 4);
  const size_t sp1 = body.find(' '), sp2 = body.find(' ', sp1 + 1);
  seen.server = body.substr(0, sp1);
  seen.request_id = body.substr(sp1 + 1, sp2 - sp1 - 1);
  seen.cookie_at_server = body.substr(sp2 + 1);
  if (!seen.cookie_at_server.empty()) seen.cookie_at_server.pop_back();  // the '\n'
  static const std::regex field("\r\n([A-Za-z-]+): ([^\r]*)");
  static const std::regex date("\\|[A-Za-z0-9+/]{5}");
  const std::string head = r.substr(0, end);
  for (std::sregex_iterator it(head.begin(), head.end(), field), e; it != e; ++it) {
    std::string name = (*it)[1];
    for (char& ch : name)
      ch = static_cast<char>(std::tolower(ch));
    if (name == "set-cookie")
      seen.set_cookies += std::regex_replace((*it)[2].str(), date, "|D") + ";;";
    if (name == "cache-control") seen.cache_control += (*it)[2].str() + ";;";
  }
  return seen;
}

std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1";
}

struct Ports {
  uint16_t p[kListens];
};

// One request of the cookie traffic: to listen `listen` (index in Ports), with these fields.
struct Step {
  int listen;
  const char* line;
  const char* fields;
};
constexpr const char* kGet = "GET / HTTP/1.1";
constexpr const char* kPost = "POST / HTTP/1.1";

constexpr Step kInsert[] = {
    {0, kGet, ""},
    {0, kGet, "Cookie: SRV=b2\r\n"},
    {0, kGet, "Cookie: x=1; SRV=c3; y=2\r\n"},
    {0, kGet, "Cookie: SRV=zz\r\n"},
    {0, kGet, "Cookie: SRV=b2|zzzzz\r\n"},
    {0, kGet, "Cookie: SRV=b2|abcde|fghij\r\n"},
    {0, kGet, "Cookie: SRV=b2\r\nX-Set: SRV=mine\r\n"},
    {0, kGet, "X-CC: max-age=10\r\n"},
    {0, kGet, "X-CC: public\r\n"},
};
constexpr Step kOthers[] = {
    {1, kGet, ""},  // postonly: nothing for a GET
    {1, kPost, "Content-Length: 0\r\n"},
    {1, kPost, "X-Set: SRV=mine\r\nContent-Length: 0\r\n"},  // preserve
    {1, kPost, "Content-Length: 0\r\n"},                     // a server without a cookie
    {1, kGet, "Cookie: a=1; SRV=a1;b=2\r\n"},
    {2, kGet, "X-Set: JSESSIONID=abc; Path=/app\r\n"},
    {2, kGet, "Cookie: JSESSIONID=b2~abc; o=1\r\n"},
    {2, kGet, "Cookie: JSESSIONID=a1~x~y; JSESSIONID=b2~q\r\n"},
    {3, kGet, "X-Set: SRV=abc; Path=/app\r\n"},
    {3, kGet, "Cookie: SRV=b2\r\nX-Set: SRV=abc\r\n"},
};

// The cookie traffic; admin commands go to `admin`.
std::vector<Seen> cookie_traffic(const Ports& ports, const AdminTarget& admin) {
  std::vector<Seen> out;
  const auto run = [&](const Step& s) {
    out.push_back(exchange(ports.p[s.listen], s.line, s.fields));
  };
  for (const Step& s : kInsert)
    run(s);
  // A drained server keeps the clients that hold its cookie and takes no new one.
  CHECK(admin_query(admin, "set server ins/s2 state drain").find_first_not_of("\n") ==
        std::string::npos);
  for (int i = 0; i < 3; ++i) {
    run({0, kGet, "Cookie: SRV=b2\r\n"});
    run({0, kGet, ""});
  }
  // In maintenance it loses them: balanced elsewhere, and the cookie reset.
  admin_query(admin, "set server ins/s2 state maint");
  run({0, kGet, "Cookie: SRV=b2\r\n"});
  admin_query(admin, "set server ins/s2 state ready");
  run({0, kGet, "Cookie: SRV=b2\r\n"});
  for (const Step& s : kOthers)
    run(s);
  return out;
}

std::vector<Seen> hash_traffic(const Ports& ports) {
  std::vector<Seen> out;
  for (int i = 0; i < 24; ++i) {
    const std::string n = std::to_string(i * 7919 % 1000);
    for (const std::string& path :
         {"/" + n, "/img/" + n + "/x.png?v=" + n, "/a/b" + n + "/c?q=" + n})
      for (int l = 4; l <= 5; ++l)
        out.push_back(exchange(ports.p[l], get(path), ""));
    out.push_back(exchange(ports.p[6], get("/?a=1&id=" + n), ""));
  }
  out.push_back(exchange(ports.p[6], get("/nothing"), ""));
  return out;
}

// `balance hdr(Host) use_domain_only`: the server of each host.
std::vector<std::string> host_traffic(uint16_t port) {
  std::vector<std::string> servers;
  for (const char* h : {"www.haproxy.org", "haproxy.org", "a.b.c.example.com", "example.com:8080",
                        "localhost", "x.y", "foo.bar.baz", "w.abc.net", "shop.example.org",
                        "api.example.org", "cdn.other.net", "m.site.io"})
    servers.push_back(exchange(port, get("/"), "", h).server);
  return servers;
}

// The 4-character termination states of the next `n` log lines.
std::vector<std::string> states(DatagramReceiver& log, size_t n) {
  static const std::regex state(" - - (\\S{4}) ");
  std::vector<std::string> out;
  const Deadline deadline(5s);
  while (out.size() < n) {
    const std::string d = log.receive(deadline);
    if (d.empty()) break;
    std::smatch m;
    // (HAProxy logs the readiness probe's empty connection as "<BADREQ>", perhaps late.)
    if (d.find("<BADREQ>") == std::string::npos && std::regex_search(d, m, state))
      out.push_back(m[1]);
  }
  return out;
}

// `pxname/svname=cookie` of every `show stat` row: the cookie column.
std::vector<std::string> cookie_column(const AdminTarget& admin) {
  std::vector<std::string> out;
  std::istringstream lines(admin_query(admin, "show stat"));
  std::string line;
  size_t column = 0;
  while (std::getline(lines, line)) {
    std::vector<std::string> f;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');)
      f.push_back(cell);
    if (line.starts_with("# ")) {
      column = static_cast<size_t>(std::find(f.begin(), f.end(), "cookie") - f.begin());
    } else if (f.size() > column && column > 0) {
      out.push_back(f[0] + "/" + f[1] + "=" + f[column]);
    }
  }
  return out;
}

struct Side {
  std::vector<Seen> cookies, hashes, ids;
  std::vector<std::string> hosts, cookie_states, stat_cookies;
};

Side drive(DatagramReceiver& log, const Ports& ports, const AdminTarget& admin) {
  Side s;
  s.cookies = cookie_traffic(ports, admin);
  s.cookie_states = states(log, s.cookies.size());
  s.hashes = hash_traffic(ports);
  s.hosts = host_traffic(ports.p[7]);
  for (int i = 0; i < 2; ++i)
    s.ids.push_back(exchange(ports.p[8], get("/"), ""));
  s.stat_cookies = cookie_column(admin);
  return s;
}

}  // namespace

TEST_CASE("cookie persistence and hash balancing as HAProxy 2.6 on the same config") {
  REQUIRE_MESSAGE(!find_program("haproxy").empty(),
                  "haproxy is not installed (scripts/packages.sh)");
  TempDir dir;
  // Each answer names the socket, the request's X-Req-ID and Cookie; X-Set and X-CC come back
  // as Set-Cookie and Cache-Control.
  const ScriptedHttpApp apps(
      dir, {{"s1", dir.file("s1.sock")}, {"s2", dir.file("s2.sock")}, {"s3", dir.file("s3.sock")}},
      "{name} {x-req-id} {cookie}\n");
  DatagramReceiver ours = DatagramReceiver::udp(), theirs = DatagramReceiver::udp();
  Ports fp{}, hp{};
  for (int i = 0; i < kListens; ++i) {
    fp.p[i] = free_tcp_port();
    hp.p[i] = free_tcp_port();
  }
  auto config = [&](const DatagramReceiver& log, const std::string& who, const Ports& p) {
    std::vector<std::pair<std::string, std::string>> values = {
        {"LOG", log.target()}, {"WHO", who}, {"DIR", dir.path()}};
    for (int i = 0; i < kListens; ++i)
      values.emplace_back("P" + std::to_string(i), std::to_string(p.p[i]));
    return fill_template(kConfig, values);
  };
  FerryProcess ferry(dir, config(ours, "ferry", fp));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(fp.p[kListens - 1]), ferry.output());
  Program haproxy(
      dir, "haproxy",
      ProgramSpec{{"haproxy", "-db", "-f", dir.write_file("h.cfg", config(theirs, "haproxy", hp))},
                  "",
                  {}});
  REQUIRE_MESSAGE(poll_until([&] { return ClientConn::tcp(hp.p[kListens - 1]).ok(); }, 10s),
                  haproxy.err());
  while (!theirs.receive(Deadline(200ms)).empty()) {  // the probe connection's line
  }

  const Side f = drive(ours, fp, AdminTarget::unix_socket(dir.file("ferry-admin.sock")));
  const Side h = drive(theirs, hp, AdminTarget::unix_socket(dir.file("haproxy-admin.sock")));

  REQUIRE(f.cookies.size() == h.cookies.size());
  for (size_t i = 0; i < f.cookies.size(); ++i) {
    INFO("cookie exchange " << i);
    CHECK(f.cookies[i].text() == h.cookies[i].text());
  }
  REQUIRE(f.cookie_states.size() == h.cookie_states.size());
  for (size_t i = 0; i < f.cookie_states.size(); ++i) {
    INFO("log line " << i);
    CHECK(f.cookie_states[i] == h.cookie_states[i]);
  }
  REQUIRE(f.hashes.size() == h.hashes.size());
  for (size_t i = 0; i < f.hashes.size(); ++i) {
    INFO("hash exchange " << i);
    CHECK(f.hashes[i].server == h.hashes[i].server);
  }
  CHECK(f.hosts == h.hosts);
  // `show stat` names the cookie of each backend and server, as HAProxy.
  CHECK(f.stat_cookies == h.stat_cookies);
  CHECK(std::find(f.stat_cookies.begin(), f.stat_cookies.end(), "ins/s2=b2") !=
        f.stat_cookies.end());
  CHECK(std::find(f.stat_cookies.begin(), f.stat_cookies.end(), "pfx/BACKEND=JSESSIONID") !=
        f.stat_cookies.end());
  // The request ids: HAProxy's form in both; each request its own number.
  static const std::regex id(
      "7F000001:[0-9A-F]{4}_7F000001:[0-9A-F]{4}_[0-9A-F]{8}_[0-9A-F]{4}:[0-9A-F]{4}");
  for (const Side* side : {&f, &h}) {
    REQUIRE(side->ids.size() == 2);
    CHECK_MESSAGE(std::regex_match(side->ids[0].request_id, id), side->ids[0].request_id);
    CHECK_MESSAGE(std::regex_match(side->ids[1].request_id, id), side->ids[1].request_id);
    CHECK(side->ids[0].request_id.substr(37, 4) != side->ids[1].request_id.substr(37, 4));
  }

  // A few facts spelled out, so that a change in both programs is noticed too.
  CHECK(f.cookies.at(0).set_cookies ==
        "SRV=a1|D|D; path=/; domain=.example.com; HttpOnly; Secure;;");
  CHECK(f.cookies.at(2).cookie_at_server == "x=1; y=2");
  for (size_t i = 9; i < 15; i += 2) {
    CHECK(f.cookies.at(i).server == "s2");      // the drained server keeps its holder
    CHECK(f.cookies.at(i + 1).server != "s2");  // and takes no new client
  }
  CHECK(f.cookies.at(15).server != "s2");  // in maintenance: balanced, the cookie reset
  CHECK(f.cookies.at(15).set_cookies.starts_with(
      "SRV=" + std::string(f.cookies[15].server == "s1" ? "a1" : "c3")));
  CHECK(f.cookie_states.at(15) == "--DI");
  CHECK(f.cookies.at(16).server == "s2");
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
