// `show stat` as the strictest of its readers takes it: an RFC 4180 CSV reader (the quoting rules
// of Go's encoding/csv, which haproxy_exporter uses), and a table keyed by the header names (what
// Ansible's haproxy module does), which refuses a reply whose rows are not all as wide as its
// header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::test {

using CsvRecord = std::vector<std::string>;

struct CsvResult {
  std::vector<CsvRecord> records;
  std::string error;  // "line N: what is wrong"; empty when the whole text is valid
  bool ok() const { return error.empty(); }
};

// RFC 4180: fields separated by ',', records by LF or CRLF; a field is either plain (no '"',
// ',', CR or LF) or wholly quoted, with '"' inside written '""'. A quote anywhere else, text after
// a closing quote, or a quote left open is an error. Empty lines are skipped, as Go's reader does.
CsvResult parse_csv(std::string_view text);

// What a naive reader (hatop) sees: the line split on every ','.
size_t naive_token_count(std::string_view line);

class StatTable {
 public:
  // A `show stat` reply: "# " then the header, then rows, then the CLI's blank line. nullopt
  // (and `error` set) unless the CSV is valid and every row is exactly as wide as the header.
  static std::optional<StatTable> parse(std::string_view reply, std::string& error);

  const CsvRecord& header() const { return header_; }
  const std::vector<CsvRecord>& rows() const { return rows_; }
  int column(std::string_view name) const;  // -1 when the header has no such column
  // The row of proxy `px` named `sv` (FRONTEND, BACKEND or a server), or nullptr.
  const CsvRecord* row(std::string_view px, std::string_view sv) const;
  // One cell; nullopt when the row or the column does not exist.
  std::optional<std::string> get(std::string_view px, std::string_view sv,
                                 std::string_view name) const;

 private:
  CsvRecord header_;
  std::vector<CsvRecord> rows_;
};

}  // namespace ferry::test
