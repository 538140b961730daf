#include "tests/support/admin_csv.hpp"

#include <algorithm>

namespace ferry::test {

namespace {

// Reads CSV one character at a time; `line` counts records for the error messages.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}

  CsvResult read() {
    CsvResult out;
    while (pos_ < text_.size() && out.error.empty()) {
      if (at_line_end()) {  // an empty line
        skip_line_end();
        continue;
      }
      CsvRecord record;
      if (read_record(record, out.error)) out.records.push_back(std::move(record));
    }
    return out;
  }

 private:
  bool at_line_end() const {
    return text_[pos_] == '\n' ||
           (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n');
  }
  void skip_line_end() {
    pos_ += text_[pos_] == '\r' ? 2 : 1;
    ++line_;
  }
  std::string fail(const std::string& what) const {
    return "line " + std::to_string(line_) + ": " + what;
  }

  // One record, up to and including its line end (or the end of the text).
  bool read_record(CsvRecord& record, std::string& error) {
    for (;;) {
      std::string field;
      const bool ok = pos_ < text_.size() && text_[pos_] == '"' ? read_quoted(field, error)
                                                                : read_plain(field, error);
      if (!ok) return false;
      record.push_back(std::move(field));
      if (pos_ >= text_.size()) return true;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      skip_line_end();  // read_* stop only at ',', a line end or the end
      return true;
    }
  }

  bool read_plain(std::string& field, std::string& error) {
    while (pos_ < text_.size() && text_[pos_] != ',' && !at_line_end()) {
      const char c = text_[pos_];
      if (c == '"') return error = fail("'\"' inside an unquoted field"), false;
      if (c == '\r' || c == '\n') return error = fail("bare CR in an unquoted field"), false;
      field += c;
      ++pos_;
    }
    return true;
  }

  bool read_quoted(std::string& field, std::string& error) {
    ++pos_;  // the opening quote
    for (;;) {
      if (pos_ >= text_.size()) return error = fail("quoted field not closed"), false;
      const char c = text_[pos_++];
      if (c != '"') {
        if (c == '\n') ++line_;
        field += c;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '"') {
        field += '"';
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] != ',' && !at_line_end())
        return error = fail("text after the closing quote"), false;
      return true;
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

}  // namespace

CsvResult parse_csv(std::string_view text) {
  return CsvReader(text).read();
}

size_t naive_token_count(std::string_view line) {
  return static_cast<size_t>(std::count(line.begin(), line.end(), ',')) + 1;
}

std::optional<StatTable> StatTable::parse(std::string_view reply, std::string& error) {
  if (reply.substr(0, 2) != "# ") {
    error = "the reply does not start with \"# \": " + std::string(reply.substr(0, 80));
    return std::nullopt;
  }
  CsvResult csv = parse_csv(reply.substr(2));
  if (!csv.ok()) {
    error = csv.error;
    return std::nullopt;
  }
  if (csv.records.empty()) {
    error = "no header";
    return std::nullopt;
  }
  StatTable t;
  t.header_ = std::move(csv.records.front());
  for (size_t i = 1; i < csv.records.size(); ++i) {
    if (csv.records[i].size() != t.header_.size()) {
      error = "row " + std::to_string(i) + " has " + std::to_string(csv.records[i].size()) +
              " fields, the header " + std::to_string(t.header_.size());
      return std::nullopt;
    }
    t.rows_.push_back(std::move(csv.records[i]));
  }
  return t;
}

int StatTable::column(std::string_view name) const {
  const auto it = std::find(header_.begin(), header_.end(), name);
  return it == header_.end() ? -1 : static_cast<int>(it - header_.begin());
}

const CsvRecord* StatTable::row(std::string_view px, std::string_view sv) const {
  for (const auto& r : rows_)
    if (r.size() > 1 && r[0] == px && r[1] == sv) return &r;
  return nullptr;
}

std::optional<std::string> StatTable::get(std::string_view px, std::string_view sv,
                                          std::string_view name) const {
  const CsvRecord* r = row(px, sv);
  const int c = column(name);
  if (!r || c < 0) return std::nullopt;
  return (*r)[static_cast<size_t>(c)];
}

}  // namespace ferry::test
