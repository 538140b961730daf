#include "conf/yaml_walker.hpp"

#include <algorithm>

#include "conf/did_you_mean.hpp"
#include "conf/keyword_table.hpp"
#include "conf/tokenizer.hpp"

namespace ferry::conf {

SourcePos YamlWalker::pos(const YAML::Node& node) const {
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return {file_, 0, 0};
  return {file_, m.line + 1, m.column + 1};
}

void YamlWalker::error(const YAML::Node& at, const std::string& message) {
  ctx_.error(pos(at), message);
}

// `$VAR` / `${VAR}` in a YAML value expand as inside a double-quoted HAProxy-format word: the
// value goes through the same tokenizer, so both formats share one set of rules and messages.
std::string YamlWalker::expand_env(const YAML::Node& value) {
  const std::string& raw = value.Scalar();
  if (raw.find('$') == std::string::npos) return raw;
  std::string quoted = "\"";
  for (char c : raw) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  std::vector<Diagnostic> diags;
  const auto statements = tokenize(quoted, file_, diags);
  for (auto& d : diags) {
    d.pos = pos(value);
    (d.severity == Diagnostic::Severity::Error ? ctx_.error(d.pos, d.message)
                                               : ctx_.warning(d.pos, d.message));
  }
  if (statements.empty() || statements[0].words.empty()) return "";
  return statements[0].words[0];
}

std::optional<std::string> YamlWalker::scalar(const YAML::Node& value, std::string_view what) {
  if (value.IsScalar()) return expand_env(value);
  const char* got = value.IsSequence() ? "a list" : value.IsMap() ? "a mapping" : "nothing";
  error(value, "'" + std::string(what) + "' expects a single value, got " + got);
  return std::nullopt;
}

std::optional<bool> YamlWalker::boolean(const YAML::Node& value, std::string_view what) {
  const auto text = scalar(value, what);
  if (!text) return std::nullopt;
  for (std::string_view t : {"true", "yes", "on", "True", "Yes", "On", "TRUE", "YES", "ON"})
    if (*text == t) return true;
  for (std::string_view f : {"false", "no", "off", "False", "No", "Off", "FALSE", "NO", "OFF"})
    if (*text == f) return false;
  error(value, "'" + std::string(what) + "' expects true or false (got '" + *text + "')");
  return std::nullopt;
}

std::vector<YAML::Node> YamlWalker::items(const YAML::Node& value) {
  std::vector<YAML::Node> out;
  if (!value.IsSequence()) return {value};
  for (const auto& item : value)
    out.push_back(item);
  return out;
}

bool YamlWalker::walk(const YAML::Node& map, std::span<const YamlKey> table,
                      const std::string& what, std::initializer_list<std::string_view> skip) {
  if (!map.IsMap()) {
    error(map, std::string(what) + " must be a mapping of keys to values");
    return false;
  }
  std::vector<std::string_view> names(skip);
  for (const auto& k : table)
    names.push_back(k.key);
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    const auto it =
        std::find_if(table.begin(), table.end(), [&](const YamlKey& k) { return k.key == key; });
    if (it == table.end()) {
      error(kv.first, "unknown key '" + key + "' in " + what + did_you_mean(key, names));
      continue;
    }
    it->handle(*this, kv.first, kv.second);
  }
  return true;
}

void YamlWalker::statement(const YAML::Node& at, std::vector<std::string> words) {
  Statement st{pos(at), std::move(words)};
  dispatch(ctx_, st);
}

}  // namespace ferry::conf
