#include "balancer/hash_function.hpp"

namespace ferry::balancer {

uint32_t hash_sdbm(std::string_view key) {
  uint32_t h = 0;
  for (const char c : key)
    h = static_cast<unsigned char>(c) + (h << 6) + (h << 16) - h;
  return h;
}

uint32_t hash_djb2(std::string_view key) {
  uint32_t h = 5381;
  for (const char c : key)
    h = h * 33 + static_cast<unsigned char>(c);
  return h;
}

uint32_t hash_crc32(std::string_view key) {
  uint32_t crc = 0xffffffffu;
  for (const char c : key) {
    crc ^= static_cast<unsigned char>(c);
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ ((crc & 1u) ? 0xedb88320u : 0u);
  }
  return ~crc;
}

uint32_t avalanche(uint32_t a) {
  a = (a + 0x7ed55d16u) + (a << 12);
  a = (a ^ 0xc761c23cu) ^ (a >> 19);
  a = (a + 0x165667b1u) + (a << 5);
  a = (a + 0xd3a2646cu) ^ (a << 9);
  a = (a + 0xfd7046c5u) + (a << 3);
  a = (a ^ 0xb55a4f09u) ^ (a >> 16);
  return a * 3221225473u;  // spread over the ring, as HAProxy's full_hash does
}

uint32_t hash_key(conf::HashConf::Function function, std::string_view key) {
  switch (function) {
    case conf::HashConf::Function::Djb2:
      return hash_djb2(key);
    case conf::HashConf::Function::Crc32:
      return hash_crc32(key);
    case conf::HashConf::Function::Sdbm:
      break;
  }
  return hash_sdbm(key);
}

}  // namespace ferry::balancer
