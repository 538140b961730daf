// Helpers shared by the YAML loader's files (yaml_loader.cpp, yaml_objects.cpp): positions,
// scalar and boolean reading, key tables for mappings, and running an HAProxy-format statement
// at a node's line:column. Internal to conf/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "conf/parse_context.hpp"

namespace ferry::conf {

class YamlWalker;

// One key of a YAML mapping and what to do with its value.
struct YamlKey {
  std::string_view key;
  void (*handle)(YamlWalker& w, const YAML::Node& key, const YAML::Node& value);
};

class YamlWalker {
 public:
  YamlWalker(ParseContext& ctx, const std::string& file) : ctx_(ctx), file_(file) {}

  ParseContext& ctx() { return ctx_; }
  // 1-based line:column of a node (its key's when the value has no mark, as for a null value).
  SourcePos pos(const YAML::Node& node) const;
  void error(const YAML::Node& at, const std::string& message);

  // The value as text; an error naming `what` if it is a list, a mapping or empty.
  // A scalar value with environment variables expanded; an error when it is a list or mapping.
  std::optional<std::string> scalar(const YAML::Node& value, std::string_view what);
  // true/false (also yes/no, on/off); an error naming `what` otherwise.
  std::optional<bool> boolean(const YAML::Node& value, std::string_view what);
  // A sequence's items, or the node itself if it is a single item.
  static std::vector<YAML::Node> items(const YAML::Node& value);

  // Runs each key of `map` through `table`; an unknown key gets "unknown key 'k' in <what>; did
  // you mean ...?". Keys listed in `skip` were handled by the caller. False if `map` is not a
  // mapping (error reported).
  bool walk(const YAML::Node& map, std::span<const YamlKey> table, const std::string& what,
            std::initializer_list<std::string_view> skip = {});

  // Runs one HAProxy-format statement (keyword and arguments) at `at`'s position.
  void statement(const YAML::Node& at, std::vector<std::string> words);

 private:
  std::string expand_env(const YAML::Node& value);
  ParseContext& ctx_;
  const std::string& file_;
};

// yaml_objects.cpp: the nested objects.
void yaml_bind(YamlWalker& w, const YAML::Node& item, bool stats_socket);
void yaml_server(YamlWalker& w, const YAML::Node& item);
void yaml_default_server(YamlWalker& w, const YAML::Node& map);
void yaml_health_check(YamlWalker& w, const YAML::Node& map);
void yaml_log(YamlWalker& w, const YAML::Node& item);

}  // namespace ferry::conf
