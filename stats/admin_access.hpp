// Who is on the other end of a stats socket connection, and what the socket's `grant` / `deny`
// rules let them do: the level of a client, or a refusal. Also how the audit lines name them.
#pragma once

#include <sys/types.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "core/sockaddr.hpp"
#include "stats/admin_tls.hpp"

namespace ferry::stats {

// A stats socket's TLS, client rules and audit switch, shared by its connections.
struct AdminAccess {
  std::shared_ptr<const TlsContext> tls;  // null: clear text
  std::vector<conf::ClientRule> clients;
  bool audit = true;
};

struct AdminPeer {
  std::optional<std::array<uint8_t, 16>> addr;  // TCP: the address, IPv4 v4-mapped
  std::string addr_text;                        // TCP: "127.0.0.1:40312"
  bool has_cred = false;                        // UNIX: SO_PEERCRED answered
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // UNIX: supplementary groups (SO_PEERGROUPS)
  std::string cn;             // TLS: the verified client certificate's subject CN
  std::string subject;        // TLS: its whole subject (RFC 2253), for the logs

  // For log lines: "127.0.0.1:40312", "127.0.0.1:40312 cert 'CN=ops,O=x'", "uid 0 gid 0 pid 12".
  std::string describe() const;
  // Whom the per-source connection bound counts: "uid 0" on UNIX, the address without the port.
  std::string source() const;
};

// The peer of an accepted connection: its address, or its credentials on a UNIX socket.
AdminPeer peer_of(int fd, const core::SockAddr& addr);

// The level of `peer` under `rules` (first match), `fallback` when none matches; nullopt when a
// `deny` rule matched.
std::optional<conf::Level> client_level(const std::vector<conf::ClientRule>& rules,
                                        conf::Level fallback, const AdminPeer& peer);

}  // namespace ferry::stats
