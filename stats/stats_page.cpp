#include "stats/stats_page.hpp"

#include <set>

#include "stats/stat_fields.hpp"

namespace ferry::stats {

namespace {

enum class Format : uint8_t { Plain, Seconds, Status, Check };

struct Column {
  std::string_view group;
  std::string_view label;
  std::string_view field;  // the `show stat` field shown
  Format format = Format::Plain;
};

// HAProxy's columns, in its order.
constexpr Column kColumns[] = {
    {"Queue", "Cur", "qcur"},
    {"Queue", "Max", "qmax"},
    {"Queue", "Limit", "qlimit"},
    {"Session rate", "Cur", "rate"},
    {"Session rate", "Max", "rate_max"},
    {"Session rate", "Limit", "rate_lim"},
    {"Sessions", "Cur", "scur"},
    {"Sessions", "Max", "smax"},
    {"Sessions", "Limit", "slim"},
    {"Sessions", "Total", "stot"},
    {"Sessions", "LbTot", "lbtot"},
    {"Sessions", "Last", "lastsess", Format::Seconds},
    {"Bytes", "In", "bin"},
    {"Bytes", "Out", "bout"},
    {"Denied", "Req", "dreq"},
    {"Denied", "Resp", "dresp"},
    {"Errors", "Req", "ereq"},
    {"Errors", "Conn", "econ"},
    {"Errors", "Resp", "eresp"},
    {"Warnings", "Retr", "wretr"},
    {"Warnings", "Redis", "wredis"},
    {"Server", "Status", "status", Format::Status},
    {"Server", "LastChk", "check_status", Format::Check},
    {"Server", "Wght", "weight"},
    {"Server", "Act", "act"},
    {"Server", "Bck", "bck"},
    {"Server", "Chk", "chkfail"},
    {"Server", "Dwn", "chkdown"},
    {"Server", "Dwntme", "downtime", Format::Seconds},
    {"Server", "Thrtle", "throttle"},
};

const FieldDef& field(std::string_view name) {
  for (const FieldDef& f : stat_fields())
    if (f.name == name) return f;
  return stat_fields()[0];  // never: every column names a field (unit/stats checks)
}

Value get(std::string_view name, RowKind kind, const RowContext& c) {
  const Getter g = field(name).getter(kind);
  return g ? g(c) : Value{};
}

void escape(std::string& out, std::string_view text) {
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += ch;
    }
  }
}

std::string text_of(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Unsigned:
      return std::to_string(v.u);
    case Value::Kind::Signed:
      return std::to_string(v.s);
    case Value::Kind::Text:
      return v.text;
    default:
      return {};
  }
}

// 95 -> "1m35s", 7300 -> "2h1m", 90000 -> "1d1h"; a negative age (never) -> "".
std::string duration(const Value& v) {
  if (v.empty() || (v.kind == Value::Kind::Signed && v.s < 0)) return {};
  const uint64_t s = v.kind == Value::Kind::Signed ? static_cast<uint64_t>(v.s) : v.u;
  if (s >= 86400) return std::to_string(s / 86400) + "d" + std::to_string(s % 86400 / 3600) + "h";
  if (s >= 3600) return std::to_string(s / 3600) + "h" + std::to_string(s % 3600 / 60) + "m";
  if (s >= 60) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s) + "s";
}

// The colour class of a status: "UP", "UP 1/3" (going down), "DOWN 1/2" (going up), ...
std::string_view status_class(std::string_view status) {
  const bool transition = status.find('/') != std::string_view::npos;
  if (status.starts_with("UP")) return transition ? "going-down" : "up";
  if (status.starts_with("DOWN")) return transition ? "going-up" : "down";
  if (status.starts_with("MAINT")) return "maint";
  if (status.starts_with("DRAIN")) return "drain";
  if (status.starts_with("NOLB")) return "nolb";
  if (status == "no check") return "nocheck";
  if (status == "OPEN") return "up";
  return "down";
}

constexpr std::string_view kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:.5rem;
background:#f6f7f9;color:#1d2430;font-size:13px}
h1{font-size:1.25rem;margin:.2rem 0 .6rem}h2{font-size:1.05rem;margin:0;padding:.4rem .6rem;
background:#2d4a73;color:#fff;border-radius:6px 6px 0 0}
.info{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:.2rem .8rem;
background:#fff;border-radius:6px;padding:.5rem .7rem;margin-bottom:.8rem}
.info div span{color:#5b6472}.links a{margin-right:.8rem}
.proxy{margin-bottom:1rem;background:#fff;border-radius:6px;box-shadow:0 1px 2px #0002}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:.2rem .3rem;border-bottom:1px solid #e3e6eb;text-align:right;white-space:nowrap}
th{background:#e8ecf2;font-weight:600;font-size:.8rem}th.g{text-align:center}
td.name,th.name{text-align:left;position:sticky;left:0;background:inherit;font-weight:600}
tr{background:#fff}tr.frontend,tr.backend{background:#eef1f6}
td.status{font-weight:600;text-align:left}
tr.up td.status,.legend .up{background:#c5f0c5}tr.going-down td.status,.legend .going-down{background:#ffe89a}
tr.going-up td.status,.legend .going-up{background:#ffd0a8}tr.down td.status,.legend .down{background:#ffb3b3}
tr.maint td.status,.legend .maint{background:#c8d3ff}tr.drain td.status,.legend .drain{background:#b8e6ff}
tr.nolb td.status,.legend .nolb{background:#e6e6e6}tr.nocheck td.status,.legend .nocheck{background:#def7de}
.legend span{display:inline-block;padding:.1rem .4rem;margin:.1rem;border-radius:3px}
.notice{padding:.5rem .7rem;border-radius:6px;margin-bottom:.8rem;background:#c5f0c5}
.notice.err{background:#ffb3b3}
form.act{padding:.4rem .6rem;display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
@media (max-width:600px){body{font-size:12px}th,td{padding:.15rem .25rem}}
)";

class PageWriter {
 public:
  PageWriter(const core::Engine& engine, const PageOptions& opt, std::string& out)
      : engine_(engine), opt_(opt), out_(out), now_(engine.loop.now()) {}
  void proxy(int id);

 private:
  void header_rows(bool admin);
  void row(RowKind kind, const RowContext& c, std::string_view name, bool admin);
  void cell(const Column& col, RowKind kind, const RowContext& c);
  void admin_form(const core::Backend& b);
  RowContext context() const { return RowContext{engine_, now_, true, opt_.hide_down}; }
  bool hidden(const core::Server& s) const {
    return opt_.hide_down && (s.in_maint() || s.op == core::OpState::Stopped);
  }

  const core::Engine& engine_;
  const PageOptions& opt_;
  std::string& out_;
  core::Millis now_;
};

void PageWriter::header_rows(bool admin) {
  out_ += "<thead><tr><th class=\"name\" rowspan=\"2\">";
  out_ += admin ? "&#x2611;" : "";
  out_ += "</th>";
  std::string_view group;
  for (size_t i = 0; i < std::size(kColumns); ++i) {
    if (kColumns[i].group == group) continue;
    group = kColumns[i].group;
    size_t span = 0;
    while (i + span < std::size(kColumns) && kColumns[i + span].group == group)
      ++span;
    out_.append("<th class=\"g\" colspan=\"").append(std::to_string(span)).append("\">");
    out_.append(group).append("</th>");
  }
  out_ += "</tr><tr>";
  for (const Column& col : kColumns)
    out_.append("<th>").append(col.label).append("</th>");
  out_ += "</tr></thead>";
}

void PageWriter::cell(const Column& col, RowKind kind, const RowContext& c) {
  const Value v = get(col.field, kind, c);
  switch (col.format) {
    case Format::Plain:
      out_ += "<td>";
      escape(out_, text_of(v));
      break;
    case Format::Seconds:
      out_ += "<td>" + duration(v);
      break;
    case Format::Status: {
      out_ += "<td class=\"status\">";
      escape(out_, text_of(v));
      const std::string since = kind == RowKind::Frontend ? "" : duration(get("lastchg", kind, c));
      if (!since.empty()) out_ += " <small>" + since + "</small>";
      break;
    }
    case Format::Check: {
      const std::string desc = text_of(get("check_desc", kind, c));
      const std::string detail = text_of(get("last_chk", kind, c));
      out_ += "<td class=\"check\" title=\"";
      escape(out_, desc + (detail.empty() ? "" : ": " + detail));
      out_ += "\">";
      escape(out_, text_of(v));
      const std::string ms = text_of(get("check_duration", kind, c));
      if (!ms.empty()) out_ += " in " + ms + "ms";
      break;
    }
  }
  out_ += "</td>";
}

void PageWriter::row(RowKind kind, const RowContext& c, std::string_view name, bool admin) {
  static constexpr std::string_view kKind[] = {"frontend", "backend", "server"};
  const std::string status = text_of(get("status", kind, c));
  const std::string& proxy = kind == RowKind::Frontend ? c.frontend->name : c.backend->name;
  out_.append("<tr class=\"").append(kKind[static_cast<int>(kind)]).append(" ");
  out_.append(status_class(status)).append("\" data-proxy=\"");
  escape(out_, proxy);
  out_.append("\" data-row=\"");
  escape(out_, name);
  out_ += "\"><td class=\"name\">";
  if (admin && kind == RowKind::Server) {
    out_ += "<input type=\"checkbox\" name=\"s\" form=\"f-";
    escape(out_, proxy);
    out_ += "\" value=\"";
    escape(out_, name);
    out_ += "\"> ";
  }
  escape(out_, name);
  out_ += "</td>";
  for (const Column& col : kColumns)
    cell(col, kind, c);
  out_ += "</tr>\n";
}

void PageWriter::admin_form(const core::Backend& b) {
  out_ += "<form class=\"act\" method=\"post\" id=\"f-";
  escape(out_, b.name);
  out_ += "\" action=\"";
  escape(out_, opt_.base);
  out_ += "\"><input type=\"hidden\" name=\"b\" value=\"";
  escape(out_, b.name);
  out_ += "\"><input type=\"hidden\" name=\"token\" value=\"" + opt_.token + "\">";
  out_ +=
      "<label>Selected servers: <select name=\"action\"><option value=\"ready\">Set state to "
      "READY</option><option value=\"drain\">Set state to DRAIN</option><option "
      "value=\"maint\">Set state to MAINT</option><option value=\"weight\">Set weight "
      "to</option></select></label> <input type=\"number\" name=\"w\" min=\"0\" max=\"256\" "
      "placeholder=\"weight\" style=\"width:5rem\"> <button type=\"submit\">Apply</button></form>";
}

void PageWriter::proxy(int id) {
  const core::Frontend* fe = nullptr;
  const core::Backend* be = nullptr;
  for (const auto& f : engine_.frontends)
    if (f->id == id) fe = f.get();
  for (const auto& b : engine_.backends)
    if (b->id == id) be = b.get();
  if (!fe && !be) return;
  const bool admin = opt_.admin && be && !be->servers.empty();
  out_ += "<section class=\"proxy\" data-proxy=\"";
  escape(out_, fe ? fe->name : be->name);
  out_ += "\"><h2>";
  escape(out_, fe ? fe->name : be->name);
  out_ += "</h2><div class=\"scroll\"><table>";
  header_rows(admin);
  out_ += "<tbody>";
  if (fe) {
    RowContext c = context();
    c.frontend = fe;
    row(RowKind::Frontend, c, "Frontend", false);
  }
  if (be) {
    RowContext c = context();
    c.backend = be;
    for (const auto& s : be->servers) {
      if (hidden(*s)) continue;
      c.server = s.get();
      row(RowKind::Server, c, s->name, admin);
    }
    c.server = nullptr;
    row(RowKind::Backend, c, "Backend", false);
  }
  out_ += "</tbody></table></div>";
  if (admin) admin_form(*be);
  out_ += "</section>\n";
}

void process_block(std::string& out, const core::Engine& engine, const ProcessInfo& process,
                   const PageOptions& opt) {
  out += "<div class=\"info\">";
  static constexpr std::pair<std::string_view, std::string_view> kShown[] = {
      {"Pid", "pid"},
      {"Uptime", "uptime"},
      {"Ulimit-n", "system limits: ulimit-n"},
      {"Maxconn", "maxconn"},
      {"Maxpipes", "maxpipes"},
      {"CurrConns", "current conns"},
      {"PipesUsed", "current pipes"},
      {"ConnRate", "conn rate"},
      {"Tasks", "running tasks"},
      {"Nbthread", "threads"}};
  const auto items = info_items(engine, process);
  for (const auto& [key, label] : kShown)
    for (const InfoItem& i : items)
      if (i.name == key) {
        out.append("<div><span>").append(label).append(":</span> ");
        escape(out, text_of(i.value));
        out += "</div>";
      }
  if (opt.conf->show_node) {
    out += "<div><span>node:</span> ";
    escape(out, opt.conf->show_node->empty() ? process.node : *opt.conf->show_node);
    out += "</div>";
  }
  out += "</div>";
}

void legend(std::string& out) {
  out +=
      "<div class=\"info legend\"><div><span class=\"up\">active UP</span><span "
      "class=\"going-down\">UP, going down</span><span class=\"going-up\">DOWN, going "
      "up</span><span class=\"down\">DOWN</span><span class=\"maint\">MAINT</span><span "
      "class=\"drain\">DRAIN</span><span class=\"nolb\">NOLB</span><span class=\"nocheck\">not "
      "checked</span></div><div>Times: d days, h hours, m minutes, s seconds. LastChk: last "
      "health check result (hover for details).</div></div>";
}

void links(std::string& out, const PageOptions& opt) {
  auto link = [&](std::string_view suffix, std::string_view text) {
    out += "<a href=\"";
    escape(out, opt.base);
    out.append(suffix).append("\">").append(text).append("</a>");
  };
  out += "<p class=\"links\">";
  link(opt.hide_down ? "" : ";up", opt.hide_down ? "Show all servers" : "Hide DOWN servers");
  link(opt.refresh ? ";norefresh" : "", opt.refresh ? "Stop refreshing" : "Refresh now");
  link(";csv", "CSV export");
  link(";json", "JSON export");
  out += "</p>";
}

}  // namespace

std::string render_stats_page(const core::Engine& engine, const ProcessInfo& process,
                              const PageOptions& opt) {
  std::string out;
  out.reserve(size_t{1} << 15);
  out +=
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width,initial-scale=1\"><title>Statistics Report</title><style>";
  out.append(kStyle).append("</style></head><body><h1>Statistics Report");
  if (!opt.conf->hide_version) {
    out += " <small>ferry ";
    escape(out, process.ferry_version);
    out += "</small>";
  }
  out += "</h1>";
  if (!opt.notice.empty()) {
    out += opt.notice_ok ? "<div class=\"notice\">" : "<div class=\"notice err\">";
    escape(out, opt.notice);
    out += "</div>";
  }
  process_block(out, engine, process, opt);
  if (opt.conf->show_legends) legend(out);
  links(out, opt);
  std::set<int> ids;
  for (const auto& f : engine.frontends)
    ids.insert(f->id);
  for (const auto& b : engine.backends)
    ids.insert(b->id);
  PageWriter w(engine, opt, out);
  for (int id : ids)
    w.proxy(id);
  out += "</body></html>\n";
  return out;
}

}  // namespace ferry::stats
