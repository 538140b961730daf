#include "core/proxy_protocol.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <algorithm>
#include <cstring>

namespace ferry::core::proxy_protocol {

namespace {

constexpr std::string_view kV1Prefix = "PROXY ";
constexpr std::string_view kV2Sig{"\r\n\r\n\0\r\nQUIT\n", 12};
constexpr size_t kV1MaxLine = 107;  // the spec's longest v1 line, CRLF included
constexpr size_t kV2FixedLen = 16;
constexpr uint8_t kCmdLocal = 0x20;
constexpr uint8_t kCmdProxy = 0x21;
constexpr uint8_t kFamTcp4 = 0x11;
constexpr uint8_t kFamTcp6 = 0x21;
constexpr uint8_t kFamUnix = 0x31;
constexpr size_t kTcp4Len = 12;
constexpr size_t kTcp6Len = 36;
constexpr size_t kUnixLen = 2 * kV2UnixPathLen;
constexpr size_t kCredsLen = 12;

bool is_inet(const SockAddr& a) {
  return a.family() == AF_INET || a.family() == AF_INET6;
}

// `a` as IPv6 (an IPv4 address mapped into ::ffff:0:0/96).
sockaddr_in6 as_v6(const SockAddr& a) {
  if (a.family() == AF_INET6) return *reinterpret_cast<const sockaddr_in6*>(a.get());
  const auto* in = reinterpret_cast<const sockaddr_in*>(a.get());
  sockaddr_in6 out{};
  out.sin6_family = AF_INET6;
  out.sin6_port = in->sin_port;
  out.sin6_addr.s6_addr[10] = 0xff;
  out.sin6_addr.s6_addr[11] = 0xff;
  std::memcpy(&out.sin6_addr.s6_addr[12], &in->sin_addr, 4);
  return out;
}

void put16(std::string& out, uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xff);
}

void put32(std::string& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v >> 16));
  put16(out, static_cast<uint16_t>(v & 0xffff));
}

void put_bytes(std::string& out, const void* p, size_t n) {
  out.append(static_cast<const char*>(p), n);
}

uint16_t get16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[at]) << 8 | static_cast<uint8_t>(b[at + 1]));
}

uint32_t get32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(get16(b, at)) << 16 | get16(b, at + 2);
}

// The 108 bytes v2 gives a UNIX address: its sun_path, zero-padded.
void put_unix_path(std::string& out, const SockAddr& a) {
  const auto* sun = reinterpret_cast<const sockaddr_un*>(a.get());
  const size_t used =
      a.len > offsetof(sockaddr_un, sun_path)
          ? std::min<size_t>(a.len - offsetof(sockaddr_un, sun_path), kV2UnixPathLen)
          : 0;
  std::string path(kV2UnixPathLen, '\0');
  std::memcpy(path.data(), sun->sun_path, used);
  out += path;
}

std::string encode_v1(const SockAddr& src, const SockAddr& dst) {
  if (!is_inet(src) || !is_inet(dst)) return "PROXY UNKNOWN\r\n";
  char s[INET6_ADDRSTRLEN] = {}, d[INET6_ADDRSTRLEN] = {};
  std::string out;
  if (src.family() == AF_INET && dst.family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(src.get())->sin_addr, s, sizeof s);
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(dst.get())->sin_addr, d, sizeof d);
    out = "PROXY TCP4 ";
  } else {
    const sockaddr_in6 s6 = as_v6(src), d6 = as_v6(dst);
    inet_ntop(AF_INET6, &s6.sin6_addr, s, sizeof s);
    inet_ntop(AF_INET6, &d6.sin6_addr, d, sizeof d);
    out = "PROXY TCP6 ";
  }
  return out + s + " " + d + " " + std::to_string(src.port()) + " " + std::to_string(dst.port()) +
         "\r\n";
}

// The command, family and address block of a v2 header for src -> dst.
void v2_addresses(std::string& out, const SockAddr& src, const SockAddr& dst) {
  if (src.family() == AF_INET && dst.family() == AF_INET) {
    const auto* s = reinterpret_cast<const sockaddr_in*>(src.get());
    const auto* d = reinterpret_cast<const sockaddr_in*>(dst.get());
    out += static_cast<char>(kCmdProxy);
    out += static_cast<char>(kFamTcp4);
    put16(out, 0);  // the length, filled in at the end
    put_bytes(out, &s->sin_addr, 4);
    put_bytes(out, &d->sin_addr, 4);
    put_bytes(out, &s->sin_port, 2);
    put_bytes(out, &d->sin_port, 2);
  } else if (is_inet(src) && is_inet(dst)) {
    const sockaddr_in6 s = as_v6(src), d = as_v6(dst);
    out += static_cast<char>(kCmdProxy);
    out += static_cast<char>(kFamTcp6);
    put16(out, 0);
    put_bytes(out, &s.sin6_addr, 16);
    put_bytes(out, &d.sin6_addr, 16);
    put_bytes(out, &s.sin6_port, 2);
    put_bytes(out, &d.sin6_port, 2);
  } else if (src.is_unix() && dst.is_unix()) {
    out += static_cast<char>(kCmdProxy);
    out += static_cast<char>(kFamUnix);
    put16(out, 0);
    put_unix_path(out, src);
    put_unix_path(out, dst);
  } else {
    out += static_cast<char>(kCmdLocal);
    out += '\0';
    put16(out, 0);
  }
}

}  // namespace

uint32_t crc32c(std::string_view bytes) {
  uint32_t crc = 0xffffffffu;
  for (const char c : bytes) {
    crc ^= static_cast<uint8_t>(c);
    for (int k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::string encode(const SendOptions& opts, const SockAddr& src, const SockAddr& dst,
                   const std::optional<PeerCreds>& creds, std::string_view unique_id) {
  if (opts.version == 1) return encode_v1(src, dst);
  std::string out(kV2Sig);
  v2_addresses(out, src, dst);
  const bool local = static_cast<uint8_t>(out[12]) == kCmdLocal;
  size_t crc_at = 0;
  if (opts.crc32c && !local) {
    out += static_cast<char>(kTlvCrc32c);
    put16(out, 4);
    crc_at = out.size();
    put32(out, 0);
  }
  if (opts.unique_id && !unique_id.empty() && !local) {
    out += static_cast<char>(kTlvUniqueId);
    put16(out, static_cast<uint16_t>(unique_id.size()));
    out += unique_id;
  }
  if (opts.peer_creds && creds && !local) {
    out += static_cast<char>(kTlvPeerCreds);
    put16(out, kCredsLen);
    put32(out, creds->pid);
    put32(out, creds->uid);
    put32(out, creds->gid);
  }
  const auto len = static_cast<uint16_t>(out.size() - kV2FixedLen);
  out[14] = static_cast<char>(len >> 8);
  out[15] = static_cast<char>(len & 0xff);
  if (crc_at) {
    std::string sum;
    put32(sum, crc32c(out));
    out.replace(crc_at, 4, sum);
  }
  return out;
}

std::string encode_local(const SendOptions& opts) {
  if (opts.version == 1) return "PROXY UNKNOWN\r\n";
  std::string out(kV2Sig);
  out += static_cast<char>(kCmdLocal);
  out += '\0';
  put16(out, 0);
  return out;
}

namespace {

Parsed error(const char* why) {
  Parsed p;
  p.status = ParseStatus::Error;
  p.error = why;
  return p;
}

Parsed need_more(bool closed) {
  return closed ? error(reason::kTruncated) : Parsed{};
}

bool parse_port(std::string_view text, uint16_t& out) {
  if (text.empty() || text.size() > 5) return false;
  unsigned v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > 65535) return false;
  out = static_cast<uint16_t>(v);
  return true;
}

// "SRC DST SPORT DPORT" of a TCP4/TCP6 line into `p`.
bool parse_v1_addresses(std::string_view rest, int family, Parsed& p) {
  std::string_view f[4];
  for (int i = 0; i < 4; ++i) {
    const size_t sp = i < 3 ? rest.find(' ') : rest.size();
    if (sp == std::string_view::npos) return false;
    f[i] = rest.substr(0, sp);
    rest.remove_prefix(std::min(rest.size(), sp + 1));
  }
  uint16_t sport = 0, dport = 0;
  if (!parse_port(f[2], sport) || !parse_port(f[3], dport)) return false;
  for (int i = 0; i < 2; ++i) {
    SockAddr& a = i == 0 ? p.src : p.dst;
    const std::string text(f[i]);
    const uint16_t port = htons(i == 0 ? sport : dport);
    if (family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(a.get());
      in->sin_family = AF_INET;
      in->sin_port = port;
      if (inet_pton(AF_INET, text.c_str(), &in->sin_addr) != 1) return false;
      a.len = sizeof(sockaddr_in);
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(a.get());
      in6->sin6_family = AF_INET6;
      in6->sin6_port = port;
      if (inet_pton(AF_INET6, text.c_str(), &in6->sin6_addr) != 1) return false;
      a.len = sizeof(sockaddr_in6);
    }
  }
  p.has_addresses = true;
  return true;
}

Parsed parse_v1(std::string_view bytes, bool closed) {
  const size_t eol = bytes.substr(0, kV1MaxLine).find("\r\n");
  if (eol == std::string_view::npos)
    return bytes.size() >= kV1MaxLine ? error(reason::kInvalid) : need_more(closed);
  const std::string_view line = bytes.substr(kV1Prefix.size(), eol - kV1Prefix.size());
  Parsed p;
  p.status = ParseStatus::Done;
  p.length = eol + 2;
  // UNKNOWN: the receiver ignores the rest of the line (the spec; HAProxy 2.6 refuses anything
  // after UNKNOWN).
  if (line == "UNKNOWN" || line.starts_with("UNKNOWN ")) return p;
  const bool v4 = line.starts_with("TCP4 ");
  if (!v4 && !line.starts_with("TCP6 ")) return error(reason::kBadProtocol);
  if (!parse_v1_addresses(line.substr(5), v4 ? AF_INET : AF_INET6, p))
    return error(reason::kInvalid);
  return p;
}

SockAddr unix_address(std::string_view path108) {
  SockAddr a;
  auto* sun = reinterpret_cast<sockaddr_un*>(a.get());
  sun->sun_family = AF_UNIX;
  std::memcpy(sun->sun_path, path108.data(), kV2UnixPathLen);
  size_t used = kV2UnixPathLen;  // without the trailing NULs
  while (used > 0 && sun->sun_path[used - 1] == '\0')
    --used;
  const bool abstract = used > 0 && sun->sun_path[0] == '\0';
  const size_t with_nul = abstract || used == 0 || used == kV2UnixPathLen ? used : used + 1;
  a.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + with_nul);
  return a;
}

void v2_inet(std::string_view b, int family, Parsed& p) {
  const size_t alen = family == AF_INET ? 4 : 16;
  for (int i = 0; i < 2; ++i) {
    SockAddr& a = i == 0 ? p.src : p.dst;
    const size_t addr_at = kV2FixedLen + static_cast<size_t>(i) * alen;
    const size_t port_at = kV2FixedLen + 2 * alen + static_cast<size_t>(i) * 2;
    if (family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(a.get());
      in->sin_family = AF_INET;
      std::memcpy(&in->sin_addr, b.data() + addr_at, 4);
      std::memcpy(&in->sin_port, b.data() + port_at, 2);
      a.len = sizeof(sockaddr_in);
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(a.get());
      in6->sin6_family = AF_INET6;
      std::memcpy(&in6->sin6_addr, b.data() + addr_at, 16);
      std::memcpy(&in6->sin6_port, b.data() + port_at, 2);
      a.len = sizeof(sockaddr_in6);
    }
  }
  p.has_addresses = true;
}

// The TLVs in header[from, end): well-formed, a crc32c that matches, peer credentials.
bool v2_tlvs(std::string_view header, size_t from, Parsed& p) {
  for (size_t at = from; at < header.size();) {
    if (header.size() - at < 3) return false;
    const uint8_t type = static_cast<uint8_t>(header[at]);
    const size_t len = get16(header, at + 1);
    const size_t value = at + 3;
    if (header.size() - value < len) return false;
    if (type == kTlvCrc32c) {
      if (len != 4) return false;
      std::string zeroed(header);
      std::fill_n(zeroed.begin() + static_cast<std::ptrdiff_t>(value), 4, '\0');
      if (crc32c(zeroed) != get32(header, value)) return false;
    } else if (type == kTlvPeerCreds && len == kCredsLen) {
      p.creds = PeerCreds{get32(header, value), get32(header, value + 4), get32(header, value + 8)};
    }
    at = value + len;
  }
  return true;
}

Parsed parse_v2(std::string_view bytes, bool closed) {
  if (bytes.size() < kV2FixedLen) return need_more(closed);
  const uint8_t cmd = static_cast<uint8_t>(bytes[12]);
  if (cmd != kCmdLocal && cmd != kCmdProxy) return error(reason::kInvalid);
  const size_t total = kV2FixedLen + get16(bytes, 14);
  if (total > kMaxHeader) return error(reason::kInvalid);
  if (bytes.size() < total) return need_more(closed);
  const std::string_view header = bytes.substr(0, total);
  const uint8_t fam = static_cast<uint8_t>(bytes[13]);
  const size_t alen = fam == kFamTcp4   ? kTcp4Len
                      : fam == kFamTcp6 ? kTcp6Len
                      : fam == kFamUnix ? kUnixLen
                                        : 0;
  if (total - kV2FixedLen < alen) return error(reason::kInvalid);
  Parsed p;
  p.status = ParseStatus::Done;
  p.length = total;
  // An unknown family: the addresses' size is unknown, so are the TLVs; the connection's own
  // addresses are used (the spec).
  if (alen == 0 && fam != 0) return p;
  if (!v2_tlvs(header, kV2FixedLen + alen, p)) return error(reason::kInvalid);
  if (cmd == kCmdLocal) return p;
  if (fam == kFamTcp4) v2_inet(header, AF_INET, p);
  if (fam == kFamTcp6) v2_inet(header, AF_INET6, p);
  if (fam == kFamUnix) {
    p.src = unix_address(header.substr(kV2FixedLen, kV2UnixPathLen));
    p.dst = unix_address(header.substr(kV2FixedLen + kV2UnixPathLen, kV2UnixPathLen));
    p.has_addresses = true;
  }
  return p;
}

// Whether `bytes` can still be the start of `sig`.
bool could_be(std::string_view bytes, std::string_view sig) {
  const size_t n = std::min(bytes.size(), sig.size());
  return bytes.substr(0, n) == sig.substr(0, n);
}

}  // namespace

Parsed parse(std::string_view bytes, bool closed) {
  if (bytes.empty()) return closed ? error(reason::kEmpty) : Parsed{};
  if (could_be(bytes, kV1Prefix))
    return bytes.size() < kV1Prefix.size() ? need_more(closed) : parse_v1(bytes, closed);
  if (could_be(bytes, kV2Sig))
    return bytes.size() < kV2Sig.size() ? need_more(closed) : parse_v2(bytes, closed);
  return error(reason::kNotHeader);
}

}  // namespace ferry::core::proxy_protocol
