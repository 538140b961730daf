#include "conf/unique_id_format.hpp"

#include <cctype>

namespace ferry::conf {

namespace {

using Kind = UniqueIdPiece::Kind;

constexpr std::pair<std::string_view, Kind> kVariables[] = {
    {"ci", Kind::ClientIp},     {"cp", Kind::ClientPort},  {"fi", Kind::FrontendIp},
    {"fp", Kind::FrontendPort}, {"Ts", Kind::AcceptSecs},  {"rt", Kind::RequestCounter},
    {"pid", Kind::Pid},         {"f", Kind::FrontendName}, {"H", Kind::Hostname},
};

const std::string kSupported = "%ci, %cp, %fi, %fp, %Ts, %rt, %pid, %f, %H and %{+X}o";

void add_text(std::vector<UniqueIdPiece>& out, char c) {
  if (out.empty() || out.back().kind != Kind::Text) out.push_back({Kind::Text, "", false});
  out.back().text += c;
}

}  // namespace

std::optional<std::string> parse_unique_id_format(std::string_view format,
                                                  std::vector<UniqueIdPiece>& out) {
  out.clear();
  bool hex = false;
  size_t i = 0;
  while (i < format.size()) {
    if (format[i] != '%') {
      add_text(out, format[i++]);
      continue;
    }
    if (++i < format.size() && format[i] == '%') {
      add_text(out, format[i++]);
      continue;
    }
    std::string_view flags;
    if (i < format.size() && format[i] == '{') {
      const size_t close = format.find('}', i);
      if (close == std::string_view::npos) return "a '%{' without its '}'";
      flags = format.substr(i + 1, close - i - 1);
      i = close + 1;
    }
    if (i < format.size() && format[i] == '[')
      return "sample fetches ('%[...]') are not supported in unique-id-format; use " + kSupported;
    size_t end = i;
    while (end < format.size() && std::isalpha(static_cast<unsigned char>(format[end])))
      ++end;
    const std::string_view name = format.substr(i, end - i);
    i = end;
    if (name == "o") {
      if (flags != "+X" && flags != "-X")
        return "'%{" + std::string(flags) + "}o' is not supported; use %{+X}o or %{-X}o";
      hex = flags == "+X";
      // The space that separates the option from the format is not part of the id.
      while (i < format.size() && format[i] == ' ')
        ++i;
      continue;
    }
    if (!flags.empty())
      return "the flags '{" + std::string(flags) + "}' of '%" + std::string(name) +
             "' are not supported; use %{+X}o before it";
    bool known = false;
    for (const auto& [n, kind] : kVariables)
      if (name == n) {
        out.push_back({kind, "", hex});
        known = true;
      }
    if (!known)
      return "'%" + std::string(name) + "' is not supported in unique-id-format; use " + kSupported;
  }
  return std::nullopt;
}

}  // namespace ferry::conf
