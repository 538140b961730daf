// Bytes written as hex in a test ("0d0a..."), e.g. a binary protocol header captured elsewhere.
#pragma once

#include <string>
#include <string_view>

namespace ferry::test {

inline std::string unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

}  // namespace ferry::test
