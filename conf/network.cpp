#include "conf/network.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "conf/number.hpp"

namespace ferry::conf {

namespace {

// `bits` leading ones in the first `bytes` bytes of `mask`.
void prefix_mask(int bits, size_t bytes, std::array<uint8_t, 16>& mask) {
  for (size_t i = 0; i < bytes; ++i, bits -= 8)
    mask[i] = bits >= 8 ? 0xff : bits <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - bits));
}

std::optional<int> prefix_bits(std::string_view text, int max) {
  if (text.starts_with('-')) return std::nullopt;
  const auto bits = parse_integer(text, 0, max);
  if (!bits) return std::nullopt;
  return static_cast<int>(*bits);
}

}  // namespace

bool Network::contains(int addr_family, const uint8_t* addr) const {
  if (addr_family != family) return false;
  const size_t bytes = family == AF_INET ? 4 : 16;
  for (size_t i = 0; i < bytes; ++i)
    if ((addr[i] & mask[i]) != net[i]) return false;
  return true;
}

std::optional<std::string> parse_network(std::string_view text, Network& out) {
  const std::string usage =
      "expects an IPv4 or IPv6 network, ADDR[/BITS] (10.0.0.0/8, 127.0.0.1, ::1, fd00::/8) or "
      "ADDR/MASK (10.0.0.0/255.0.0.0)";
  out = Network{};
  out.text = std::string(text);
  const size_t slash = text.find('/');
  const std::string addr(text.substr(0, slash));
  const std::string_view after =
      slash == std::string_view::npos ? std::string_view{} : text.substr(slash + 1);
  if (::inet_pton(AF_INET, addr.c_str(), out.net.data()) == 1) {
    out.family = AF_INET;
    if (slash == std::string_view::npos) {
      prefix_mask(32, 4, out.mask);
    } else if (const auto bits = prefix_bits(after, 32)) {
      prefix_mask(*bits, 4, out.mask);
    } else if (::inet_pton(AF_INET, std::string(after).c_str(), out.mask.data()) != 1) {
      return "'" + out.text + "': " + usage;
    }
  } else if (::inet_pton(AF_INET6, addr.c_str(), out.net.data()) == 1) {
    out.family = AF_INET6;
    const auto bits = slash == std::string_view::npos ? 128 : prefix_bits(after, 128);
    if (!bits) return "'" + out.text + "': " + usage;
    prefix_mask(*bits, 16, out.mask);
  } else {
    return "'" + out.text + "': " + usage + "; host names are not resolved";
  }
  for (size_t i = 0; i < out.net.size(); ++i)
    out.net[i] &= out.mask[i];
  return std::nullopt;
}

}  // namespace ferry::conf
