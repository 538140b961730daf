// An IPv4 or IPv6 network as `option forwardfor except` takes it, read as HAProxy 2.6 reads it:
// `ADDR` (one address: /32 or /128), `ADDR/BITS`, or for IPv4 also `ADDR/DOTTED.MASK` (any mask,
// as HAProxy accepts it). Host names are refused: ferry never resolves names at load time.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::conf {

struct Network {
  int family = 0;                  // AF_INET or AF_INET6
  std::array<uint8_t, 16> net{};   // the address with the mask applied (4 bytes used for IPv4)
  std::array<uint8_t, 16> mask{};  // network byte order
  std::string text;                // as written, for messages and --dump-config

  // True when `addr` (network byte order: 4 bytes for AF_INET, 16 for AF_INET6) of `family` is
  // in this network. An address of the other family never is (as in HAProxy 2.6: an IPv4
  // network never matches an IPv6 client, not even an IPv4-mapped one).
  bool contains(int family, const uint8_t* addr) const;
};

// Parses `text` into `out`; returns the error message, or nullopt.
std::optional<std::string> parse_network(std::string_view text, Network& out);

}  // namespace ferry::conf
