#include "conf/log_format.hpp"

#include <algorithm>
#include <cctype>

namespace ferry::conf {

namespace {

using Kind = LogFormatPiece::Kind;

constexpr std::pair<std::string_view, Kind> kVariables[] = {
    {"ci", Kind::ClientIp},     {"cp", Kind::ClientPort},  {"fi", Kind::FrontendIp},
    {"fp", Kind::FrontendPort}, {"Ts", Kind::AcceptSecs},  {"rt", Kind::RequestCounter},
    {"pid", Kind::Pid},         {"f", Kind::FrontendName}, {"H", Kind::Hostname},
};

const std::string kSupported = "%ci, %cp, %fi, %fp, %Ts, %rt, %pid, %f, %H, %[sample] and %{+X}o";

void add_text(std::vector<LogFormatPiece>& out, char c) {
  if (out.empty() || out.back().kind != Kind::Text) out.push_back({Kind::Text, "", false, nullptr});
  out.back().text += c;
}

// `%[...]` starting at format[i] == '[': its sample into `out`; `i` moves past the ']'.
std::optional<std::string> add_sample(std::string_view format, size_t& i, LogFormat& out) {
  int depth = 0;
  size_t close = i + 1;
  for (; close < format.size(); ++close) {
    const char c = format[close];
    if (c == '\\' && close + 1 < format.size())
      ++close;
    else if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    else if (c == ']' && depth <= 0)
      break;
  }
  if (close >= format.size()) return "a '%[' without its ']'";
  auto sample = std::make_shared<SampleExpr>();
  if (auto err = parse_sample(format.substr(i + 1, close - i - 1), *sample)) return err;
  out.push_back({Kind::Sample, "", false, std::move(sample)});
  i = close + 1;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_log_format(std::string_view format, LogFormat& out) {
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
    if (i < format.size() && format[i] == '[') {
      if (!flags.empty())
        return "the flags '{" + std::string(flags) +
               "}' of a sample are not supported; remove them";
      if (auto err = add_sample(format, i, out)) return err;
      continue;
    }
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
        out.push_back({kind, "", hex, nullptr});
        known = true;
      }
    if (!known)
      return "'%" + std::string(name) + "' is not supported by ferry in a log-format; use " +
             kSupported;
  }
  return std::nullopt;
}

bool is_literal(const LogFormat& format) {
  return std::all_of(format.begin(), format.end(),
                     [](const LogFormatPiece& p) { return p.kind == Kind::Text; });
}

}  // namespace ferry::conf
