// The PROXY protocol (haproxy.org/download/2.6/doc/proxy-protocol.txt), versions 1 and 2: the
// header a server is sent first (`send-proxy`, `send-proxy-v2`) and the one a client of an
// `accept-proxy` bind must send first. Pure: bytes in, bytes out, no I/O.
//
// What ferry sends for TCP clients is HAProxy 2.6's header byte for byte. Beyond HAProxy: a client
// of a UNIX socket is sent in v2 as AF_UNIX (its path and the listener's, 108 bytes each; HAProxy
// sends LOCAL), and the `peer-creds` option adds a TLV of type kTlvPeerCreds carrying the
// client's pid, uid and gid (README "PROXY protocol").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/sockaddr.hpp"

namespace ferry::core::proxy_protocol {

constexpr uint8_t kTlvCrc32c = 0x03;
constexpr uint8_t kTlvUniqueId = 0x05;
// In the range the spec leaves to applications (PP2_TYPE_MIN_CUSTOM..PP2_TYPE_MAX_CUSTOM): the
// pid, uid and gid of the client of a UNIX socket, 3 x 32 bits big-endian.
constexpr uint8_t kTlvPeerCreds = 0xE0;
// The longest header an accept-proxy bind takes (HAProxy's is its buffer, 16 kB by default).
constexpr size_t kMaxHeader = 16384;
constexpr size_t kV2UnixPathLen = 108;

struct PeerCreds {
  uint32_t pid = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  bool operator==(const PeerCreds&) const = default;
};

// What a server's line asks for.
struct SendOptions {
  int version = 0;  // 0: none, 1: send-proxy, 2: send-proxy-v2
  bool crc32c = false;
  bool peer_creds = false;
  bool unique_id = false;  // the request's id (unique-id-format), when it has one
  bool check = false;      // check-send-proxy: health checks send a LOCAL header too
};

// The header for a connection from `src` to `dst` (the client and the address it reached, or
// what its own PROXY header said). Families both IPv4 or both IPv6: TCP4/TCP6 (one of each: the
// IPv4 one mapped into IPv6, as HAProxy); both UNIX: v1 UNKNOWN, v2 AF_UNIX; else v1 UNKNOWN, v2
// LOCAL. `creds` and `unique_id` go into v2 when the options ask for them and they are known
// (HAProxy's order: crc32c, unique id, then ferry's peer credentials).
std::string encode(const SendOptions& opts, const SockAddr& src, const SockAddr& dst,
                   const std::optional<PeerCreds>& creds, std::string_view unique_id = {});
// The header of a health check (no client): v1 `PROXY UNKNOWN`, v2 LOCAL.
std::string encode_local(const SendOptions& opts);

// CRC32c (Castagnoli) as the v2 crc32c TLV carries it.
uint32_t crc32c(std::string_view bytes);

enum class ParseStatus { NeedMore, Done, Error };

// HAProxy 2.6's reasons, as it logs them.
namespace reason {
constexpr const char* kNotHeader =
    "Received something which does not look like a PROXY protocol header";
constexpr const char* kInvalid = "Received an invalid PROXY protocol header";
constexpr const char* kBadProtocol = "Received an unhandled protocol in the PROXY protocol header";
constexpr const char* kTruncated = "Truncated PROXY protocol header received";
constexpr const char* kEmpty = "Connection closed while waiting for PROXY protocol header";
constexpr const char* kAbort = "Connection error while waiting for PROXY protocol header";
constexpr const char* kTimeout = "Timeout while waiting for PROXY protocol header";
}  // namespace reason

struct Parsed {
  ParseStatus status = ParseStatus::NeedMore;
  size_t length = 0;            // Done: the header's bytes, to consume
  const char* error = nullptr;  // Error: one of `reason`
  bool has_addresses = false;   // false: LOCAL, UNKNOWN or an unsupported family (use the
  SockAddr src;                 // connection's own addresses, as the spec says)
  SockAddr dst;
  std::optional<PeerCreds> creds;  // a v2 kTlvPeerCreds TLV of the right length
};

// Parses the start of what a client sent. `closed`: nothing more will come (a short header is
// then an error). Never reads past `bytes`.
Parsed parse(std::string_view bytes, bool closed);

}  // namespace ferry::core::proxy_protocol
