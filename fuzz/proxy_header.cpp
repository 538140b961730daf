// The PROXY protocol parser of accept-proxy binds, on untrusted bytes: whole, and growing one
// byte at a time as reads deliver them. A verdict never reads past the bytes given, never
// changes once reached (more bytes after a whole header change nothing), a closed connection
// always gets one, and the addresses of a header parse back the same from what ferry sends on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/proxy_protocol.hpp"

namespace pp = ferry::core::proxy_protocol;

namespace {

bool same(const pp::Parsed& a, const pp::Parsed& b) {
  return a.status == b.status && a.length == b.length && a.has_addresses == b.has_addresses &&
         a.src.len == b.src.len && a.dst.len == b.dst.len && a.creds == b.creds;
}

void check_round_trip(const pp::Parsed& p) {
  if (!p.has_addresses) return;
  const pp::SendOptions v2{.version = 2, .crc32c = true, .peer_creds = true};
  const std::string sent = pp::encode(v2, p.src, p.dst, p.creds);
  const pp::Parsed back = pp::parse(sent, true);
  if (back.status != pp::ParseStatus::Done || back.length != sent.size() ||
      back.src.to_string() != p.src.to_string() || back.dst.to_string() != p.dst.to_string() ||
      (p.src.family() == p.dst.family() && back.creds != p.creds))
    std::abort();
  const std::string v1 = pp::encode({.version = 1}, p.src, p.dst, std::nullopt);
  if (pp::parse(v1, true).status != pp::ParseStatus::Done) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const pp::Parsed whole = pp::parse(bytes, false);
  const pp::Parsed closed = pp::parse(bytes, true);
  if (closed.status == pp::ParseStatus::NeedMore) std::abort();
  if (whole.status != pp::ParseStatus::NeedMore && !same(whole, closed)) std::abort();
  if (whole.status == pp::ParseStatus::Done) {
    if (whole.length == 0 || whole.length > size) std::abort();
    check_round_trip(whole);
  }
  // As reads deliver it: NeedMore until the verdict, which is the same as on the whole input.
  for (size_t n = 0; n <= size; ++n) {
    const pp::Parsed part = pp::parse(bytes.substr(0, n), false);
    if (part.status == pp::ParseStatus::NeedMore) continue;
    if (!same(part, whole)) std::abort();
    break;
  }
  return 0;
}
