#include "tests/support/admin_client.hpp"

namespace ferry::test {

ClientConn AdminTarget::connect() const {
  return path.empty() ? ClientConn::tcp(port) : ClientConn::unix_socket(path);
}

std::string AdminTarget::socat_address() const {
  return path.empty() ? "TCP:127.0.0.1:" + std::to_string(port) : "UNIX-CONNECT:" + path;
}

std::string AdminTarget::ctl_address() const {
  return path.empty() ? "127.0.0.1:" + std::to_string(port) : path;
}

Received admin_exchange(const AdminTarget& target, std::string_view input, bool half_close,
                        Millis timeout) {
  const Deadline deadline(timeout);
  ClientConn c = target.connect();
  if (!c.ok()) return Received{};
  // A socket that refuses the client may close before the input is all sent (EPIPE): what it
  // did is then what the read says, a close or a reset.
  if (c.send_all(input, deadline) && half_close) c.shutdown_write();
  return c.read_until_eof(deadline);
}

std::string admin_query(const AdminTarget& target, std::string_view command) {
  return admin_exchange(target, std::string(command) + "\n").data;
}

bool PromptSession::start(Millis timeout) {
  if (!conn_.ok() || !conn_.send_all("prompt\n")) return false;
  const auto first = read_to_prompt(timeout);
  return first && first->empty();
}

std::optional<std::string> PromptSession::run(std::string_view command, Millis timeout) {
  if (!conn_.send_all(std::string(command) + "\n")) return std::nullopt;
  return read_to_prompt(timeout);
}

std::optional<std::string> PromptSession::read_to_prompt(Millis timeout) {
  const Deadline deadline(timeout);
  std::string data;
  while (data.size() < 2 || data.compare(data.size() - 2, 2, "> ") != 0) {
    if (conn_.read_some(data, deadline) != ReadStatus::Data) return std::nullopt;
  }
  data.resize(data.size() - 2);
  if (!data.empty() && data.back() == '\n') data.pop_back();  // the post-command LF
  return data;
}

std::string stat_cell(const AdminTarget& target, std::string_view px, std::string_view sv,
                      std::string_view column) {
  std::string error;
  const auto table = StatTable::parse(admin_query(target, "show stat"), error);
  if (!table) return "";
  return table->get(px, sv, column).value_or("");
}

std::string server_status(const AdminTarget& target, std::string_view be, std::string_view sv) {
  return stat_cell(target, be, sv, "status");
}

std::string server_states(const AdminTarget& target, std::string_view be) {
  std::string error;
  const auto table = StatTable::parse(admin_query(target, "show stat"), error);
  if (!table) return "";
  const int px = table->column("pxname"), sv = table->column("svname");
  std::string out;
  for (const auto& row : table->rows())
    if (row[px] == be && row[sv] != "FRONTEND" && row[sv] != "BACKEND")
      out += row[sv] + " " + table->get(be, row[sv], "status").value_or("") + " " +
             table->get(be, row[sv], "weight").value_or("") + "\n";
  return out;
}

bool wait_server_status(const AdminTarget& target, std::string_view be, std::string_view sv,
                        std::string_view status, Millis timeout) {
  return poll_until([&] { return server_status(target, be, sv) == status; }, timeout, 5ms);
}

AdminFerry::AdminFerry(AdminFerryOptions options)
    : options_(std::move(options)), port_(free_tcp_port()), admin_port_(free_tcp_port()) {
  while (admin_port_ == port_)
    admin_port_ = free_tcp_port();
  for (const auto& name : options_.servers)
    servers_.push_back(std::make_unique<EchoServer>(UnixAddress::path(dir_.file(name + ".sock"))));
}

AdminFerry::~AdminFerry() {
  ferry_.reset();  // before the servers go
}

std::string AdminFerry::config() const {
  std::string cfg = fill_template(R"(global
    stats socket {DIR}/admin.sock mode 600 level admin
    stats socket {DIR}/user.sock level user
    stats socket {DIR}/operator.sock
    stats socket ipv4@127.0.0.1:{APORT} {AOPTS}
    stats timeout 10s
{GLOBAL}defaults
    mode tcp
    timeout connect 1s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:{PORT}
    default_backend {BE}
backend {BE}
    balance roundrobin
)",
                                  {{"GLOBAL", options_.global_extra},
                                   {"DIR", dir_.path()},
                                   {"PORT", std::to_string(port_)},
                                   {"APORT", std::to_string(admin_port_)},
                                   {"AOPTS", options_.tcp_admin_options},
                                   {"BE", options_.backend}});
  if (!options_.backend_extra.empty()) cfg += options_.backend_extra + "\n";
  for (const auto& name : options_.servers)
    cfg += "    server " + name + " unix@" + dir_.file(name + ".sock") + " " +
           options_.server_options + "\n";
  return cfg;
}

bool AdminFerry::start(Millis timeout) {
  ferry_ = std::make_unique<FerryProcess>(dir_, config());
  const Deadline deadline(timeout);
  if (!ferry_->wait_listening_tcp(port_, deadline.remaining())) return false;
  if (!ferry_->wait_listening_tcp(admin_port_, deadline.remaining())) return false;
  for (const char* sock : {"admin.sock", "user.sock", "operator.sock"})
    if (!ferry_->wait_listening_unix(UnixAddress::path(dir_.file(sock)), deadline.remaining()))
      return false;
  return true;
}

ClientConn AdminFerry::echoed_client() const {
  ClientConn c = ClientConn::tcp(port_);
  std::string echo;
  if (!c.ok() || !c.send_all("hello\n") || !c.read_exactly(6, echo, Deadline(2s))) c.close();
  return c;
}

ClientConn AdminFerry::client_on(size_t idx) {
  // Sessions as ferry counts them (health checks would show in the server's own counters).
  const std::string& name = options_.servers.at(idx);
  for (int attempt = 0; attempt < 4; ++attempt) {
    const std::string before = stat_cell(admin(), backend(), name, "scur");
    ClientConn c = echoed_client();
    if (c.ok() && stat_cell(admin(), backend(), name, "scur") != before) return c;
  }
  return ClientConn();
}

}  // namespace ferry::test
