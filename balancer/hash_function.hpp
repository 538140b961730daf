// The hash functions of `hash-type` (HAProxy 2.6's sdbm, djb2 and crc32) and its `avalanche`
// modifier (Bob Jenkins' 32-bit integer mix, then a multiplication by 3221225473 as in
// HAProxy's full_hash), over the bytes a request gives to `balance uri|url_param|hdr` and over
// the addresses of `balance source`. The same mix places the consistent-hash ring's points.
#pragma once

#include <cstdint>
#include <string_view>

#include "conf/model.hpp"

namespace ferry::balancer {

uint32_t hash_sdbm(std::string_view key);
uint32_t hash_djb2(std::string_view key);
uint32_t hash_crc32(std::string_view key);  // CRC-32 (IEEE 802.3, reflected)
uint32_t avalanche(uint32_t h);
uint32_t hash_key(conf::HashConf::Function function, std::string_view key);

}  // namespace ferry::balancer
