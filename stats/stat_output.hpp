// `show stat` output in its three formats (CSV, typed, JSON), derived from the field table.
// Rows come proxy by proxy in ascending iid (declaration order): FRONTEND, the servers in
// declaration order, BACKEND.
#pragma once

#include <string>
#include <string_view>

#include "core/engine.hpp"
#include "stats/stat_fields.hpp"

namespace ferry::stats {

enum class StatFormat { Csv, Typed, Json };

struct StatRequest {
  StatFormat format = StatFormat::Csv;
  bool desc = false;       // typed: append each field's description
  bool up = false;         // hide servers in maintenance or down
  bool no_maint = false;   // hide servers in maintenance
  int iid = -1;            // only this proxy id; -1 = all
  int type_mask = -1;      // 1 frontend, 2 backend, 4 server; -1 = all
  int sid = -1;            // only this server id (server rows); -1 = all
  bool privileged = true;  // the socket's level is operator or admin: addr and algo shown
};

// The whole reply body (before the CLI's blank-line terminator).
std::string render_stat(const core::Engine& engine, const StatRequest& request);

// The CSV header line, "# pxname,...,h1_spliced_bytes_out,\n".
std::string csv_header();
// A CSV field: raw, or quoted ("" for an inner quote) when it holds `,` `"` CR or LF.
void append_csv_field(std::string& out, std::string_view text);
// A JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);
// A value as text: decimal number or the raw string (empty when empty).
void append_value_text(std::string& out, const Value& value);

}  // namespace ferry::stats
