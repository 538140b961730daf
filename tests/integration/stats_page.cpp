// The HTML stats page in a real browser (Debian's chromium, headless, launched once): the DOM
// Chromium renders (the live document over the DevTools protocol, in
// tests/support/browser_page.py) has a row per server with its state, a server that goes DOWN
// while the page is open shows DOWN after the page refreshes itself, and screenshots are taken.
// Also `stats auth`, `;csv`, `;json`, the refusal of POST without `stats admin`, the actions of
// `stats admin`, and keep-alive.
#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <regex>
#include <string>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_csv.hpp"
#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/http_response.hpp"
#include "tests/support/scripted_http_app.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ferry::test;

namespace {

const std::string kBrowser = FERRY_SOURCE_DIR "/tests/support/browser_page.py";

constexpr const char* kConfig = R"(global
    stats socket {DIR}/admin.sock level admin
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend stats
    bind 127.0.0.1:{SPORT}
    stats enable
    stats uri /
    stats refresh 1s
    stats auth admin:s3cret
    stats show-legends
frontend admin
    bind 127.0.0.1:{APORT}
    stats enable
    stats uri /
    stats admin if { src 127.0.0.0/8 }
    http-request use-service prometheus-exporter if { path /metrics }
frontend web
    bind 127.0.0.1:{PORT}
    default_backend app
backend app
    server steady unix@{DIR}/steady.sock check inter 100ms
    server fragile unix@{DIR}/fragile.sock check inter 100ms fall 1 rise 1
    server off unix@{DIR}/steady.sock disabled
)";

std::optional<std::string> status_of(const AdminTarget& admin, const std::string& server) {
  std::string error;
  const auto table = StatTable::parse(admin_query(admin, "show stat"), error);
  return table ? table->get("app", server, "status") : std::nullopt;
}

// The `<tr ...>...</tr>` of `row` in a DOM dump, or "".
std::string dom_row(const std::string& dom, const std::string& row) {
  const size_t at = dom.find("data-row=\"" + row + "\"");
  if (at == std::string::npos) return {};
  const size_t begin = dom.rfind("<tr", at);
  return dom.substr(begin, dom.find("</tr>", at) - begin);
}

// The text of the status cell of a row ("DOWN", "UP", "MAINT"), its lastchg suffix removed.
std::string status_cell(const std::string& tr) {
  std::smatch m;
  static const std::regex kCell(R"(<td class="status">([^<]*))");
  if (!std::regex_search(tr, m, kCell)) return {};
  std::string s = m[1];
  while (!s.empty() && s.back() == ' ')
    s.pop_back();
  return s;
}

// GETs `target` on `port` on a connection of its own; the answer.
std::string get(uint16_t port, const std::string& target, const std::string& extra = "") {
  ClientConn c = ClientConn::tcp(port);
  if (!c.send_all("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + extra +
                  "\r\n"))
    return {};
  return c.read_until_eof(Deadline(5s)).data;
}

// POSTs `form` to the page on `port`; the answer.
std::string post(uint16_t port, const std::string& form, const std::string& extra = "") {
  ClientConn c = ClientConn::tcp(port);
  if (!c.send_all("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra +
                  "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                  std::to_string(form.size()) + "\r\n\r\n" + form))
    return {};
  return c.read_until_eof(Deadline(5s)).data;
}

constexpr const char* kAuth = "Authorization: Basic YWRtaW46czNjcmV0\r\n";  // admin:s3cret

// Reads a response's head only (the answer to a HEAD); what follows stays in `extra`.
std::string read_head(ClientConn& c, std::string& extra) {
  const Deadline deadline(5s);
  size_t end;
  while ((end = extra.find("\r\n\r\n")) == std::string::npos)
    if (c.read_some(extra, deadline) != ReadStatus::Data) return {};
  std::string head = extra.substr(0, end + 4);
  extra.erase(0, end + 4);
  return head;
}

}  // namespace

TEST_CASE("stats page: rendered by chromium and a server going DOWN while it is open") {
  REQUIRE_MESSAGE(!find_program("chromium").empty(),
                  "chromium is not installed (scripts/packages.sh)");
  TempDir dir;
  std::optional<ScriptedHttpApp> steady(std::in_place, dir, dir.file("steady.sock"));
  std::optional<ScriptedHttpApp> fragile(std::in_place, dir, dir.file("fragile.sock"));
  const uint16_t sport = free_tcp_port(), port = free_tcp_port(), aport = free_tcp_port();
  FerryProcess ferry(dir, fill_template(kConfig, {{"DIR", dir.path()},
                                                  {"SPORT", std::to_string(sport)},
                                                  {"APORT", std::to_string(aport)},
                                                  {"PORT", std::to_string(port)}}));
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  REQUIRE_MESSAGE(poll_until([&] { return status_of(admin, "fragile") == "UP"; }, 10s),
                  ferry.output());
  const std::string base = "http://127.0.0.1:" + std::to_string(sport) + "/";

  SUBCASE("the DOM chromium renders at rest, then a server goes DOWN: DOWN after its refresh") {
    const std::string out = dir.file("browser");
    std::filesystem::create_directory(out);
    Program browser(dir, "browser",
                    ProgramSpec{{"/usr/bin/python3", kBrowser,
                                 "http://admin:s3cret@127.0.0.1:" + std::to_string(sport) + "/",
                                 out, "fragile"},
                                "",
                                {}});
    REQUIRE_MESSAGE(poll_until([&] { return std::filesystem::exists(out + "/opened"); }, 20s),
                    browser.err());
    fragile.reset();  // the application stops: its checks fail
    REQUIRE(poll_until([&] { return status_of(admin, "fragile") == "DOWN"; }, 10s));
    dir.write_file("browser/trigger", "");
    const auto status = browser.wait_exit(20s);
    REQUIRE_MESSAGE((status && status->exited && status->code == 0), browser.err());
    // One browser for both moments: the DOM at rest is the live document, as --dump-dom gives.
    const std::string rest = read_file(out + "/rest.html");
    const std::string down = read_file(out + "/down.html");
    CHECK(rest.find("<h2>app</h2>") != std::string::npos);
    CHECK(dom_row(rest, "steady").find("class=\"server up\"") != std::string::npos);
    CHECK(status_cell(dom_row(rest, "steady")) == "UP");
    CHECK(status_cell(dom_row(rest, "off")) == "MAINT");
    CHECK(status_cell(dom_row(rest, "Backend")) == "UP");
    CHECK(rest.find("<form") == std::string::npos);  // read-only without `stats admin`
    CHECK(rest.find("src=") == std::string::npos);   // nothing loaded from elsewhere
    CHECK(rest.find("<link") == std::string::npos);
    CHECK(status_cell(dom_row(rest, "fragile")) == "UP");
    CHECK(status_cell(dom_row(down, "fragile")) == "DOWN");
    CHECK(dom_row(down, "fragile").find("class=\"server down\"") != std::string::npos);
    CHECK(status_cell(dom_row(down, "steady")) == "UP");
    CHECK(read_file(out + "/down.png").starts_with("\x89PNG"));
    CHECK(read_file(out + "/rest.png").starts_with("\x89PNG"));
  }
  SUBCASE("auth, csv, json, refresh and no actions without stats admin") {
    CHECK(get(sport, "/").starts_with("HTTP/1.1 401"));
    CHECK(get(sport, "/").find("www-authenticate: Basic realm=\"HAProxy Statistics\"") !=
          std::string::npos);
    CHECK(get(sport, "/", "Authorization: Basic YWRtaW46d3Jvbmc=\r\n").starts_with("HTTP/1.1 401"));
    const std::string page = get(sport, "/", kAuth);
    CHECK(page.starts_with("HTTP/1.1 200"));
    CHECK(page.find("refresh: 1\r\n") != std::string::npos);
    CHECK(get(sport, "/;norefresh", kAuth).find("refresh:") == std::string::npos);
    const std::string csv = get(sport, "/;csv", kAuth);
    CHECK(csv.find("\r\n\r\n# pxname,svname,") != std::string::npos);
    CHECK(csv.find("\napp,steady,") != std::string::npos);
    CHECK(get(sport, "/;json", kAuth).find("content-type: application/json") != std::string::npos);
    ClientConn c = ClientConn::tcp(sport);
    REQUIRE(c.send_all(std::string("POST / HTTP/1.1\r\nHost: x\r\n") + kAuth +
                       "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                       "31\r\n\r\nb=app&s=steady&action=maint&w=1"));
    CHECK(c.read_until_eof(Deadline(5s)).data.starts_with("HTTP/1.1 403"));
    CHECK(status_of(admin, "steady") == "UP");
  }
  SUBCASE("stats admin: ready, drain, maint and weight from the page, as the admin socket") {
    const std::string page = get(aport, "/");
    std::smatch m;
    REQUIRE(std::regex_search(page, m, std::regex(R"re(name="token" value="([0-9a-f]{32})")re")));
    const std::string token = m[1];
    CHECK(page.find("<form class=\"act\" method=\"post\" id=\"f-app\"") != std::string::npos);
    const std::string done = post(aport, "b=app&s=steady&action=maint&token=" + token);
    CHECK(done.starts_with("HTTP/1.1 303"));
    CHECK(done.find("location: /;st=DONE\r\n") != std::string::npos);
    CHECK(status_of(admin, "steady") == "MAINT");
    CHECK(post(aport, "b=app&s=steady&action=drain&token=" + token).find("st=DONE") !=
          std::string::npos);
    // Out of maintenance the checks run again: DRAIN once they pass.
    CHECK(poll_until([&] { return status_of(admin, "steady") == "DRAIN"; }, 5s));
    CHECK(
        post(aport, "b=app&s=steady&s=fragile&action=weight&w=7&token=" + token).find("st=DONE") !=
        std::string::npos);
    CHECK(admin_query(admin, "get weight app/fragile") == "7 (initial 1)\n\n");
    CHECK(post(aport, "b=app&s=steady&action=ready&token=" + token).find("st=DONE") !=
          std::string::npos);
    CHECK(poll_until([&] { return status_of(admin, "steady") == "UP"; }, 5s));
    CHECK(get(aport, "/;st=DONE").find("Action processed successfully.") != std::string::npos);
    // The same log lines as the admin socket's, and an audit line naming the page's client.
    CHECK(poll_until(
        [&] {
          return ferry.output().find("audit: stats page of frontend 'admin': 127.0.0.1:") !=
                     std::string::npos &&
                 ferry.output().find("'set server app/steady state maint' -> ''") !=
                     std::string::npos &&
                 ferry.output().find("Server app/steady is going DOWN for maintenance") !=
                     std::string::npos;
        },
        5s));
    // Cross-site requests and forged forms change nothing.
    CHECK(
        post(aport, "b=app&s=steady&action=maint&token=" + token, "Origin: http://evil.example\r\n")
            .find("st=DENY") != std::string::npos);
    CHECK(
        post(aport, "b=app&s=steady&action=maint&token=" + token, "Sec-Fetch-Site: cross-site\r\n")
            .find("st=DENY") != std::string::npos);
    CHECK(post(aport, "b=app&s=steady&action=maint&token=0123456789abcdef0123456789abcdef")
              .find("st=DENY") != std::string::npos);
    CHECK(post(aport, "b=app&s=steady&action=maint").find("st=DENY") != std::string::npos);
    CHECK(post(aport, "b=app&s=steady&action=explode&token=" + token).find("st=ERRP") !=
          std::string::npos);
    CHECK(post(aport, "b=app&action=maint&token=" + token).find("st=NONE") != std::string::npos);
    CHECK(post(aport, "b=app&s=nosuch&action=maint&token=" + token).find("st=ERRP") !=
          std::string::npos);
    CHECK(get(aport, "/?b=app&s=steady&action=maint&token=" + token).starts_with("HTTP/1.1 200"));
    CHECK(status_of(admin, "steady") == "UP");
    // The exporter answers /metrics on the same frontend (its condition), the page the rest.
    const std::string metrics = get(aport, "/metrics");
    CHECK(metrics.find("content-type: text/plain; version=0.0.4") != std::string::npos);
    CHECK(metrics.find("haproxy_server_weight{proxy=\"app\",server=\"fragile\"} 7") !=
          std::string::npos);
  }
  SUBCASE("keep-alive as HAProxy's: HTTP/1.1 and HTTP/1.0 asking for it; 401 and close end it") {
    const auto npos = std::string::npos;
    {  // HTTP/1.1: the exporter, the CSV, a HEAD (no body), a form's outcome, the page
      ClientConn c = ClientConn::tcp(aport);
      std::string extra;
      REQUIRE(c.send_all(http_get("/metrics") + http_get("/;csv")));
      const Response m = read_response(c, extra, 5s);
      CHECK(m.status == 200);
      CHECK(m.head.find("connection:") == npos);
      CHECK(m.body.find("haproxy_process_") != npos);
      const Response csv = read_response(c, extra, 5s);
      CHECK(csv.status == 200);
      CHECK(csv.body.starts_with("# pxname,svname,"));
      REQUIRE(c.send_all("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"));
      const std::string head = read_head(c, extra);
      CHECK(head.starts_with("HTTP/1.1 200"));
      CHECK(head.find("content-length: 0") == npos);
      REQUIRE(
          c.send_all("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     "application/x-www-form-urlencoded\r\nContent-Length: 11\r\n\r\nb=app&s=off" +
                     http_get("/")));
      const Response done = read_response(c, extra, 5s);
      CHECK(done.status == 303);
      CHECK(done.head.find("location: /;st=DENY\r\n") != npos);  // no token
      const Response page = read_response(c, extra, 5s);
      CHECK(page.status == 200);
      CHECK(page.body.ends_with("</body></html>\n"));
      CHECK(extra.empty());
      CHECK(c.stays_silent(100ms));  // still open, nothing more
    }
    {  // HTTP/1.0: closed, unless it asks for keep-alive
      ClientConn c = ClientConn::tcp(aport);
      REQUIRE(c.send_all("GET /metrics HTTP/1.0\r\n\r\n"));
      const Received r = c.read_until_eof(Deadline(5s));
      CHECK(r.closed);
      CHECK(r.data.find("\r\nconnection: close\r\n") != npos);
      ClientConn k = ClientConn::tcp(aport);
      std::string extra;
      for (int i = 0; i < 2; ++i) {
        REQUIRE(k.send_all("GET /;csv HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        const Response csv = read_response(k, extra, 5s);
        CHECK(csv.status == 200);
        CHECK(csv.head.find("\r\nconnection: keep-alive\r\n") != npos);
      }
    }
    {  // a 401, and a request that asks to close, end the connection
      ClientConn c = ClientConn::tcp(sport);
      REQUIRE(c.send_all(http_get("/")));
      const Received r = c.read_until_eof(Deadline(5s));
      CHECK(r.closed);
      CHECK(r.data.starts_with("HTTP/1.1 401"));
      CHECK(r.data.find("\r\nconnection: close\r\n") != npos);
      CHECK(get(sport, "/;csv", kAuth).starts_with("HTTP/1.1 200"));  // closed: read to EOF
    }
  }
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
