#include "stats/ctl_reply.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <utility>
#include <vector>

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

std::vector<std::string> table_row(const Row& r, bool server) {
  return {server ? "  " + r.at("svname") : r.at("pxname"),
          r.at("status"),
          r.at("weight").empty() ? "-" : r.at("weight"),
          r.at("scur"),
          r.at("stot"),
          server ? last_check(r) : "",
          age_text(r.at("lastchg"))};
}

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i)
      width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      const bool numeric = i >= 2 && i <= 4;
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
  const auto lines = csv_lines(csv);
  if (lines.empty() || !starts_with(lines.front(), "# ")) return {};
  const auto names = csv_fields(std::string_view(lines.front()).substr(2));
  std::vector<std::vector<std::string>> rows = {
      {"BACKEND/SERVER", "STATUS", "WEIGHT", "CUR", "TOTAL", "LAST CHECK", "LAST CHANGE"}};
  std::vector<std::vector<std::string>> servers;  // of the backend being read
  for (size_t i = 1; i < lines.size(); ++i) {
    const auto values = csv_fields(lines[i]);
    Row r;
    for (size_t k = 0; k < names.size(); ++k)
      r[names[k]] = k < values.size() ? values[k] : "";
    if (r["type"] == "2") servers.push_back(table_row(r, true));
    if (r["type"] != "1") continue;
    rows.push_back(table_row(r, false));
    rows.insert(rows.end(), servers.begin(), servers.end());
    servers.clear();
  }
  return format_table(rows);
}

}  // namespace ferry::stats
