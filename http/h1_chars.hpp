// Character classes of HTTP/1 (RFC 9110 §5.6.2, RFC 9112), as constant lookups.
#pragma once

#include <array>
#include <cstdint>

namespace ferry::http {

namespace chars_detail {
constexpr uint8_t kToken = 1;     // tchar: may appear in a method, a field name, a coding
constexpr uint8_t kFieldVal = 2;  // VCHAR or obs-text: may appear in a field value
constexpr uint8_t kTarget = 4;    // visible US-ASCII: may appear in a request-target
constexpr uint8_t kHex = 8;

constexpr std::array<uint8_t, 256> make_table() {
  std::array<uint8_t, 256> t{};
  for (int c = 0x21; c <= 0x7e; ++c)
    t[c] = kFieldVal | kTarget;
  for (int c = 0x80; c <= 0xff; ++c)
    t[c] = kFieldVal;
  for (int c = '0'; c <= '9'; ++c)
    t[c] |= kToken | kHex;
  for (int c = 'a'; c <= 'z'; ++c)
    t[c] |= kToken;
  for (int c = 'A'; c <= 'Z'; ++c)
    t[c] |= kToken;
  for (char c : {'!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~'})
    t[static_cast<uint8_t>(c)] |= kToken;
  for (int c = 'a'; c <= 'f'; ++c)
    t[c] |= kHex;
  for (int c = 'A'; c <= 'F'; ++c)
    t[c] |= kHex;
  return t;
}
constexpr std::array<uint8_t, 256> kTable = make_table();
}  // namespace chars_detail

constexpr bool is_token_char(char c) {
  return chars_detail::kTable[static_cast<uint8_t>(c)] & chars_detail::kToken;
}
// A byte allowed inside a field value: VCHAR, obs-text, SP, HTAB.
constexpr bool is_value_char(char c) {
  return (chars_detail::kTable[static_cast<uint8_t>(c)] & chars_detail::kFieldVal) || c == ' ' ||
         c == '\t';
}
constexpr bool is_target_char(char c) {
  return chars_detail::kTable[static_cast<uint8_t>(c)] & chars_detail::kTarget;
}
constexpr bool is_hex_digit(char c) {
  return chars_detail::kTable[static_cast<uint8_t>(c)] & chars_detail::kHex;
}
constexpr bool is_ows(char c) {
  return c == ' ' || c == '\t';
}
constexpr int hex_value(char c) {
  return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

}  // namespace ferry::http
