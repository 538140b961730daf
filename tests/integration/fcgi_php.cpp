// FastCGI to real PHP-FPM (php8.2-fpm): pools started by the test in its own directory on UNIX
// sockets with a small PHP app, ferry's `fcgi-app` in front of them, and the real haproxy 2.6 on
// the same config and pools to compare the CGI parameters with.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace ferry::test {
namespace {

// The PHP app: its files, written into the test's www/ directory.
const std::pair<const char*, const char*> kApp[] = {
    {"dump.php", R"(<?php
header('Content-Type: text/plain');
$s = $_SERVER; ksort($s);
foreach ($s as $k => $v) { if (is_string($v)) echo "$k=$v\n"; }
)"},
    {"index.php", "<?php echo 'index of ', getenv('POOL'), \"\\n\";\n"},
    {"upload.php", R"(<?php
$d = file_get_contents('php://input');
echo strlen($d), ' ', sprintf('%08x', crc32($d)), "\n";
)"},
    {"redirect.php", R"(<?php
setcookie('session', 'abc123');
header('Location: /index.php');
)"},
    {"slow.php", "<?php sleep(3); echo \"late\\n\";\n"},
    {"die.php", R"(<?php
if (isset($_GET['after'])) {
  while (ob_get_level()) ob_end_flush();
  echo "partial output\n"; flush(); usleep(100000);
}
posix_kill(getmypid(), 9);
)"},
};

// One php-fpm master with a pool per name, each listening on DIR/<name>.sock. Masters of
// different pools may run side by side in one directory (each has its own conf and log).
class Fpm {
 public:
  Fpm(const TempDir& dir, const std::vector<std::string>& pools) : dir_(dir), pools_(pools) {
    std::string id;
    for (const std::string& p : pools)
      id += p;
    std::string conf = "[global]\nerror_log = " + dir.file("fpm-" + id + ".log") +
                       "\ndaemonize = no\npid = " + dir.file("fpm-" + id + ".pid") + "\n";
    for (const std::string& p : pools)
      conf += "[" + p + "]\nlisten = " + dir.file(p + ".sock") +
              "\npm = static\npm.max_children = 4\nping.path = /ping\nenv[POOL] = " + p +
              "\ncatch_workers_output = yes\n";
    ::mkdir(dir.file("www").c_str(), 0755);
    for (const auto& [name, text] : kApp)
      dir.write_file(std::string("www/") + name, text);
    argv_ = {find_program("php-fpm8.2"),
             "-F",
             "-y",
             dir.write_file("fpm-" + id + ".conf", conf),
             "-p",
             dir.path()};
    if (::geteuid() == 0) argv_.push_back("-R");  // as root, its workers run as root too
    log_ = dir.file("fpm-" + id + ".log");
    start();
  }

  // Starts the master (again) and waits until every pool accepts connections.
  void start() {
    program_ = std::make_unique<Program>(dir_, "php-fpm", ProgramSpec{argv_, "", {}});
    for (const std::string& p : pools_)
      REQUIRE_MESSAGE(
          poll_until([&] { return ClientConn::unix_socket(dir_.file(p + ".sock")).ok(); }, 10s),
          (program_->err() + read_file(log_)));
  }
  // Stops the master and its workers (FPM removes its sockets).
  void stop() { program_.reset(); }

 private:
  const TempDir& dir_;
  std::vector<std::string> pools_;
  std::vector<std::string> argv_;
  std::string log_;
  std::unique_ptr<Program> program_;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased, the last of each
  std::string body;
  bool complete = false;  // the body ended as its framing says (not cut by a close)
};

std::string lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Parses one response from the front of `raw` (chunked, Content-Length or until close);
// `used`: its bytes. Returns false when more bytes are needed.
bool parse_response(const std::string& raw, bool closed, HttpResponse& r, size_t& used) {
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::istringstream head(raw.substr(0, end));
  std::string line;
  std::getline(head, line);
  r = {};
  r.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t colon = line.find(':');
    r.headers[lower(line.substr(0, colon))] = line.substr(colon + 2);
  }
  size_t pos = end + 4;
  if (r.headers.count("content-length")) {
    const size_t n = std::stoul(r.headers["content-length"]);
    if (raw.size() - pos < n) return closed && (r.body = raw.substr(pos), used = raw.size(), true);
    r.body = raw.substr(pos, n);
    r.complete = true;
    used = pos + n;
    return true;
  }
  if (r.headers["transfer-encoding"] != "chunked") {
    r.body = raw.substr(pos);
    used = raw.size();
    r.complete = closed;
    return closed;
  }
  while (true) {
    const size_t eol = raw.find("\r\n", pos);
    if (eol == std::string::npos) break;
    const size_t n = std::stoul(raw.substr(pos, eol - pos), nullptr, 16);
    if (raw.size() < eol + 2 + n + 2) break;
    if (n == 0) {
      r.complete = true;
      used = eol + 4;
      return true;
    }
    r.body += raw.substr(eol + 2, n);
    pos = eol + 2 + n + 2;
  }
  used = raw.size();
  return closed;
}

// Sends `request` on `c` and reads one response.
HttpResponse roundtrip(ClientConn& c, const std::string& request, Millis timeout = 10s) {
  REQUIRE(c.send_all(request));
  std::string raw;
  HttpResponse r;
  size_t used = 0;
  const Deadline deadline(timeout);
  bool closed = false;
  while (!parse_response(raw, closed, r, used)) {
    if (closed || deadline.expired()) return r;
    const ReadStatus st = c.read_some(raw, deadline);
    closed = st != ReadStatus::Data;
  }
  return r;
}

HttpResponse get(uint16_t port, const std::string& target, const std::string& extra = "") {
  ClientConn c = ClientConn::tcp(port);
  return roundtrip(
      c, "GET " + target + " HTTP/1.1\r\nHost: app.test\r\n" + extra + "Connection: close\r\n\r\n");
}

// The lines NAME=VALUE of dump.php, sorted, without what differs between two proxies by nature.
std::string cgi_params(const std::string& body) {
  std::map<std::string, std::string> params;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    const std::string name = line.substr(0, eq);
    if (name == "REMOTE_PORT" || name == "SERVER_PORT" || name == "SERVER_SOFTWARE" ||
        name == "POOL")
      continue;
    params[name] = line.substr(eq + 1);
  }
  std::string out;
  for (const auto& [name, value] : params)
    out += name + "=" + value + "\n";
  return out;
}

std::string config(const TempDir& dir, uint16_t port, const std::string& servers,
                   const std::string& timeout_server = "5s") {
  return fill_template(R"(global
  stats socket {DIR}/admin.sock level admin
defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server {TS}
  http-reuse always
  retries 1
  option redispatch
fcgi-app php
  docroot {DIR}/www
  index index.php
  path-info ^(/.+\.php)(/.*)?$
  option keep-conn
  option get-values
  log-stderr global
frontend fe
  bind 127.0.0.1:{PORT}
  default_backend php
backend php
  use-fcgi-app php
{SERVERS}
)",
                       {{"DIR", dir.path()},
                        {"PORT", std::to_string(port)},
                        {"SERVERS", servers},
                        {"TS", timeout_server}});
}

std::string fpm_servers(const TempDir& dir, const std::vector<std::string>& pools) {
  std::string out;
  for (const std::string& p : pools)
    out += "  server " + p + " " + dir.file(p + ".sock") + " proto fcgi\n";
  return out;
}

bool have_php_fpm() {
  return !find_program("php-fpm8.2").empty();
}

uint32_t crc32(const std::string& data) {
  uint32_t crc = 0xffffffffu;
  for (unsigned char b : data) {
    crc ^= b;
    for (int k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

TEST_CASE("fcgi php-fpm: the CGI parameters are those haproxy 2.6 sends to the same pools") {
  REQUIRE_MESSAGE(have_php_fpm(), "php8.2-fpm is not installed (scripts/packages.sh)");
  REQUIRE_MESSAGE(!find_program("haproxy").empty(), "haproxy is not installed");
  TempDir dir;
  Fpm fpm(dir, {"a", "b"});
  const uint16_t port = free_tcp_port(), hport = free_tcp_port();
  const std::string servers = fpm_servers(dir, {"a", "b"});
  FerryProcess ferry(dir, config(dir, port, servers));
  REQUIRE(ferry.wait_listening_tcp(port));
  std::string theirs = config(dir, hport, servers);
  theirs.replace(theirs.find("stats socket"), 12, "#");
  Program haproxy(dir, "haproxy",
                  ProgramSpec{{"haproxy", "-db", "-f", dir.write_file("h.cfg", theirs)}, "", {}});
  REQUIRE_MESSAGE(poll_until([&] { return ClientConn::tcp(hport).ok(); }, 10s), haproxy.err());

  const std::string requests[][2] = {
      {"/dump.php/extra/path?a=1&b=%20c", "X-Foo: bar\r\nCookie: c=1\r\nX-Dup: 1\r\nX-Dup: 2\r\n"},
      {"/dump.php", "Authorization: Basic eDp5\r\nProxy: evil\r\nX_Under: 1\r\nTE: trailers\r\n"},
      {"/sub%20dir/../dump.php?", "Connection: x-hop\r\nX-Hop: 1\r\n"},
  };
  for (const auto& [target, extra] : requests) {
    CAPTURE(target);
    const HttpResponse ours = get(port, target, extra);
    const HttpResponse ref = get(hport, target, extra);
    REQUIRE(ref.status == ours.status);
    CHECK(cgi_params(ours.body) == cgi_params(ref.body));
  }
  // A POST's CONTENT_TYPE and CONTENT_LENGTH, the same way.
  const std::string post =
      "POST /dump.php HTTP/1.1\r\nHost: app.test\r\nContent-Type: application/x-www-form-urlencoded"
      "\r\nContent-Length: 7\r\nConnection: close\r\n\r\nx=1&y=2";
  ClientConn c1 = ClientConn::tcp(port), c2 = ClientConn::tcp(hport);
  const HttpResponse ours = roundtrip(c1, post), ref = roundtrip(c2, post);
  CHECK(ours.status == 200);
  CHECK(cgi_params(ours.body) == cgi_params(ref.body));
  // A chunked body: both send it whole with its CONTENT_LENGTH.
  const std::string chunked =
      "POST /dump.php HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
  ClientConn c3 = ClientConn::tcp(port), c4 = ClientConn::tcp(hport);
  const HttpResponse ours_chunked = roundtrip(c3, chunked), ref_chunked = roundtrip(c4, chunked);
  CHECK(ours_chunked.status == 200);
  CHECK(ours_chunked.body.find("CONTENT_LENGTH=11\n") != std::string::npos);
  CHECK(cgi_params(ours_chunked.body) == cgi_params(ref_chunked.body));

  // Requests are balanced over both pools (roundrobin): each answers some.
  std::set<std::string> pools;
  for (int i = 0; i < 4; ++i)
    pools.insert(get(port, "/").body);
  CHECK(pools == std::set<std::string>{"index of a\n", "index of b\n"});
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("fcgi php-fpm: uploads redirects chunked answers and kept connections") {
  REQUIRE_MESSAGE(have_php_fpm(), "php8.2-fpm is not installed (scripts/packages.sh)");
  TempDir dir;
  Fpm fpm(dir, {"a"});
  const uint16_t port = free_tcp_port();
  FerryProcess ferry(dir, config(dir, port, fpm_servers(dir, {"a"})));
  REQUIRE(ferry.wait_listening_tcp(port));

  // An upload larger than the buffers and a FastCGI record, streamed as STDIN records.
  std::string data(3 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<char>((i * 7919) >> 3);
  ClientConn up = ClientConn::tcp(port);
  const HttpResponse r =
      roundtrip(up, "POST /upload.php HTTP/1.1\r\nHost: app.test\r\nContent-Length: " +
                        std::to_string(data.size()) + "\r\nConnection: close\r\n\r\n" + data);
  char expected[32];
  std::snprintf(expected, sizeof expected, "%zu %08x\n", data.size(), crc32(data));
  CHECK(r.status == 200);
  CHECK(r.body == expected);

  // A chunked upload, its chunks sent one by one: gathered whole, then sent with its length.
  const std::string part = data.substr(0, 4000);
  ClientConn ch = ClientConn::tcp(port);
  REQUIRE(
      ch.send_all("POST /upload.php HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: "
                  "chunked\r\n\r\n"));
  for (int i = 0; i < 3; ++i)
    REQUIRE(ch.send_all("fa0\r\n" + part + "\r\n"));
  std::snprintf(expected, sizeof expected, "%zu %08x\n", 3 * part.size(),
                crc32(part + part + part));
  HttpResponse chunked = roundtrip(ch, "0\r\n\r\n");
  CHECK(chunked.status == 200);
  CHECK(chunked.body == expected);
  // One too large for a buffer: 400, as HAProxy 2.6 answers it.
  ClientConn big = ClientConn::tcp(port);
  const HttpResponse too_big =
      roundtrip(big,
                "POST /upload.php HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: "
                "chunked\r\n\r\n8000\r\n" +
                    data.substr(0, 0x8000) + "\r\n0\r\n\r\n");
  CHECK(too_big.status == 400);

  // A cookie and a redirect: Location without Status is a 302.
  HttpResponse redirect = get(port, "/redirect.php");
  CHECK(redirect.status == 302);
  CHECK(redirect.headers["location"] == "/index.php");
  CHECK(redirect.headers["set-cookie"] == "session=abc123");

  // Keep-alive: three answers of unknown length, chunked, on one client connection.
  ClientConn c = ClientConn::tcp(port);
  for (int i = 0; i < 3; ++i) {
    HttpResponse k = roundtrip(c, "GET /index.php HTTP/1.1\r\nHost: app.test\r\n\r\n");
    CHECK(k.status == 200);
    CHECK(k.headers["transfer-encoding"] == "chunked");
    CHECK(k.complete);
    CHECK(k.body == "index of a\n");
  }
  // Two FastCGI connections carried all seven requests (http-reuse always: a new client takes
  // the idle connection too); the one of the refused chunked body was closed with its client.
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  CHECK(stat_cell(admin, "php", "a", "connect") == "2");
  CHECK(stat_cell(admin, "php", "a", "reuse") == "5");

  // A script that does not exist: FPM's 404, its STDERR line not lost.
  CHECK(get(port, "/missing.php").status == 404);
  // option get-values: PHP-FPM gives FCGI_MPXS_CONNS only, so no limit comes of it.
  CHECK(stat_cell(admin, "php", "a", "slim") == "");
  CHECK(ferry.stop_cleanly());
  CHECK(ferry.output().find("php/a: FastCGI GET_VALUES_RESULT: FCGI_MAX_CONNS not given, "
                            "FCGI_MPXS_CONNS 0; no limit of sessions") != std::string::npos);
  // FPM's STDERR line, unterminated, logged at END_REQUEST.
  CHECK(ferry.output().find("php/a STDERR: Primary script unknown\n") != std::string::npos);
}

TEST_CASE("fcgi php-fpm: missing sockets slow scripts and killed workers") {
  REQUIRE_MESSAGE(have_php_fpm(), "php8.2-fpm is not installed (scripts/packages.sh)");
  TempDir dir;
  Fpm fpm(dir, {"a"});
  const uint16_t port = free_tcp_port();
  // One socket that is not there (no FPM behind it): retried, redispatched to the live pool.
  FerryProcess ferry(dir, config(dir, port, fpm_servers(dir, {"gone", "a"}), "1s"));
  REQUIRE(ferry.wait_listening_tcp(port));
  for (int i = 0; i < 4; ++i)
    CHECK(get(port, "/index.php").status == 200);

  // A script slower than timeout server: 504.
  CHECK(get(port, "/slow.php").status == 504);

  // A worker killed before any output: 502; killed mid-answer: the client's response is cut
  // (no last chunk) and its connection closed.
  CHECK(get(port, "/die.php").status == 502);
  const HttpResponse cut = get(port, "/die.php?after=1");
  CHECK(cut.status == 200);
  CHECK(cut.body == "partial output\n");
  CHECK_FALSE(cut.complete);
  // FPM starts another worker: the pool answers again.
  CHECK(poll_until([&] { return get(port, "/index.php").status == 200; }, 5s));
  CHECK(ferry.stop_cleanly());

  // No socket at all: 503 once the retries are spent.
  TempDir none;
  const uint16_t port2 = free_tcp_port();
  FerryProcess lonely(none, config(none, port2, fpm_servers(none, {"gone"})));
  REQUIRE(lonely.wait_listening_tcp(port2));
  CHECK(get(port2, "/index.php").status == 503);
  CHECK(lonely.stop_cleanly());
}

// Requests to ferry from a thread, counted, until stopped: none may fail.
class Load {
 public:
  explicit Load(uint16_t port)
      : thread_([this, port] {
          while (!stop_) {
            const HttpResponse r = get(port, "/index.php");
            ++(r.status == 200 && r.complete && r.body.rfind("index of ", 0) == 0 ? ok_ : failed_);
          }
        }) {}
  // Stops it; returns how many requests failed ("N of M").
  std::string finish() {
    stop_ = true;
    thread_.join();
    return std::to_string(failed_) + " of " + std::to_string(ok_ + failed_);
  }
  int ok() const { return ok_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> ok_{0}, failed_{0};
  std::thread thread_;
};

ProgramResult ferryctl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = args;
  argv.insert(argv.begin(), ferryctl_binary());
  return run_program(ProgramSpec{argv, "", {{"FERRY_SOCKET", ""}}}, 15s);
}

TEST_CASE("fcgi php-fpm: option httpchk checks through FastCGI and a pool drains without a loss") {
  REQUIRE_MESSAGE(have_php_fpm(), "php8.2-fpm is not installed (scripts/packages.sh)");
  TempDir dir;
  Fpm a(dir, {"a"}), b(dir, {"b"});
  const uint16_t port = free_tcp_port();
  // FPM's ping.path answers "pong"; a second backend expects what it never answers.
  std::string servers = "  option httpchk GET /ping\n  http-check expect string pong\n";
  for (const char* p : {"a", "b"})
    servers += "  server " + std::string(p) + " " + dir.file(std::string(p) + ".sock") +
               " proto fcgi check inter 100 fall 2 rise 2\n";
  servers += "backend wrong\n  use-fcgi-app php\n  option httpchk GET /ping\n" +
             std::string("  http-check expect status 204\n  server a ") + dir.file("a.sock") +
             " proto fcgi check inter 100 fall 1\n";
  FerryProcess ferry(dir, config(dir, port, servers));
  REQUIRE(ferry.wait_listening_tcp(port));
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  const auto checked = [&](const char* be, const char* sv, const char* status) {
    return poll_until([&] { return stat_cell(admin, be, sv, "check_status") == status; }, 5s);
  };
  CHECK(checked("php", "a", "L7OK"));
  CHECK(checked("php", "b", "L7OK"));
  CHECK(checked("wrong", "a", "L7STS"));
  CHECK(stat_cell(admin, "wrong", "a", "check_code") == "200");
  CHECK(wait_server_status(admin, "wrong", "a", "DOWN"));

  // Pool b stops: its checks take it out, every request goes to a; it starts again: back in.
  b.stop();
  CHECK(wait_server_status(admin, "php", "b", "DOWN"));
  CHECK(stat_cell(admin, "php", "b", "check_status") == "SOCKERR");  // no socket file, as HAProxy
  for (int i = 0; i < 4; ++i)
    CHECK(get(port, "/index.php").body == "index of a\n");
  b.start();
  CHECK(wait_server_status(admin, "php", "b", "UP"));
  CHECK(stat_cell(admin, "php", "b", "check_status") == "L7OK");

  // Under load: b drained (ferryctl disable --wait), its FPM restarted, b enabled again.
  Load load(port);
  const std::string sock = dir.file("admin.sock");
  ProgramResult r = ferryctl({"-s", sock, "disable", "php/b", "--wait", "10s"});
  CHECK_MESSAGE(r.status.exited, r.describe());
  CHECK_MESSAGE(r.status.code == 0, r.describe());
  b.stop();
  b.start();
  r = ferryctl({"-s", sock, "enable", "php/b"});
  CHECK_MESSAGE(r.status.code == 0, r.describe());
  CHECK(wait_server_status(admin, "php", "b", "UP"));
  // b serves again: its session total moves.
  const std::string before = stat_cell(admin, "php", "b", "stot");
  CHECK(poll_until([&] { return stat_cell(admin, "php", "b", "stot") != before; }, 5s));
  const std::string failed = load.finish();
  CHECK(failed.rfind("0 of ", 0) == 0);
  MESSAGE("requests while b was drained and restarted: " << failed);
  CHECK(ferry.stop_cleanly());
}

TEST_CASE("fcgi get-values: FCGI_MAX_CONNS caps the sessions served at once") {
  TempDir dir;
  // An application that says FCGI_MAX_CONNS 1 and takes 0.2 s per request.
  Program app(dir, "fcgi_app",
              ProgramSpec{{"python3", FERRY_SOURCE_DIR "/tests/support/fcgi_app.py",
                           dir.file("py.sock"), "1"},
                          "",
                          {}});
  REQUIRE_MESSAGE(
      poll_until([&] { return ClientConn::unix_socket(dir.file("py.sock")).ok(); }, 10s),
      app.err());
  const uint16_t port = free_tcp_port();
  // config(): the fcgi-app has option get-values.
  FerryProcess ferry(dir,
                     config(dir, port, "  server py " + dir.file("py.sock") + " proto fcgi\n"));
  REQUIRE(ferry.wait_listening_tcp(port));
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  CHECK(stat_cell(admin, "php", "py", "slim") == "");
  CHECK(get(port, "/").body == "served\n");
  CHECK(stat_cell(admin, "php", "py", "slim") == "1");
  // Three at once: one is served, the others wait in the backend's queue, none fails.
  std::vector<std::thread> clients;
  std::atomic<int> served{0};
  for (int i = 0; i < 3; ++i)
    clients.emplace_back([&] { served += get(port, "/").body == "served\n"; });
  for (std::thread& t : clients)
    t.join();
  CHECK(served == 3);
  // Never more than one at the application (2 queued when the three overlap, as they do unless
  // a client starts 0.3 s late).
  CHECK(stat_cell(admin, "php", "py", "smax") == "1");
  CHECK(stat_cell(admin, "php", "BACKEND", "qmax") != "0");
  CHECK(ferry.stop_cleanly());
  CHECK(ferry.output().find("php/py: FastCGI GET_VALUES_RESULT: FCGI_MAX_CONNS 1, "
                            "FCGI_MPXS_CONNS 0; at most 1 sessions at once") != std::string::npos);
  // Its STDERR line came in two reads: logged whole, once per request (4 requests).
  const std::string out = ferry.output();
  size_t whole = 0;
  for (size_t at = 0; (at = out.find("php/py STDERR: ", at)) != std::string::npos; ++at, ++whole)
    CHECK(out.compare(at, 39, "php/py STDERR: one line in two records\n") == 0);
  CHECK(whole == 4);
}

// Replaces every `from` in `text` by `to`.
std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

TEST_CASE("fcgi examples/php-fpm runs as its README says") {
  REQUIRE_MESSAGE(have_php_fpm(), "php8.2-fpm is not installed (scripts/packages.sh)");
  TempDir dir;
  const std::string example = FERRY_SOURCE_DIR "/examples/php-fpm/";
  // Its paths moved into the test's directory; the pools run as the test's user.
  std::string pools = read_file(example + "pool.conf");
  pools = replace_all(pools, "/run/php/", dir.path() + "/");
  for (const char* line : {"user = www-data\n", "group = www-data\n", "listen.owner = www-data\n",
                           "listen.group = haproxy\n"})
    pools = replace_all(pools, line, "");
  const std::string fpm_conf = dir.write_file(
      "fpm.conf", "[global]\nerror_log = " + dir.file("fpm.log") +
                      "\ndaemonize = no\npid = " + dir.file("fpm.pid") + "\n" + pools);
  ::mkdir(dir.file("www").c_str(), 0755);
  dir.write_file("www/index.php", read_file(example + "index.php"));
  std::vector<std::string> argv = {
      find_program("php-fpm8.2"), "-F", "-y", fpm_conf, "-p", dir.path()};
  if (::geteuid() == 0) argv.push_back("-R");
  Program fpm(dir, "php-fpm", ProgramSpec{argv, "", {}});
  for (const char* sock : {"app1.sock", "app2.sock"})
    REQUIRE_MESSAGE(poll_until([&] { return ClientConn::unix_socket(dir.file(sock)).ok(); }, 10s),
                    (fpm.err() + read_file(dir.file("fpm.log"))));
  const uint16_t port = free_tcp_port();
  std::string cfg = read_file(example + "ferry.cfg");
  cfg = replace_all(cfg, "/run/php/", dir.path() + "/");
  cfg = replace_all(cfg, "/run/ferry/", dir.path() + "/");
  cfg = replace_all(cfg, "/var/www/app", dir.file("www"));
  cfg = replace_all(cfg, "bind :8080", "bind 127.0.0.1:" + std::to_string(port));
  FerryProcess ferry(dir, cfg);
  REQUIRE(ferry.wait_listening_tcp(port));
  const AdminTarget admin = AdminTarget::unix_socket(dir.file("admin.sock"));
  for (const char* sv : {"fpm1", "fpm2"})
    CHECK(poll_until([&] { return stat_cell(admin, "php_pool", sv, "check_status") == "L7OK"; },
                     10s));
  std::set<std::string> served;
  for (int i = 0; i < 4; ++i) {
    const HttpResponse r = get(port, "/");
    served.insert(r.body.substr(0, r.body.find('\n')));
  }
  CHECK(served == std::set<std::string>{"served by pool app1", "served by pool app2"});
  CHECK(get(port, "/index.php/more/path?x=1").body.find("PATH_INFO=/more/path\n") !=
        std::string::npos);
  CHECK(ferry.stop_cleanly());
}

}  // namespace
}  // namespace ferry::test
