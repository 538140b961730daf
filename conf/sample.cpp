#include "conf/sample.hpp"

#include <algorithm>

#include "conf/did_you_mean.hpp"

namespace ferry::conf {

namespace {

struct ConverterName {
  std::string_view name;
  ConverterKind kind;
  int min_args = 0;
  int max_args = 0;
  std::string_view usage = {};
};

constexpr ConverterName kConverters[] = {
    {"lower", ConverterKind::Lower},
    {"upper", ConverterKind::Upper},
    {"base64", ConverterKind::Base64},
    {"hex", ConverterKind::Hex},
    {"length", ConverterKind::Length},
    {"regsub", ConverterKind::Regsub, 2, 3, "regsub(<regex>,<replacement>[,<flags>])"},
};

// `text` cut at the commas outside parentheses (a backslash escapes the next character).
std::vector<std::string> split_top(std::string_view text) {
  std::vector<std::string> out(1);
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      out.back() += c;
      out.back() += text[++i];
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if (c == ',' && depth == 0) {
      out.emplace_back();
      continue;
    }
    out.back() += c;
  }
  return out;
}

// A converter's arguments: between its parentheses, cut at unescaped commas; `\,` is a comma.
std::vector<std::string> converter_args(std::string_view inner) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size() && inner[i + 1] == ',') {
      out.back() += ',';
      ++i;
    } else if (inner[i] == ',') {
      out.emplace_back();
    } else {
      out.back() += inner[i];
    }
  }
  if (out.size() == 1 && out[0].empty()) out.clear();
  return out;
}

std::optional<std::string> regsub(const std::vector<std::string>& args, Converter& out) {
  std::string error;
  out.regex = Regex::compile(args[0], args.size() == 3 && args[2].find('i') != std::string::npos,
                             error, true);
  if (!out.regex) return "invalid regular expression '" + args[0] + "' in regsub: " + error;
  out.replacement = args[1];
  if (args.size() == 3) {
    if (args[2].find_first_not_of("ig") != std::string::npos)
      return "unknown regsub flags '" + args[2] + "'; use 'i' (ignore case) and/or 'g' (global)";
    out.global = args[2].find('g') != std::string::npos;
  }
  return std::nullopt;
}

std::optional<std::string> parse_converter(const std::string& word, Converter& out) {
  const size_t open = word.find('(');
  const std::string name = word.substr(0, open);
  std::vector<std::string> args;
  if (open != std::string::npos) {
    if (word.back() != ')')
      return "missing ')' after the arguments of the converter '" + name + "'";
    args = converter_args(std::string_view(word).substr(open + 1, word.size() - open - 2));
  }
  const auto* c = std::find_if(std::begin(kConverters), std::end(kConverters),
                               [&](const ConverterName& k) { return k.name == name; });
  if (c == std::end(kConverters)) {
    std::vector<std::string_view> names;
    for (const auto& k : kConverters)
      names.push_back(k.name);
    return "the converter '" + name + "' is not supported by ferry" + did_you_mean(name, names) +
           " (ferry has lower, upper, base64, hex, length and regsub)";
  }
  const int n = static_cast<int>(args.size());
  if (n < c->min_args || n > c->max_args)
    return c->max_args == 0 ? "the converter '" + name + "' takes no argument"
                            : "wrong arguments for '" + name + "'; use " + std::string(c->usage);
  out.kind = c->kind;
  if (c->kind == ConverterKind::Regsub) return regsub(args, out);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_sample(std::string_view text, SampleExpr& out) {
  out = SampleExpr{};
  out.text = std::string(text);
  if (text.empty()) return "an empty sample expression '%[]'; write a fetch such as %[path]";
  const std::vector<std::string> parts = split_top(text);
  if (auto err = parse_fetch(parts[0], out.fetch)) return err;
  out.fetch.text = parts[0];
  // As a sample, a header is its last value unless an occurrence is given.
  if (out.fetch.fetch == AclFetch::Hdr && out.fetch.occurrence == 0) out.fetch.occurrence = -1;
  for (size_t i = 1; i < parts.size(); ++i) {
    Converter c;
    if (parts[i].empty()) return "an empty converter after ',' in '" + out.text + "'";
    if (auto err = parse_converter(parts[i], c)) return err;
    out.converters.push_back(std::move(c));
  }
  return std::nullopt;
}

}  // namespace ferry::conf
