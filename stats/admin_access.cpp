#include "stats/admin_access.hpp"

#include <fnmatch.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace ferry::stats {

namespace {

bool in_network(const std::array<uint8_t, 16>& addr, const conf::ClientRule& rule) {
  const int full = rule.prefix / 8;
  if (std::memcmp(addr.data(), rule.net.data(), static_cast<size_t>(full)) != 0) return false;
  const int rest = rule.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (addr[full] & mask) == (rule.net[full] & mask);
}

bool matches(const conf::ClientRule& rule, const AdminPeer& peer) {
  using Who = conf::ClientRule::Who;
  switch (rule.who) {
    case Who::Src:
      return peer.addr && in_network(*peer.addr, rule);
    case Who::Cn:
      return !peer.cn.empty() && ::fnmatch(rule.text.c_str(), peer.cn.c_str(), 0) == 0;
    case Who::Uid:
      return peer.has_cred && peer.uid == rule.id;
    case Who::Gid:
      return peer.has_cred &&
             (peer.gid == rule.id ||
              std::find(peer.groups.begin(), peer.groups.end(), rule.id) != peer.groups.end());
  }
  return false;
}

}  // namespace

std::string AdminPeer::describe() const {
  if (has_cred)
    return "uid " + std::to_string(uid) + " gid " + std::to_string(gid) + " pid " +
           std::to_string(pid);
  std::string out = addr_text.empty() ? "unknown peer" : addr_text;
  if (!subject.empty()) out += " cert '" + subject + "'";
  return out;
}

std::string AdminPeer::source() const {
  if (has_cred) return "uid " + std::to_string(uid);
  const size_t colon = addr_text.rfind(':');
  std::string host = addr_text.substr(0, colon);
  if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return host;
}

AdminPeer peer_of(int fd, const core::SockAddr& addr) {
  AdminPeer peer;
  if (addr.family() == AF_INET) {
    std::array<uint8_t, 16> a{};
    a[10] = a[11] = 0xff;
    std::memcpy(&a[12], &reinterpret_cast<const sockaddr_in*>(addr.get())->sin_addr, 4);
    peer.addr = a;
  } else if (addr.family() == AF_INET6) {
    std::array<uint8_t, 16> a{};
    std::memcpy(a.data(), &reinterpret_cast<const sockaddr_in6*>(addr.get())->sin6_addr, 16);
    peer.addr = a;
  }
  if (peer.addr) {
    peer.addr_text = addr.to_string();
    return peer;
  }
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return peer;
  peer.has_cred = true;
  peer.pid = cred.pid;
  peer.uid = cred.uid;
  peer.gid = cred.gid;
  gid_t groups[256];
  len = sizeof(groups);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0)
    peer.groups.assign(groups, groups + len / sizeof(gid_t));
  return peer;
}

std::optional<conf::Level> client_level(const std::vector<conf::ClientRule>& rules,
                                        conf::Level fallback, const AdminPeer& peer) {
  for (const auto& rule : rules)
    if (matches(rule, peer)) return rule.deny ? std::nullopt : std::optional(rule.level);
  return fallback;
}

}  // namespace ferry::stats
