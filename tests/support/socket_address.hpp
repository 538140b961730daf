// Addresses the tests listen on and connect to: UNIX paths, Linux abstract names in both of
// HAProxy's spellings (abns@ = name zero-padded to the whole sun_path, abnsz@ = the name alone),
// and free TCP ports on 127.0.0.1.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <cstdint>
#include <string>

namespace ferry::test {

struct UnixAddress {
  enum class Kind { Path, Abns, Abnsz };
  Kind kind = Kind::Path;
  std::string name;  // the path, or the abstract name without its leading NUL

  static UnixAddress path(std::string p) { return {Kind::Path, std::move(p)}; }
  static UnixAddress abns(std::string n) { return {Kind::Abns, std::move(n)}; }
  static UnixAddress abnsz(std::string n) { return {Kind::Abnsz, std::move(n)}; }

  // Fills `sun` and returns the address length to pass to bind/connect.
  socklen_t fill(sockaddr_un& sun) const;
  // As written in a ferry config: `unix@/p`, `abns@n`, `abnsz@n`.
  std::string config_text() const;
  // As /proc/net/unix shows it: the path, or `@` + name with every NUL shown as `@`.
  std::string proc_text() const;
};

// An abstract name unique to this process and call, short enough for any use.
std::string unique_abstract_name(const std::string& prefix);

// A TCP port on 127.0.0.1 that was free a moment ago. Taken below the kernel's ephemeral range
// when there is room, so that client connections made meanwhile cannot take it first.
uint16_t free_tcp_port();

}  // namespace ferry::test
