// The command line against good and bad configs: `-c` checks and exits, and a bad config never
// starts the daemon. The message texts come from the conf layer; here only the place (file:line)
// and the offending keyword are asserted.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ferry::test;

namespace {

const char* const kGood = R"(global
    maxconn 100
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    balance roundrobin
    server s1 unix@{DIR}/s1.sock
    server s2 {DIR}/s2.sock
)";

std::string good_config(const TempDir& dir, uint16_t port) {
  return fill_template(kGood, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
}

}  // namespace

TEST_CASE("ferry -c accepts a good config and exits 0") {
  TempDir dir;
  const std::string cfg = dir.write_file("good.cfg", good_config(dir, free_tcp_port()));
  const RunResult r = run_ferry({"-c", "-f", cfg});
  INFO(r.output());
  CHECK(to_string(r.status) == "exit code 0");
  CHECK(r.output().find("Configuration file is valid") != std::string::npos);
}

TEST_CASE("ferry -c rejects an unknown keyword naming its file and line") {
  TempDir dir;
  std::string text = good_config(dir, free_tcp_port());
  text.insert(text.find("    server s1"), "    bogus-keyword 12\n");  // becomes line 13
  const std::string cfg = dir.write_file("bad.cfg", text);
  const RunResult r = run_ferry({"-c", "-f", cfg});
  INFO(r.output());
  CHECK(to_string(r.status) == "exit code 1");
  CHECK(r.err.find(cfg + ":13") != std::string::npos);
  CHECK(r.err.find("bogus-keyword") != std::string::npos);
}

TEST_CASE("ferry -c rejects a bad time unit naming its file and line") {
  TempDir dir;
  std::string text = good_config(dir, free_tcp_port());
  text.replace(text.find("timeout connect 2s"), 18, "timeout connect 2x");  // line 5
  const std::string cfg = dir.write_file("bad.cfg", text);
  const RunResult r = run_ferry({"-c", "-f", cfg});
  INFO(r.output());
  CHECK(to_string(r.status) == "exit code 1");
  CHECK(r.err.find(cfg + ":5") != std::string::npos);
  CHECK(r.err.find("timeout connect") != std::string::npos);
}

TEST_CASE("starting the daemon with a bad config exits 1 at once") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  std::string text = good_config(dir, port);
  text.insert(text.find("    server s1"), "    bogus-keyword 12\n");
  const std::string cfg = dir.write_file("bad.cfg", text);
  const RunResult r = run_ferry({"-db", "-f", cfg}, 5s);
  INFO(r.output());
  CHECK(to_string(r.status) == "exit code 1");
  CHECK(r.err.find(cfg + ":13") != std::string::npos);
  CHECK(r.err.find("bogus-keyword") != std::string::npos);
}

TEST_CASE("ferry --dump-config writes bytes that are not UTF-8 as {\"hex\": ...} and exits 0") {
  TempDir dir;
  std::string text = good_config(dir, free_tcp_port());
  text += "    option tcp-check\n    tcp-check send \"PING\\xff\\r\\n\"\n";
  const std::string cfg = dir.write_file("latin1.cfg", text);
  const RunResult r = run_ferry({"--dump-config", "-f", cfg});  // aborted on type_error 316
  INFO(r.output());
  CHECK(to_string(r.status) == "exit code 0");
  CHECK(r.out.find(R"("arg": {
              "hex": "50494e47ff0d0a"
            })") != std::string::npos);
}
