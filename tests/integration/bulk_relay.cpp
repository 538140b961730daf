// The relay under load and at its edges: 256 MiB each way at once with checksums, and a reply
// that only starts after the client's half-close.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/admin_client.hpp"
#include "tests/support/bulk_data.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/socket_address.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

using namespace ferry::test;

namespace {

const char* const kConfig = R"(global
    maxconn 100
    stats socket {DIR}/admin.sock level admin
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend be
backend be
    server s1 unix@{DIR}/bulk.sock
)";

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kClientSeed = 0x1111;
constexpr uint64_t kServerSeed = 0x2222;

std::string config(const TempDir& dir, uint16_t port) {
  return fill_template(kConfig, {{"PORT", std::to_string(port)}, {"DIR", dir.path()}});
}

// The number after `key: ` in `show info`, or -1.
long long info_number(const TempDir& dir, const std::string& key) {
  const std::string info =
      admin_query(AdminTarget::unix_socket(dir.file("admin.sock")), "show info");
  const size_t at = info.find("\n" + key + ": ");
  if (at == std::string::npos) return -1;
  return std::stoll(info.substr(at + key.size() + 3));
}

}  // namespace

TEST_CASE("256 MiB in each direction at once arrive intact") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  BulkServer server(UnixAddress::path(dir.file("bulk.sock")), 256 * kMiB, kServerSeed);
  FerryProcess ferry(dir, config(dir, port));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());

  ClientConn client = ClientConn::tcp(port);
  REQUIRE(client.ok());
  const auto start = Clock::now();
  const BulkResult mine = exchange_bulk(client.fd(), 256 * kMiB, kClientSeed, Deadline(20s));
  MESSAGE("256 MiB each way took " << elapsed_ms(start) << " ms");
  CHECK(mine.completed);
  CHECK(mine.error == 0);
  CHECK(mine.sent == 256 * kMiB);
  CHECK(mine.received == 256 * kMiB);

  REQUIRE(server.wait_results(1, 10s));
  const BulkResult theirs = server.results().at(0);
  CHECK(theirs.completed);
  CHECK(theirs.received == 256 * kMiB);
  CHECK(theirs.received_checksum == mine.sent_checksum);
  CHECK(mine.received_checksum == theirs.sent_checksum);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

TEST_CASE("a client that half-closes still receives the whole reply") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  // The server reads until EOF and only then sends its 8 MiB reply.
  BulkServer server(UnixAddress::path(dir.file("bulk.sock")), 8 * kMiB, kServerSeed, true);
  FerryProcess ferry(dir, config(dir, port));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());

  ClientConn client = ClientConn::tcp(port);
  REQUIRE(client.ok());
  const BulkResult mine = exchange_bulk(client.fd(), 1 * kMiB, kClientSeed, Deadline(10s));
  CHECK(mine.completed);
  CHECK(mine.sent == 1 * kMiB);
  CHECK(mine.received == 8 * kMiB);

  REQUIRE(server.wait_results(1, 5s));
  const BulkResult theirs = server.results().at(0);
  CHECK(theirs.received == 1 * kMiB);
  CHECK(theirs.received_checksum == mine.sent_checksum);
  CHECK(theirs.sent == 8 * kMiB);
  CHECK(mine.received_checksum == theirs.sent_checksum);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}

// show info said PipesUsed 0 and PipesFree 0 whatever the pools held.
TEST_CASE("show info counts the splice pipes: used while bytes wait in one, free once it is back") {
  TempDir dir;
  const uint16_t port = free_tcp_port();
  BulkServer server(UnixAddress::path(dir.file("bulk.sock")), 32 * kMiB, kServerSeed);
  FerryProcess ferry(dir, config(dir, port));
  REQUIRE_MESSAGE(ferry.wait_listening_tcp(port), ferry.output());
  CHECK(info_number(dir, "Maxpipes") == 25);  // maxconn 100 / 4
  CHECK(info_number(dir, "PipesUsed") == 0);
  CHECK(info_number(dir, "PipesFree") == 0);

  // The client reads nothing yet: the reply is spliced and waits in a pipe.
  ClientConn client = ClientConn::tcp(port);
  REQUIRE(client.ok());
  CHECK(poll_until([&] { return info_number(dir, "PipesUsed") >= 1; }, 5s));
  const BulkResult mine = exchange_bulk(client.fd(), 0, kClientSeed, Deadline(20s));
  CHECK(mine.completed);
  CHECK(mine.received == 32 * kMiB);
  client.close();
  CHECK(poll_until(
      [&] { return info_number(dir, "PipesUsed") == 0 && info_number(dir, "PipesFree") >= 1; },
      5s));
  REQUIRE(server.wait_results(1, 5s));
  CHECK(mine.received_checksum == server.results().at(0).sent_checksum);
  CHECK_MESSAGE(ferry.stop_cleanly(), ferry.output());
}
