#include "stats/stat_output.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <vector>

namespace ferry::stats {

namespace {

constexpr std::string_view kRowLetter[] = {"F", "B", "S"};
constexpr std::string_view kObjType[] = {"Frontend", "Backend", "Server"};

int type_bit(RowKind kind) {
  return 1 << static_cast<int>(kind);
}

struct Row {
  RowKind kind;
  int iid;
  int sid;
  RowContext ctx;
};

// Writes rows in one format; the same table drives all three.
class StatWriter {
 public:
  StatWriter(const StatRequest& request, std::string& out) : request_(request), out_(out) {}
  void begin();
  void row(const Row& row);
  void end();

 private:
  void csv_row(const Row& row);
  void typed_row(const Row& row);
  void json_row(const Row& row);
  void json_field(const Row& row, size_t pos, const FieldDef& field, const Value& value);
  const StatRequest& request_;
  std::string& out_;
  bool first_row_ = true;
};

void StatWriter::begin() {
  if (request_.format == StatFormat::Csv) out_ += csv_header();
  if (request_.format == StatFormat::Json) out_ += '[';
}

void StatWriter::end() {
  if (request_.format == StatFormat::Json) out_ += "]\n";
}

void StatWriter::row(const Row& row) {
  switch (request_.format) {
    case StatFormat::Csv:
      return csv_row(row);
    case StatFormat::Typed:
      return typed_row(row);
    case StatFormat::Json:
      return json_row(row);
  }
}

void StatWriter::csv_row(const Row& row) {
  const auto fields = stat_fields();
  for (size_t pos = 0; pos < fields.size(); ++pos) {
    if (pos == kStaticFieldCount) out_ += "-,";
    if (Getter get = fields[pos].getter(row.kind)) {
      const Value v = get(row.ctx);
      if (v.kind == Value::Kind::Text)
        append_csv_field(out_, v.text);
      else
        append_value_text(out_, v);
    }
    out_ += ',';
  }
  out_ += '\n';
}

void append_tags(std::string& out, Tags t) {
  out += origin_code(t.origin);
  out += nature_code(t.nature);
  out += scope_code(t.scope);
}

void StatWriter::typed_row(const Row& row) {
  const auto fields = stat_fields();
  for (size_t pos = 0; pos < fields.size(); ++pos) {
    const FieldDef& f = fields[pos];
    Getter get = f.getter(row.kind);
    if (!get) continue;
    const Value v = get(row.ctx);
    if (v.empty()) continue;
    out_.append(kRowLetter[static_cast<int>(row.kind)]);
    out_ += '.' + std::to_string(row.iid) + '.' + std::to_string(row.sid) + '.' +
            std::to_string(pos) + '.';
    out_.append(f.name).append(".1:");
    append_tags(out_, f.tags_for(row.kind));
    out_.append(":").append(type_name(f.type)).append(":");
    append_value_text(out_, v);
    if (request_.desc) out_.append(":\"").append(f.description).append("\"");
    out_ += '\n';
  }
}

void StatWriter::json_field(const Row& row, size_t pos, const FieldDef& f, const Value& v) {
  const Tags t = f.tags_for(row.kind);
  out_.append("{\"objType\":\"").append(kObjType[static_cast<int>(row.kind)]);
  out_.append("\",\"proxyId\":").append(std::to_string(row.iid));
  out_.append(",\"id\":").append(std::to_string(row.sid));
  out_.append(",\"field\":{\"pos\":").append(std::to_string(pos)).append(",\"name\":\"");
  out_.append(f.name).append("\"},\"processNum\":1,\"tags\":{\"origin\":\"");
  out_.append(origin_word(t.origin)).append("\",\"nature\":\"").append(nature_word(t.nature));
  out_.append("\",\"scope\":\"").append(scope_word(t.scope)).append("\"},\"value\":{\"type\":\"");
  out_.append(type_name(f.type)).append("\",\"value\":");
  if (v.kind == Value::Kind::Text)
    append_json_string(out_, v.text);
  else
    append_value_text(out_, v);
  out_ += "}}";
}

void StatWriter::json_row(const Row& row) {
  out_ += first_row_ ? "[" : ",[";
  first_row_ = false;
  const auto fields = stat_fields();
  bool first = true;
  for (size_t pos = 0; pos < fields.size(); ++pos) {
    Getter get = fields[pos].getter(row.kind);
    if (!get) continue;
    const Value v = get(row.ctx);
    if (v.empty()) continue;
    if (!first) out_ += ',';
    first = false;
    json_field(row, pos, fields[pos], v);
  }
  out_ += ']';
}

bool server_hidden(const core::Server& s, const StatRequest& req) {
  if ((req.up || req.no_maint) && s.in_maint()) return true;
  if (!req.up || s.op != core::OpState::Stopped) return false;
  const bool checked = s.check.configured && s.check.enabled;
  return !(checked && s.check.health > 0);  // a server coming back up (DOWN 1/2) stays listed
}

// Every proxy id in ascending order; a `listen` has a frontend and a backend with the same id.
std::vector<int> proxy_ids(const core::Engine& engine) {
  std::set<int> ids;
  for (const auto& f : engine.frontends)
    ids.insert(f->id);
  for (const auto& b : engine.backends)
    ids.insert(b->id);
  return {ids.begin(), ids.end()};
}

class StatDump {
 public:
  StatDump(const core::Engine& engine, const StatRequest& req, StatWriter& writer)
      : engine_(engine), req_(req), writer_(writer), now_(engine.loop.now()) {}
  void proxy(int id);

 private:
  bool wanted(RowKind kind) const { return (req_.type_mask & type_bit(kind)) != 0; }
  RowContext context() const {
    return RowContext{engine_, now_, req_.privileged, req_.up || req_.no_maint};
  }
  const core::Engine& engine_;
  const StatRequest& req_;
  StatWriter& writer_;
  core::Millis now_;
};

void StatDump::proxy(int id) {
  for (const auto& f : engine_.frontends) {
    if (f->id != id || !wanted(RowKind::Frontend)) continue;
    RowContext c = context();
    c.frontend = f.get();
    writer_.row(Row{RowKind::Frontend, id, 0, c});
  }
  for (const auto& b : engine_.backends) {
    if (b->id != id) continue;
    for (const auto& s : b->servers) {
      if (!wanted(RowKind::Server) || (req_.sid != -1 && s->id != req_.sid)) continue;
      if (server_hidden(*s, req_)) continue;
      RowContext c = context();
      c.backend = b.get();
      c.server = s.get();
      writer_.row(Row{RowKind::Server, id, s->id, c});
    }
    if (!wanted(RowKind::Backend)) continue;
    RowContext c = context();
    c.backend = b.get();
    writer_.row(Row{RowKind::Backend, id, 0, c});
  }
}

}  // namespace

std::string render_stat(const core::Engine& engine, const StatRequest& request) {
  std::string out;
  StatWriter writer(request, out);
  writer.begin();
  StatDump dump(engine, request, writer);
  for (int id : proxy_ids(engine))
    if (request.iid == -1 || request.iid == id) dump.proxy(id);
  writer.end();
  return out;
}

std::string csv_header() {
  std::string out = "# ";
  const auto fields = stat_fields();
  for (size_t pos = 0; pos < fields.size(); ++pos) {
    if (pos == kStaticFieldCount) out += "-,";
    out.append(fields[pos].name).append(",");
  }
  out += '\n';
  return out;
}

void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void append_value_text(std::string& out, const Value& value) {
  switch (value.kind) {
    case Value::Kind::Empty:
      return;
    case Value::Kind::Unsigned:
      out += std::to_string(value.u);
      return;
    case Value::Kind::Signed:
      out += std::to_string(value.s);
      return;
    case Value::Kind::Text:
      out += value.text;
      return;
  }
}

}  // namespace ferry::stats
