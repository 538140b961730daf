// Helpers for the conf/ unit tests: load a config from text and look at its diagnostics as the
// exact lines ferry prints.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "conf/model.hpp"

// Failed comparisons of message lists print every line.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& lines) {
    std::string out = "{\n";
    for (const auto& l : lines)
      out += "  \"" + l + "\"\n";
    return (out + "}").c_str();
  }
};
}  // namespace doctest

namespace ferry::conf::test {

// Every diagnostic as printed ("t.cfg:3: error: ...").
inline std::vector<std::string> lines(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics)
    out.push_back(d.to_string());
  return out;
}

// Loads `text` as the file `name` (its extension picks the format).
inline LoadResult load(const std::string& text, const std::string& name = "t.cfg") {
  return load_string(name, text);
}

// The diagnostics of `text` as lines.
inline std::vector<std::string> diags(const std::string& text, const std::string& name = "t.cfg") {
  return lines(load(text, name));
}

// A defaults section with every timeout HAProxy wants, so tests see no "missing timeouts"
// warnings. Four lines long: the test's own text starts at line 5.
inline const std::string kTimeouts =
    "defaults\n"
    "  timeout connect 1s\n"
    "  timeout client 1s\n"
    "  timeout server 1s\n";

// A working frontend/backend pair to append to, at lines 5-9 after kTimeouts.
inline const std::string kMinimal = kTimeouts +
                                    "frontend f\n"
                                    "  bind 127.0.0.1:8080\n"
                                    "  default_backend b\n"
                                    "backend b\n"
                                    "  server s1 /run/s1.sock\n";

inline const ProxyConf& proxy(const LoadResult& r, const std::string& name) {
  const ProxyConf* p = r.config.find_proxy(name);
  REQUIRE_MESSAGE(p != nullptr, "no proxy " << name);
  return *p;
}

}  // namespace ferry::conf::test
