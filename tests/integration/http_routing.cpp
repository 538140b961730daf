// use_backend end to end: four app sockets routed by path and Host on one keep-alive client
// connection (the backend changes from one request to the next, each backend counting its own
// requests), the default backend for the rest, and in mode tcp a connection routed by its
// client's address.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_csv.hpp"
#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/health_backends.hpp"
#include "tests/support/http_response.hpp"
#include "tests/support/scripted_http_app.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

// One process serving every socket of `names`: each answer's body says which socket took the
// request and its path ("app=api path=/api/x").
ScriptedHttpApp apps(const TempDir& dir, const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, std::string>> sockets;
  for (const auto& n : names)
    sockets.emplace_back(n, dir.file(n + ".sock"));
  return ScriptedHttpApp(dir, sockets, "app={name} path={path}\n");
}

TEST_CASE("http routing: use_backend by path and host on one keep-alive connection") {
  TempDir dir;
  const ScriptedHttpApp app(apps(dir, {"web", "api", "static", "admin"}));
  const uint16_t port = free_tcp_port();
  const std::string admin = dir.file("stats.sock");
  std::string cfg = "global\n    stats socket " + admin +
                    " level admin\n"
                    "defaults\n    mode http\n    timeout connect 2s\n    timeout client 5s\n"
                    "    timeout server 5s\n"
                    "frontend fe\n    bind 127.0.0.1:" +
                    std::to_string(port) +
                    "\n"
                    "    acl is_api path_beg /api/\n"
                    "    acl is_static path_end .css .js\n"
                    "    acl is_static path_beg /static/\n"
                    "    acl admin_host hdr(host) -i admin.example.com\n"
                    "    use_backend api if is_api !admin_host\n"
                    "    use_backend static if is_static\n"
                    "    use_backend admin if admin_host || { url_param(panel) -m found }\n"
                    "    default_backend web\n";
  for (const char* b : {"web", "api", "static", "admin"})
    cfg += std::string("backend ") + b + "\n    server s1 unix@" +
           dir.file(std::string(b) + ".sock") + "\n";
  FerryProcess ferry(dir, cfg);
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());

  ClientConn c = ClientConn::tcp(port);
  struct Case {
    std::string path, extra, app;
  };
  const Case cases[] = {
      {"/api/users", "", "api"},
      {"/", "", "web"},
      {"/app.css", "", "static"},
      {"/api/x", "Host: ADMIN.example.com\r\n", "admin"},  // the api rule says !admin_host
      {"/static/logo.png", "", "static"},
      {"/home?panel=1", "", "admin"},
      {"/apiary", "", "web"},
      {"/api/again", "", "api"},
  };
  for (const auto& k : cases) {
    const std::string req =
        k.extra.empty() ? http_get(k.path) : "GET " + k.path + " HTTP/1.1\r\n" + k.extra + "\r\n";
    REQUIRE(c.send_all(req));
    const Response resp = read_response(c);
    CHECK_MESSAGE(resp.body == "app=" + k.app + " path=" + k.path + "\n", k.path);
  }
  // Each backend counted the requests it was given (HAProxy's req_tot).
  std::string error;
  const auto table =
      StatTable::parse(admin_query(AdminTarget::unix_socket(admin), "show stat"), error);
  REQUIRE_MESSAGE(table, error);
  for (const char* be : {"api", "web", "static", "admin"})
    CHECK_MESSAGE(table->get(be, "BACKEND", "req_tot") == "2", be);
  CHECK(ferry.stop_cleanly());
}

// Cookie persistence is the request's backend's: after use_backend picks another backend on the
// same connection, that backend's cookie (name and server values) is the one inserted.
TEST_CASE("http routing: each backend's own sticky cookie on one keep-alive connection") {
  TempDir dir;
  const ScriptedHttpApp app(apps(dir, {"web", "api"}));
  const uint16_t port = free_tcp_port();
  const std::string cfg =
      "defaults\n    mode http\n    timeout connect 2s\n    timeout client 5s\n"
      "    timeout server 5s\n"
      "frontend fe\n    bind 127.0.0.1:" +
      std::to_string(port) +
      "\n    use_backend api if { path_beg /api/ }\n    default_backend web\n"
      "backend web\n    cookie WEB insert\n    server w1 unix@" +
      dir.file("web.sock") +
      " cookie w1\n"
      "backend api\n    cookie API insert httponly\n    server a1 unix@" +
      dir.file("api.sock") + " cookie a1\n";
  FerryProcess ferry(dir, cfg);
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  ClientConn c = ClientConn::tcp(port);
  const std::pair<const char*, const char*> cases[] = {
      {"/", "set-cookie: WEB=w1; path=/\r\n"},
      {"/api/x", "set-cookie: API=a1; path=/; HttpOnly\r\n"},
      {"/again", "set-cookie: WEB=w1; path=/\r\n"},
  };
  for (const auto& [path, cookie] : cases) {
    REQUIRE(c.send_all(http_get(path)));
    const Response resp = read_response(c);
    CHECK_MESSAGE(resp.status == 200, path);
    std::string head = resp.head;
    for (char& ch : head)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string want = cookie;
    for (char& ch : want)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    CHECK_MESSAGE(head.find(want) != std::string::npos, resp.head);
  }
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("http routing: use_backend in mode tcp picks by the client's address") {
  TempDir dir;
  NameServer local(UnixAddress::path(dir.file("local.sock")), "local");
  NameServer other(UnixAddress::path(dir.file("other.sock")), "other");
  const uint16_t port = free_tcp_port();
  const std::string cfg =
      "defaults\n    mode tcp\n    timeout connect 2s\n    timeout client 5s\n"
      "    timeout server 5s\n"
      "frontend fe\n    bind 127.0.0.1:" +
      std::to_string(port) + "\n    use_backend local if { src 127.0.0.0/8 } { dst_port " +
      std::to_string(port) +
      " }\n    default_backend other\n"
      "backend local\n    server s unix@" +
      dir.file("local.sock") + "\nbackend other\n    server s unix@" + dir.file("other.sock") +
      "\n";
  FerryProcess ferry(dir, cfg);
  REQUIRE(ferry.wait_listening_tcp(port));
  ClientConn c = ClientConn::tcp(port);
  std::string got;
  const Deadline deadline(5s);
  while (got.find('\n') == std::string::npos && c.read_some(got, deadline) == ReadStatus::Data) {
  }
  CHECK(got == "local\n");
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("http routing: tcp-request connection accepts and rejects by source") {
  TempDir dir;
  NameServer app(UnixAddress::path(dir.file("app.sock")), "app");
  const uint16_t open_port = free_tcp_port();
  const uint16_t closed_port = free_tcp_port();
  const std::string admin = dir.file("stats.sock");
  const std::string cfg = "global\n    stats socket " + admin +
                          " level admin\n"
                          "defaults\n    mode tcp\n    timeout connect 2s\n    timeout client 5s\n"
                          "    timeout server 5s\n"
                          "frontend allowed\n    bind 127.0.0.1:" +
                          std::to_string(open_port) +
                          "\n    acl trusted src 127.0.0.0/8 ::1\n"
                          "    tcp-request connection accept if trusted\n"
                          "    tcp-request connection reject\n    default_backend app\n"
                          "frontend refused\n    bind 127.0.0.1:" +
                          std::to_string(closed_port) +
                          "\n    tcp-request connection reject unless { src 10.0.0.0/8 }\n"
                          "    default_backend app\n"
                          "backend app\n    server s unix@" +
                          dir.file("app.sock") + "\n";
  FerryProcess ferry(dir, cfg);
  REQUIRE(ferry.wait_listening_tcp(open_port));
  REQUIRE(ferry.wait_listening_tcp(closed_port));
  auto first_line = [](uint16_t port) {
    ClientConn c = ClientConn::tcp(port);
    std::string got;
    const Deadline deadline(5s);
    while (got.find('\n') == std::string::npos && c.read_some(got, deadline) == ReadStatus::Data) {
    }
    return got;
  };
  CHECK(first_line(open_port) == "app\n");
  CHECK(first_line(closed_port).empty());  // closed at once, nothing relayed
  CHECK(first_line(closed_port).empty());
  std::string error;
  const auto table =
      StatTable::parse(admin_query(AdminTarget::unix_socket(admin), "show stat"), error);
  REQUIRE_MESSAGE(table, error);
  CHECK(table->get("refused", "FRONTEND", "dcon") == "2");
  CHECK(table->get("refused", "FRONTEND", "conn_tot") == "2");
  CHECK(table->get("refused", "FRONTEND", "stot") == "0");
  CHECK(table->get("allowed", "FRONTEND", "dcon") == "0");
  CHECK(app.accepted() == 1);
  CHECK(ferry.stop_cleanly());
}

}  // namespace
