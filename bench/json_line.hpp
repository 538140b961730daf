// One flat JSON object written on one line: the generator's machine-readable result.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::bench {

class JsonLine {
 public:
  JsonLine& add(std::string_view key, std::string_view value);
  JsonLine& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  JsonLine& add(std::string_view key, uint64_t value);
  JsonLine& add(std::string_view key, int64_t value);
  JsonLine& add(std::string_view key, int value) { return add(key, static_cast<int64_t>(value)); }
  JsonLine& add(std::string_view key, double value);  // non-finite values become null
  JsonLine& add(std::string_view key, bool value);
  std::string str() const { return text_ + "}"; }

 private:
  void key(std::string_view k);
  std::string text_ = "{";
};

// `s` as a JSON string literal, quotes included.
std::string json_quote(std::string_view s);

}  // namespace ferry::bench
