#include "stats/page_request.hpp"

#include <cstdint>

namespace ferry::stats {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

PageRequestOptions parse_page_options(std::string_view rest) {
  PageRequestOptions out;
  while (!rest.empty()) {
    const size_t semi = rest.find(';');
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
    const std::string_view opt = rest.substr(0, rest.find_first_of(";?&"));
    if (opt == "csv")
      out.csv = true;
    else if (opt == "json")
      out.json = true;
    else if (opt == "up")
      out.up = true;
    else if (opt == "norefresh")
      out.norefresh = true;
    else if (opt.starts_with("st="))
      out.st = std::string(opt.substr(3));
  }
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto name = url_decode(pair.substr(0, eq));
    auto value = url_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!name || !value) return std::nullopt;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::optional<std::string> basic_credentials(std::string_view authorization) {
  if (authorization.size() < 6 ||
      (authorization.substr(0, 6) != "Basic " && authorization.substr(0, 6) != "basic "))
    return std::nullopt;
  std::string_view b64 = authorization.substr(6);
  while (!b64.empty() && b64.front() == ' ')
    b64.remove_prefix(1);
  while (!b64.empty() && b64.back() == '=')
    b64.remove_suffix(1);
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : b64) {
    const int d = base64_digit(c);
    if (d < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace ferry::stats
