// Socket addresses as written in `bind`, `server` and `stats socket` lines:
//   `*:PORT`, `:PORT`, `IP:PORT`, `[IPv6]:PORT`, `IPv6:PORT` (the last colon splits),
//   `ipv4@...`, `ipv6@...` (force the family), `localhost:PORT` (127.0.0.1, or ::1 with ipv6@),
//   `/abs/path` and `unix@path` (UNIX), `abns@NAME` (Linux abstract, zero-padded as HAProxy),
//   `abnsz@NAME` (Linux abstract, the name alone, as socat), `fd@N` / `fd@NAME` (an inherited
//   listening socket, by fd number or by name; only `bind` accepts it).
// Host names other than `localhost` are refused: ferry never resolves names at load time.
//
// UNIX path limit: sun_path holds 108 bytes including the terminating NUL, so a path may have at
// most 107 characters. (HAProxy 2.6 stops at 97 because it binds `<path>.<pid>.tmp` first and
// renames; ferry reports the real kernel limit. Whoever binds with a temporary name must fit
// the suffix into these 107 bytes or bind differently.) An abstract name may also have 107
// characters (108 minus the leading NUL).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/model.hpp"

namespace ferry::conf {

inline constexpr size_t kMaxUnixPathLength = 107;
inline constexpr size_t kMaxAbstractNameLength = 107;

// Parses one address into `out` (out.text = text). An Inet address needs a port (0..65535);
// callers decide whether a wildcard host or port 0 makes sense for them. Returns the error
// message, or nullopt on success.
std::optional<std::string> parse_address(std::string_view text, Address& out);

// A comma-separated list (`bind 127.0.0.1:80,127.0.0.1:81`), appended to `out`. Returns the
// first error.
std::optional<std::string> parse_address_list(std::string_view text, std::vector<Address>& out);

// "ipv4", "ipv6", "unix", "abns", "abnsz": the address kind as dump_json and messages name it.
std::string_view address_kind_name(const Address& addr);

}  // namespace ferry::conf
