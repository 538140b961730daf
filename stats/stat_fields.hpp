// Every `show stat` field, defined once: name, position, type, tags, description and how each
// kind of row (FRONTEND, BACKEND, server) fills it. CSV, typed and JSON output are all derived
// from this one table (stat_output.hpp), in HAProxy 2.6's order: 103 static fields, then the
// literal `-` column (CSV only), then the 24 stats-module fields.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/backend.hpp"
#include "core/engine.hpp"
#include "core/frontend.hpp"
#include "core/server.hpp"

namespace ferry::stats {

enum class FieldType : uint8_t { U32, U64, S32, Str };
enum class Origin : uint8_t { Metric, Status, Key, Config, Product };
enum class Nature : uint8_t {
  Gauge,
  Limit,
  Min,
  Max,
  Rate,
  Counter,
  Duration,
  Age,
  Time,
  Name,
  Output,
  Avg
};
enum class Scope : uint8_t { Process, Service, System, Cluster };

struct Tags {
  Origin origin;
  Nature nature;
  Scope scope;
};

// A field's value in one row. Empty prints nothing in CSV and is left out of typed and JSON;
// an empty Text ("") is still a value (typed prints `...:str:`).
struct Value {
  enum class Kind : uint8_t { Empty, Unsigned, Signed, Text };
  Kind kind = Kind::Empty;
  uint64_t u = 0;
  int64_t s = 0;
  std::string text;

  static Value num(uint64_t v) { return Value{Kind::Unsigned, v, 0, {}}; }
  static Value sgn(int64_t v) { return Value{Kind::Signed, 0, v, {}}; }
  static Value str(std::string v) { return Value{Kind::Text, 0, 0, std::move(v)}; }
  bool empty() const { return kind == Kind::Empty; }
};

enum class RowKind : uint8_t { Frontend = 0, Backend = 1, Server = 2 };

// What a field getter reads. Exactly one of frontend/backend/server is the row's object;
// `backend` is also set on server rows.
struct RowContext {
  const core::Engine& engine;
  core::Millis now;
  bool privileged = true;  // socket level operator or admin: `addr` and `algo` are shown
  bool hide_down = false;  // `up` / `no-maint`: the BACKEND status gets "(n/m)"
  const core::Frontend* frontend = nullptr;
  const core::Backend* backend = nullptr;
  const core::Server* server = nullptr;
};

using Getter = Value (*)(const RowContext&);

struct FieldDef {
  std::string_view name;
  FieldType type;
  Tags tags;
  std::string_view description;
  Getter frontend;  // nullptr: always empty on that kind of row
  Getter backend;
  Getter server;
  bool backend_gauge = false;  // BACKEND rows tag it MGP instead (act, bck, rate, rate_max)

  Getter getter(RowKind kind) const;
  Tags tags_for(RowKind kind) const;
};

// The fields in output order; a field's position (typed, JSON) is its index here.
std::span<const FieldDef> stat_fields();
// The CSV `-` column sits between the static fields and the module fields.
constexpr size_t kStaticFieldCount = 103;
constexpr size_t kFieldCount = 127;

// Tag spellings: "MGP" in typed output, {"origin":"Metric",...} in JSON.
char origin_code(Origin o);
char nature_code(Nature n);
char scope_code(Scope s);
std::string_view origin_word(Origin o);
std::string_view nature_word(Nature n);
std::string_view scope_word(Scope s);
std::string_view type_name(FieldType t);

}  // namespace ferry::stats
