// WebSocket through `mode http` (issue 12) with a real client and server library
// (python3-websockets, tests/support/websocket_peer.py): the server on a UNIX socket behind
// ferry, the client on ferry's TCP frontend. Text, binary and a 4 MiB message echoed byte for
// byte, the close handshake end to end, and `timeout tunnel` (not `timeout client`) closing an
// idle upgraded connection.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/admin_programs.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/health_backends.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ferry::test;

namespace {

const std::string kPython = "/usr/bin/python3";  // Debian's, where python3-websockets is
const std::string kPeer = FERRY_SOURCE_DIR "/tests/support/websocket_peer.py";

bool have_websockets() {
  const ProgramResult r =
      run_program({.argv = {kPython, "-c", "import websockets"}, .input = {}, .env = {}}, 10s);
  return r.status.exited && r.status.code == 0;
}

struct WebSocketRig {
  TempDir dir;
  uint16_t port = free_tcp_port();
  Program server{
      dir, "ws-server",
      ProgramSpec{.argv = {kPython, kPeer, "serve", dir.file("ws.sock")}, .input = {}, .env = {}}};
  FerryProcess ferry;

  explicit WebSocketRig(const std::string& tunnel_timeout)
      : ferry(dir, fill_template(R"(defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout tunnel {TUNNEL}
frontend fe
    bind 127.0.0.1:{PORT}
    option forwardfor
    default_backend be
backend be
    server ws unix@{DIR}/ws.sock
)",
                                 {{"PORT", std::to_string(port)},
                                  {"DIR", dir.path()},
                                  {"TUNNEL", tunnel_timeout}})) {}

  bool ready() {
    return poll_until([&] { return unix_path_accepts(dir.file("ws.sock")); }, 20s) &&
           ferry.wait_listening_tcp(port);
  }
  ProgramResult client(const std::string& mode) {
    return run_program(
        {.argv = {kPython, kPeer, mode, "ws://127.0.0.1:" + std::to_string(port) + "/chat?room=1"},
         .input = {},
         .env = {}},
        60s);
  }
};

}  // namespace

TEST_CASE("websocket: messages of every kind echo through ferry and the close handshake ends it") {
  REQUIRE_MESSAGE(have_websockets(), "python3-websockets is missing: scripts/packages.sh lists it");
  WebSocketRig rig("30s");
  REQUIRE_MESSAGE(rig.ready(), rig.ferry.output());
  const ProgramResult r = rig.client("echo");
  INFO(r.describe());
  CHECK(r.status.exited);
  CHECK(r.status.code == 0);
  // The upgrade request reached the server with its path and the client's address.
  CHECK(r.out.find("path=/chat?room=1 xff=127.0.0.1\n") != std::string::npos);
  CHECK(r.out.find("closed code=1000 reason=bye\n") != std::string::npos);
  CHECK(r.out.find("OK 11 messages, 4194304 bytes in the largest\n") != std::string::npos);
  CHECK_MESSAGE(rig.ferry.stop_cleanly(), rig.ferry.output());
}

TEST_CASE("websocket: timeout tunnel closes an idle upgraded connection") {
  REQUIRE_MESSAGE(have_websockets(), "python3-websockets is missing: scripts/packages.sh lists it");
  WebSocketRig rig("1s");  // timeout client and server are 30 s: only the tunnel's can fire
  REQUIRE_MESSAGE(rig.ready(), rig.ferry.output());
  const ProgramResult r = rig.client("idle");
  INFO(r.describe());
  CHECK(r.status.code == 0);
  const size_t at = r.out.find("closed after ");
  REQUIRE(at != std::string::npos);
  const double seconds = std::stod(r.out.substr(at + 13));
  CHECK(seconds >= 0.9);
  CHECK(seconds < 15);  // loose: a loaded machine or a sanitizer build is slow, 30 s is not near
  CHECK(r.out.find("code 1006") != std::string::npos);  // cut without a close frame
  CHECK_MESSAGE(rig.ferry.stop_cleanly(), rig.ferry.output());
}
