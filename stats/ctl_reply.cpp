#include "stats/ctl_reply.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "conf/number.hpp"

namespace ferry::stats {

namespace {

// "[3]: " / "[6]: " at the start of a line: the severity digit, else -1.
int severity_mark(std::string_view line) {
  if (line.size() >= 5 && line[0] == '[' && line[1] >= '0' && line[1] <= '7' &&
      line.substr(2, 3) == "]: ")
    return line[1] - '0';
  return -1;
}

bool starts_with(std::string_view s, std::string_view head) {
  return s.substr(0, head.size()) == head;
}
bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// Splits one CSV line (RFC 4180 quoting; a trailing comma ends the last field).
std::vector<std::string> csv_fields(std::string_view line) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"')
      field += c, ++i;
    else if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted)
      out.push_back(std::exchange(field, {}));
    else
      field += c;
  }
  if (!field.empty()) out.push_back(field);
  return out;
}

// Lines of CSV text, keeping newlines that sit inside quotes.
std::vector<std::string> csv_lines(std::string_view text) {
  std::vector<std::string> out;
  std::string line;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (c == '\n' && !quoted)
      out.push_back(std::exchange(line, {}));
    else
      line += c;
  }
  if (!line.empty()) out.push_back(line);
  return out;
}

std::string age_text(std::string_view seconds) {
  const auto parsed = conf::parse_integer(seconds, 0, LLONG_MAX);
  if (!parsed) return "-";
  long long s = *parsed;
  std::string out;
  if (s >= 86400) out += std::to_string(s / 86400) + "d", s %= 86400;
  if (s >= 3600 || !out.empty()) out += std::to_string(s / 3600) + "h", s %= 3600;
  if (s >= 60 || !out.empty()) out += std::to_string(s / 60) + "m", s %= 60;
  return out + std::to_string(s) + "s ago";
}

using Row = std::map<std::string, std::string>;

std::string last_check(const Row& r) {
  const std::string& status = r.at("check_status");
  if (status.empty()) return "-";
  std::string out = status;
  if (!r.at("check_duration").empty()) out += " in " + r.at("check_duration") + "ms";
  const std::string& detail = !r.at("last_chk").empty() ? r.at("last_chk") : r.at("check_desc");
  if (!detail.empty()) out += ": " + detail;
  return out;
}

// The backends of `show stat` CSV, each with its servers; nullopt when it is not CSV.
struct Backend {
  Row row;
  std::vector<Row> servers;
};
std::optional<std::vector<Backend>> backends_of(std::string_view csv) {
  const auto lines = csv_lines(csv);
  if (lines.empty() || !starts_with(lines.front(), "# ")) return std::nullopt;
  const auto names = csv_fields(std::string_view(lines.front()).substr(2));
  std::vector<Backend> out;
  std::vector<Row> servers;  // of the backend being read
  for (size_t i = 1; i < lines.size(); ++i) {
    const auto values = csv_fields(lines[i]);
    Row r;
    for (size_t k = 0; k < names.size(); ++k)
      r[names[k]] = k < values.size() ? values[k] : "";
    const std::string type = r["type"];
    if (type == "2")
      servers.push_back(std::move(r));
    else if (type == "1")
      out.push_back(Backend{std::move(r), std::exchange(servers, {})});
  }
  return out;
}

// A column's number, or null when it is empty.
nlohmann::ordered_json number(const std::string& text) {
  const auto n = conf::parse_integer(text, LLONG_MIN, LLONG_MAX);
  return n ? nlohmann::ordered_json(*n) : nlohmann::ordered_json(nullptr);
}

std::vector<std::string> table_row(const Row& r, bool server) {
  return {server ? "  " + r.at("svname") : r.at("pxname"),
          r.at("status"),
          r.at("weight").empty() ? "-" : r.at("weight"),
          r.at("scur"),
          r.at("stot"),
          server ? last_check(r) : "",
          age_text(r.at("lastchg"))};
}

// Columns [first_numeric, last_numeric] are aligned right.
std::string format_table(const std::vector<std::vector<std::string>>& rows,
                         size_t first_numeric = 2, size_t last_numeric = 4) {
  std::vector<size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i)
      width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      const bool numeric = i >= first_numeric && i <= last_numeric;
      const std::string pad(width[i] - row[i].size(), ' ');
      line += numeric ? pad + row[i] : row[i] + (i + 1 < row.size() ? pad : "");
      if (i + 1 < row.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

CtlOutcome interpret_replies(std::string_view raw) {
  CtlOutcome out;
  if (starts_with(raw, "\n")) raw.remove_prefix(1);  // `set severity-output number` answered
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t end = raw.find('\n', pos);
    end = end == std::string_view::npos ? raw.size() : end + 1;
    std::string_view line = raw.substr(pos, end - pos);
    pos = end;
    const int mark = severity_mark(line);
    if (mark >= 0) line.remove_prefix(5);
    if (mark >= 0 && mark <= 3) out.error = true;
    if (mark >= 0 && mark <= 3 && starts_with(line, "Wait delay expired.")) out.wait_expired = true;
    if (mark >= 0 && mark <= 3 && starts_with(line, "Kept up: ")) out.kept_up = true;
    if (starts_with(line, "Unknown command")) out.error = true;
    const bool after_reply = out.text.empty() || ends_with(out.text, "\n\n");
    if (line == "\n" && after_reply) continue;  // a command that printed nothing
    out.text.append(line);
  }
  if (ends_with(out.text, "\n\n")) out.text.pop_back();  // the last reply's blank line
  return out;
}

std::string status_table(std::string_view csv) {
  const auto backends = backends_of(csv);
  if (!backends) return {};
  std::vector<std::vector<std::string>> rows = {
      {"BACKEND/SERVER", "STATUS", "WEIGHT", "CUR", "TOTAL", "LAST CHECK", "LAST CHANGE"}};
  for (const Backend& b : *backends) {
    rows.push_back(table_row(b.row, false));
    for (const Row& s : b.servers)
      rows.push_back(table_row(s, true));
  }
  return format_table(rows);
}

std::string status_json(std::string_view csv) {
  const auto backends = backends_of(csv);
  if (!backends) return {};
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Backend& b : *backends) {
    nlohmann::ordered_json servers = nlohmann::ordered_json::array();
    for (const Row& s : b.servers)
      servers.push_back({{"name", s.at("svname")},
                         {"status", s.at("status")},
                         {"weight", number(s.at("weight"))},
                         {"backup", s.at("bck") == "1"},
                         {"sessions", number(s.at("scur"))},
                         {"sessions_total", number(s.at("stot"))},
                         {"check_status", s.at("check_status")},
                         {"last_check", s.at("last_chk")},
                         {"last_change_seconds", number(s.at("lastchg"))}});
    out.push_back({{"name", b.row.at("pxname")},
                   {"status", b.row.at("status")},
                   {"weight", number(b.row.at("weight"))},
                   {"sessions", number(b.row.at("scur"))},
                   {"sessions_total", number(b.row.at("stot"))},
                   {"servers", servers}});
  }
  return nlohmann::ordered_json{{"backends", out}}.dump(2) + "\n";
}

std::string top_view(std::string_view csv, std::string_view title) {
  const auto backends = backends_of(csv);
  if (!backends) return std::string(title) + "\n\nno statistics in the answer\n";
  std::vector<std::vector<std::string>> rows = {{"BACKEND/SERVER", "STATUS", "WEIGHT", "CUR",
                                                 "RATE", "TOTAL", "QUEUE", "ERR CONN", "ERR RESP",
                                                 "LAST CHECK"}};
  auto row = [](const Row& r, bool server) {
    return std::vector<std::string>{server ? "  " + r.at("svname") : r.at("pxname"),
                                    r.at("status"),
                                    r.at("weight").empty() ? "-" : r.at("weight"),
                                    r.at("scur"),
                                    r.at("rate"),
                                    r.at("stot"),
                                    r.at("qcur"),
                                    r.at("econ"),
                                    r.at("eresp"),
                                    server ? last_check(r) : ""};
  };
  for (const Backend& b : *backends) {
    rows.push_back(row(b.row, false));
    for (const Row& s : b.servers)
      rows.push_back(row(s, true));
  }
  return std::string(title) + "\n\n" + format_table(rows, 2, 8);
}

}  // namespace ferry::stats
