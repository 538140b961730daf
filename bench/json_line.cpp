#include "bench/json_line.hpp"

#include <cmath>
#include <cstdio>

namespace ferry::bench {

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
      out += esc;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void JsonLine::key(std::string_view k) {
  if (text_.size() > 1) text_ += ',';
  text_ += json_quote(k);
  text_ += ':';
}

JsonLine& JsonLine::add(std::string_view k, std::string_view value) {
  key(k);
  text_ += json_quote(value);
  return *this;
}

JsonLine& JsonLine::add(std::string_view k, uint64_t value) {
  key(k);
  text_ += std::to_string(value);
  return *this;
}

JsonLine& JsonLine::add(std::string_view k, int64_t value) {
  key(k);
  text_ += std::to_string(value);
  return *this;
}

JsonLine& JsonLine::add(std::string_view k, double value) {
  key(k);
  if (!std::isfinite(value)) {
    text_ += "null";
    return *this;
  }
  char num[32];
  std::snprintf(num, sizeof num, "%.9g", value);
  text_ += num;
  return *this;
}

JsonLine& JsonLine::add(std::string_view k, bool value) {
  key(k);
  text_ += value ? "true" : "false";
  return *this;
}

}  // namespace ferry::bench
