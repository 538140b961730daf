// The secured admin socket (issue 16): TLS on a TCP stats socket (`ssl crt ... ca-file ...
// verify ...`) with certificates made by the openssl CLI at test time; the real socat OPENSSL
// one-liner and ferryctl --ca/--cert; a plain TCP client gets no byte; levels by certificate CN,
// by source network and by peer uid; the audit lines; the config errors; and hostile clients (a
// handshake stalled half-way, garbage in place of a ClientHello).
#include <doctest/doctest.h>
#include <unistd.h>

#include <string>

#include "tests/support/admin_client.hpp"
#include "tests/support/admin_programs.hpp"
#include "tests/support/test_certs.hpp"

using namespace ferry::test;

namespace {

// ferry whose TCP stats socket speaks TLS with `options` after the certificate options.
struct TlsFerry {
  TempDir certs_dir;
  TestCerts certs{certs_dir};
  std::unique_ptr<AdminFerry> ferry;

  explicit TlsFerry(const std::string& options, const std::string& global_extra = "") {
    REQUIRE_MESSAGE(certs.ok(), certs.error);
    AdminFerryOptions o;
    o.tcp_admin_options =
        "level admin ssl crt " + certs.server + " ca-file " + certs.ca + " " + options;
    o.global_extra = global_extra;
    ferry = std::make_unique<AdminFerry>(o);
    REQUIRE_MESSAGE(ferry->start(), ferry->process().output());
  }
  // `echo COMMAND | socat stdio OPENSSL:127.0.0.1:PORT,cafile=CA[,cert=CERT]`.
  ProgramResult socat(const std::string& command, const std::string& cert) const {
    const std::string address = "OPENSSL:127.0.0.1:" + std::to_string(ferry->admin_port()) +
                                ",cafile=" + certs.ca + (cert.empty() ? "" : ",cert=" + cert);
    return run_program(shell("echo \"" + command + "\" | socat stdio " + address), 10s);
  }
  ProgramResult ctl(std::vector<std::string> args,
                    std::vector<std::pair<std::string, std::string>> env = {}) const {
    std::vector<std::string> argv{ferryctl_binary(), "-s",
                                  "127.0.0.1:" + std::to_string(ferry->admin_port())};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(ProgramSpec{argv, {}, std::move(env)}, 10s);
  }
};

}  // namespace

TEST_CASE(
    "TLS stats socket: socat OPENSSL and ferryctl run commands and a plain client gets no byte") {
  TlsFerry t("verify required");
  AdminFerry& f = *t.ferry;

  ProgramResult r = t.socat("disable server be/s1", t.certs.ops);
  REQUIRE_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  CHECK(r.out == "\n");
  CHECK(f.status("s1") == "MAINT");

  r = t.ctl({"--ca", t.certs.ca, "--cert", t.certs.ops, "enable", "be/s1"});
  CHECK_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  CHECK(f.status("s1") == "no check");
  // The key in its own file, and the options from the environment.
  r = t.ctl(
      {"show", "cli", "level"},
      {{"FERRY_CA", t.certs.ca}, {"FERRY_CERT", t.certs.ops_crt}, {"FERRY_KEY", t.certs.ops_key}});
  CHECK_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  CHECK(r.out == "admin\n");

  // Clear text, as HAProxy 2.6 would answer it: nothing comes back, not a byte.
  Received plain = admin_exchange(f.admin_tcp(), "show info\n");
  CHECK(plain.closed);
  CHECK(plain.data.empty());
  CHECK(f.process().wait_output("TLS handshake with 127.0.0.1:"));

  // Without a client certificate (verify required), or with one from another CA: refused.
  r = t.socat("disable server be/s1", "");
  CHECK(r.out.empty());
  r = t.socat("disable server be/s1", t.certs.other_ca_client);
  CHECK(r.out.empty());
  r = t.ctl({"--ca", t.certs.ca, "disable", "be/s1"});
  CHECK(r.status.code == 3);
  CHECK_MESSAGE(r.err.find("--cert") != std::string::npos, r.describe());
  CHECK(f.status("s1") == "no check");
  // ferryctl checks the server's certificate: not signed by the CA it was given.
  r = t.ctl({"--ca", t.certs.other_ca_client, "--cert", t.certs.ops, "show", "info"});
  CHECK(r.status.code == 3);
  CHECK_MESSAGE(r.err.find("certificate verify failed") != std::string::npos, r.describe());
}

TEST_CASE("levels by certificate CN and the audit lines") {
  TlsFerry t("verify required level user grant admin cn ops-*");
  AdminFerry& f = *t.ferry;

  ProgramResult r = t.socat("show cli level", t.certs.monitor);
  CHECK(r.out == "user\n\n");
  r = t.socat("disable server be/s2", t.certs.monitor);
  CHECK(r.out == "Permission denied\n\n");
  CHECK(f.status("s2") == "no check");
  r = t.socat("disable server be/s2", t.certs.ops);
  CHECK(r.out == "\n");
  CHECK(f.status("s2") == "MAINT");

  // Who, at which level, what, and the reply's first line; refused attempts too. Reads are not.
  CHECK(f.process().wait_output("audit: ipv4@127.0.0.1:" + std::to_string(f.admin_port())));
  CHECK(
      f.process().wait_output("cert 'CN=monitor-bob' level user: 'disable server be/s2' -> "
                              "'Permission denied'"));
  CHECK(f.process().wait_output("cert 'CN=ops-alice' level admin: 'disable server be/s2' -> ''"));
  // On the UNIX socket, the peer's uid and pid.
  CHECK(f.query("set weight be/s1 50") == "\n");
  CHECK(f.process().wait_output("audit: unix@" + f.admin().path + ": uid " +
                                std::to_string(::getuid())));
  CHECK(f.process().wait_output("level admin: 'set weight be/s1 50' -> ''"));
  CHECK(f.process().output().find("'show cli level'") == std::string::npos);
}

TEST_CASE("levels and refusals by source network and by peer uid") {
  const std::string uid = std::to_string(::getuid());
  AdminFerryOptions o;
  o.tcp_admin_options = "level user grant admin src 127.0.0.0/8 no-audit";
  o.global_extra = "    stats socket {DIR}/peer.sock level user grant operator uid " + uid +
                   "\n    stats socket {DIR}/denied.sock level admin deny uid " + uid +
                   "\n    stats socket ipv4@127.0.0.1:{DPORT} level admin deny src 127.0.0.1\n";
  // The template's own placeholders are filled by AdminFerry; the extra ones here.
  const uint16_t dport = free_tcp_port();
  o.global_extra = fill_template(o.global_extra, {{"DPORT", std::to_string(dport)}});
  AdminFerry f(o);
  REQUIRE_MESSAGE(f.start(), f.process().output());
  REQUIRE(f.process().wait_listening_tcp(dport));
  for (const char* sock : {"peer.sock", "denied.sock"})
    REQUIRE(f.process().wait_listening_unix(UnixAddress::path(f.dir().file(sock))));

  CHECK(admin_query(f.admin_tcp(), "show cli level") == "admin\n\n");
  CHECK(admin_query(f.admin_tcp(), "disable server be/s1") == "\n");
  const auto peer = AdminTarget::unix_socket(f.dir().file("peer.sock"));
  CHECK(admin_query(peer, "show cli level") == "operator\n\n");

  // Refused: closed without a byte, and logged.
  Received r = admin_exchange(AdminTarget::unix_socket(f.dir().file("denied.sock")), "show info\n");
  CHECK(r.closed);
  CHECK(r.data.empty());
  CHECK(f.process().wait_output("denied.sock: refused uid " + uid));
  r = admin_exchange(AdminTarget::tcp(dport), "show info\n");
  CHECK(r.closed);
  CHECK(r.data.empty());
  CHECK(f.process().wait_output("refused 127.0.0.1:"));
  // no-audit: the TCP socket's command left no audit line.
  CHECK(f.process().output().find("audit: ipv4@") == std::string::npos);
}

TEST_CASE("a TLS handshake stalled half-way or garbage in place of a ClientHello holds nobody") {
  TlsFerry t("verify required", "    stats timeout 3s\n");
  AdminFerry& f = *t.ferry;
  // The first bytes of a TLS record header, then nothing: the handshake waits for the rest.
  std::vector<ClientConn> stalled;
  for (int i = 0; i < 5; ++i) {
    stalled.push_back(f.admin_tcp().connect());
    REQUIRE(stalled.back().send_all(std::string("\x16\x03\x01\x00", 4)));
  }
  // Meanwhile other admins are served, over TLS and on the UNIX socket, and traffic flows; the
  // stalled handshakes are still waiting when all of that is done.
  ProgramResult r = t.socat("show cli level", t.certs.ops);
  CHECK(r.out == "admin\n\n");
  CHECK(f.query("show cli level") == "admin\n\n");
  ClientConn client = f.echoed_client();
  CHECK(client.ok());
  CHECK(stalled.front().stays_silent(0ms));
  // The timeout (`stats timeout`) ends each stalled handshake, without a byte of a reply.
  for (auto& c : stalled) {
    const Received rec = c.read_until_eof(Deadline(10s));
    CHECK(rec.closed);
    CHECK(rec.data.empty());
  }
  CHECK(f.process().wait_output("TLS handshake with 127.0.0.1:"));
  CHECK(f.process().wait_output(" timed out"));
  // Garbage: closed at once (well before the 3 s timeout), logged.
  ClientConn garbage = f.admin_tcp().connect();
  REQUIRE(garbage.send_all(std::string(200, '\xff') + "\r\n\r\nshow info\n"));
  const Received rec = garbage.read_until_eof(Deadline(2s));
  CHECK(rec.closed);
  CHECK(rec.data.find("Name:") == std::string::npos);
  CHECK(f.process().wait_output("failed: error:"));
}

TEST_CASE("stats socket TLS and client options: errors name the file and line") {
  TempDir dir;
  TestCerts certs(dir);
  REQUIRE_MESSAGE(certs.ok(), certs.error);
  const auto check = [&](const std::string& line, const std::string& expected) {
    const std::string cfg = dir.write_file("t.cfg", "global\n    " + line + "\n");
    const RunResult r = run_ferry({"-c", "-f", cfg});
    CAPTURE(line);
    CHECK(r.status.code == 1);
    CHECK_MESSAGE(r.output().find(cfg + ":2") != std::string::npos, r.output());
    CHECK_MESSAGE(r.output().find(expected) != std::string::npos, r.output());
  };
  check("stats socket " + dir.file("a.sock") + " ssl crt " + certs.server,
        "'ssl' needs a TCP address");
  check("stats socket ipv4@127.0.0.1:9 ssl crt " + certs.server + " verify required",
        "'verify optional|required' needs 'ca-file <file>'");
  check("stats socket ipv4@127.0.0.1:9 ssl crt " + dir.file("nosuch.pem"),
        "cannot read '" + dir.file("nosuch.pem") + "'");
  check("stats socket ipv4@127.0.0.1:9 ssl", "'ssl' needs 'crt <file>'");
  check("stats socket ipv4@127.0.0.1:9 ssl crt " + certs.ops_crt,
        "no private key after the certificate in 'crt'");
  check("stats socket ipv4@127.0.0.1:9 grant admin cn ops", "'cn ops' needs client certificates");
  check("stats socket ipv4@127.0.0.1:9 grant admin uid 0", "exist on UNIX sockets only");
  check("stats socket " + dir.file("a.sock") + " grant admin src 10.0.0.0/8",
        "never matches on a UNIX socket");
  check("stats socket ipv4@127.0.0.1:9 grant root src 10.0.0.0/8", "'grant' expects a level");
  check("stats socket ipv4@127.0.0.1:9 deny src 10.0.0.0/33", "is not an address or a network");
  check("stats socket ipv4@127.0.0.1:9 deny src", "'deny' expects 2 values");
  check("stats socket ipv4@127.0.0.1:9 ssl crt " + certs.server + " ssl-min-ver TLSv1.0",
        "'ssl-min-ver' expects 'TLSv1.2' or 'TLSv1.3'");
  check("stats socket ipv4@127.0.0.1:9 ssl crt " + certs.server + " ciphers NOPE",
        "'ciphers NOPE' names no cipher");
}

TEST_CASE("the TLS and client options in YAML") {
  TempDir dir;
  TestCerts certs(dir);
  REQUIRE_MESSAGE(certs.ok(), certs.error);
  const std::string socket =
      "      - address: ipv4@127.0.0.1:9\n"
      "        level: user\n"
      "        ssl: true\n"
      "        ca_file: " +
      certs.ca +
      "\n"
      "        verify: required\n"
      "        no_audit: true\n"
      "        clients: [\"grant admin cn ops-*\", \"deny src 0.0.0.0/0\"]\n";
  const std::string good = dir.write_file("good.yaml", "global:\n  stats:\n    socket:\n" + socket +
                                                           "        crt: " + certs.server + "\n");
  RunResult r = run_ferry({"-c", "-f", good});
  CHECK_MESSAGE(r.status.code == 0, r.output());
  const std::string bad = dir.write_file("bad.yaml", "global:\n  stats:\n    socket:\n" + socket);
  r = run_ferry({"-c", "-f", bad});
  CHECK(r.status.code == 1);
  CHECK_MESSAGE(r.output().find("'ssl' needs 'crt <file>'") != std::string::npos, r.output());
  CHECK_MESSAGE(r.output().find(bad + ":") != std::string::npos, r.output());
}
