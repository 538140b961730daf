// A socket address of any family ferry speaks (IPv4, IPv6, UNIX path, abstract), built from a
// config Address. Value type; no I/O.
#pragma once

#include <sys/socket.h>

#include <string>

#include "conf/model.hpp"

namespace ferry::core {

struct SockAddr {
  sockaddr_storage storage{};
  socklen_t len = 0;

  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
  bool is_unix() const { return family() == AF_UNIX; }
  bool is_abstract() const;       // AF_UNIX with a leading NUL
  std::string unix_path() const;  // the filesystem path of a non-abstract UNIX address
  unsigned port() const;          // the port of an IPv4/IPv6 address, 0 for UNIX

  // Builds the address; an Address that passed validation always converts.
  static SockAddr from(const conf::Address& addr);
  // "127.0.0.1:80", "[::1]:80", "unix" (as `show stat` prints UNIX and abstract servers).
  std::string stats_text() const;
  // "127.0.0.1:80", "[::1]:80", "/path", "@name" for logs and messages.
  std::string to_string() const;
};

}  // namespace ferry::core
