#include "balancer/source.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace ferry::balancer {

std::optional<uint32_t> source_hash(const core::SockAddr* client) {
  if (client == nullptr) return std::nullopt;
  if (client->family() == AF_INET) {
    sockaddr_in sin;
    std::memcpy(&sin, &client->storage, sizeof sin);
    return ntohl(sin.sin_addr.s_addr);
  }
  if (client->family() == AF_INET6) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, &client->storage, sizeof sin6);
    uint32_t h = 0;
    for (int w = 0; w < 4; ++w) {
      uint32_t word;
      std::memcpy(&word, sin6.sin6_addr.s6_addr + 4 * w, sizeof word);
      h ^= ntohl(word);
    }
    return h;
  }
  return std::nullopt;
}

}  // namespace ferry::balancer
