// Talking to a stats socket from inside a test, the ways HAProxy tools do: one command (or a ';'
// chain) per connection read until the server closes (socat, Ansible, haproxy_exporter), and an
// interactive `prompt` session read until the "> " prompt (hatop). Also a ferry with a backend
// of echo servers and stats sockets of every level, which most admin tests start from.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/admin_csv.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_backends.hpp"

namespace ferry::test {

// A stats socket: a UNIX path, or a TCP port on 127.0.0.1.
struct AdminTarget {
  std::string path;
  uint16_t port = 0;
  static AdminTarget unix_socket(std::string p) { return {std::move(p), 0}; }
  static AdminTarget tcp(uint16_t port) { return {"", port}; }
  ClientConn connect() const;
  // As socat and ferryctl take it: "UNIX-CONNECT:/p" / "TCP:127.0.0.1:9999", "/p" /
  // "127.0.0.1:9999".
  std::string socat_address() const;
  std::string ctl_address() const;
};

// Sends `input` on a new connection, half-closes if asked (as socat does; the exporter does
// not), and reads until the server closes. `closed` false: it did not close within `timeout`.
Received admin_exchange(const AdminTarget& target, std::string_view input, bool half_close = true,
                        Millis timeout = 5s);
// `admin_exchange(target, command + "\n").data`.
std::string admin_query(const AdminTarget& target, std::string_view command);

// hatop's way: `prompt` once, then one command at a time on the same connection, each reply read
// until it ends with the "> " prompt.
class PromptSession {
 public:
  explicit PromptSession(const AdminTarget& target) : conn_(target.connect()) {}
  // Sends `prompt` and waits for the first prompt. False if it does not come within `timeout`.
  bool start(Millis timeout = 3s);
  // What `command` printed (its own LFs included, the post-command "\n> " removed); nullopt if
  // no prompt came in time.
  std::optional<std::string> run(std::string_view command, Millis timeout = 3s);
  ClientConn& conn() { return conn_; }

 private:
  std::optional<std::string> read_to_prompt(Millis timeout);
  ClientConn conn_;
};

// The status column of `sv` in `be` from `show stat` on `target` ("" if unreadable).
std::string server_status(const AdminTarget& target, std::string_view be, std::string_view sv);
std::string stat_cell(const AdminTarget& target, std::string_view px, std::string_view sv,
                      std::string_view column);
// "<server> <status> <weight>" of every server of `be`, one line each, from one `show stat`
// ("" if unreadable). What a reload must carry over, at a glance.
std::string server_states(const AdminTarget& target, std::string_view be);
// Polls until the status of be/sv is `status`.
bool wait_server_status(const AdminTarget& target, std::string_view be, std::string_view sv,
                        std::string_view status, Millis timeout = 5s);

// ferry with frontend `fe` on 127.0.0.1:port() and backend `backend` of one EchoServer per
// server (their sockets in dir()), and four stats sockets: admin.sock (`mode 600 level admin`),
// user.sock (`level user`), operator.sock (no level: operator), and ipv4@127.0.0.1:admin_port()
// (`level admin`).
struct AdminFerryOptions {
  std::string backend = "be";
  std::vector<std::string> servers = {"s1", "s2"};
  std::string server_options;  // appended to every `server` line, e.g. "check inter 100ms"
  std::string backend_extra;   // more lines in the backend section
  // The TCP stats socket's options (TLS, `grant`, `deny`), and more lines in `global` (each
  // ending with LF; {DIR} is the test's directory there too).
  std::string tcp_admin_options = "level admin";
  std::string global_extra;

  // Servers checked every 100 ms, so their status reads UP / MAINT / DRAIN (not `no check`).
  static AdminFerryOptions checked(std::vector<std::string> servers = {"s1", "s2"}) {
    AdminFerryOptions o;
    o.servers = std::move(servers);
    o.server_options = "check inter 100ms";
    return o;
  }
};

class AdminFerry {
 public:
  explicit AdminFerry(AdminFerryOptions options = {});
  ~AdminFerry();
  AdminFerry(const AdminFerry&) = delete;
  AdminFerry& operator=(const AdminFerry&) = delete;

  // Starts ferry and waits until the frontend and every stats socket listen.
  bool start(Millis timeout = 10s);

  const TempDir& dir() const { return dir_; }
  uint16_t port() const { return port_; }
  uint16_t admin_port() const { return admin_port_; }
  AdminTarget admin() const { return AdminTarget::unix_socket(dir_.file("admin.sock")); }
  AdminTarget admin_tcp() const { return AdminTarget::tcp(admin_port_); }
  AdminTarget user() const { return AdminTarget::unix_socket(dir_.file("user.sock")); }
  AdminTarget op() const { return AdminTarget::unix_socket(dir_.file("operator.sock")); }
  const std::string& backend() const { return options_.backend; }
  EchoServer& server(size_t i) { return *servers_.at(i); }
  FerryProcess& process() { return *ferry_; }
  std::string config() const;

  std::string query(std::string_view command) const { return admin_query(admin(), command); }
  std::string status(std::string_view sv) const { return server_status(admin(), backend(), sv); }
  bool wait_status(std::string_view sv, std::string_view status, Millis timeout = 5s) const {
    return wait_server_status(admin(), backend(), sv, status, timeout);
  }
  // A client connection through ferry that has been echoed once (so it is established on a
  // server). Not ok() if that failed.
  ClientConn echoed_client() const;
  // An echoed client connection established on server `idx` (roundrobin alternates, so a few
  // tries are enough; those that landed elsewhere are closed). Not ok() if none did. Other
  // connections through ferry must not come or go meanwhile.
  ClientConn client_on(size_t idx);

 private:
  AdminFerryOptions options_;
  TempDir dir_;
  uint16_t port_;
  uint16_t admin_port_;
  std::vector<std::unique_ptr<EchoServer>> servers_;
  std::unique_ptr<FerryProcess> ferry_;
};

}  // namespace ferry::test
