// `bind <address>[,<address>...] [options]` (frontend, listen) and
// `stats socket <address> [options]` (global). UNIX sockets take ownership and permission
// options; on a bind with no UNIX address they are ignored with a warning (HAProxy ignores them
// silently; ferry says so, and does not fail, so HAProxy configs keep loading).
#include <climits>

#include "conf/address.hpp"
#include "conf/did_you_mean.hpp"
#include "conf/keyword_table.hpp"
#include "conf/line_options.hpp"
#include "conf/number.hpp"

namespace ferry::conf {

namespace {

struct BindCtx {
  ParseContext& ctx;
  BindConf& bind;
  const std::string& label;
  const SourcePos& pos;
  std::string_view name;

  bool fail(const std::string& message) {
    ctx.error(pos, label + ": " + message);
    return false;
  }
  bool int_value(const std::string& arg, long long min, int& out) {
    if (auto err = parse_int(arg, name, min, INT_MAX, out)) return fail(*err);
    return true;
  }
};

using BindApply = bool (*)(BindCtx& b, const std::string& arg);

struct BindOption {
  std::string_view name;
  BindApply apply = nullptr;  // nullptr: not supported; `note` says what to do
  std::string_view note = {};
  bool stats_only = false;
  bool frontend_only = false;
};

bool parse_mode(BindCtx& b, const std::string& arg) {
  unsigned value = 0;
  bool ok = !arg.empty() && arg.size() <= 5;
  for (char c : arg) {
    ok = ok && c >= '0' && c <= '7';
    value = value * 8 + static_cast<unsigned>(c - '0');
  }
  if (!ok || value > 07777)
    return b.fail("'mode' expects an octal permission such as 660 or 0600 (got '" + arg + "')");
  b.bind.perms.mode = static_cast<mode_t>(value);
  return true;
}

bool parse_uid(BindCtx& b, const std::string& arg) {
  int v = 0;
  if (!parse_integer(arg))
    return b.fail("'uid' expects a numeric user id (got '" + arg + "'); use 'user " + arg +
                  "' for a user name");
  if (!b.int_value(arg, 0, v)) return false;
  b.bind.perms.uid = static_cast<uid_t>(v);
  return true;
}

bool parse_gid(BindCtx& b, const std::string& arg) {
  int v = 0;
  if (!parse_integer(arg))
    return b.fail("'gid' expects a numeric group id (got '" + arg + "'); use 'group " + arg +
                  "' for a group name");
  if (!b.int_value(arg, 0, v)) return false;
  b.bind.perms.gid = static_cast<gid_t>(v);
  return true;
}

bool parse_level(BindCtx& b, const std::string& arg) {
  if (arg == "user")
    b.bind.level = Level::User;
  else if (arg == "operator")
    b.bind.level = Level::Operator;
  else if (arg == "admin")
    b.bind.level = Level::Admin;
  else
    return b.fail("'level' expects 'user', 'operator' or 'admin' (got '" + arg + "')");
  return true;
}

bool expose_fd(BindCtx& b, const std::string& arg) {
  if (arg != "listeners") return b.fail("'expose-fd' expects 'listeners' (got '" + arg + "')");
  b.bind.expose_fd_listeners = true;
  return true;
}

const BindOption kOptions[] = {
    {.name = "name",
     .apply = [](BindCtx& b, const std::string& a) { return b.bind.name = a, true; }},
    {.name = "backlog",
     .apply = [](BindCtx& b, const std::string& a) { return b.int_value(a, 1, b.bind.backlog); }},
    {.name = "maxconn",
     .apply = [](BindCtx& b, const std::string& a) { return b.int_value(a, 0, b.bind.maxconn); }},
    {.name = "mode", .apply = parse_mode},
    {.name = "uid", .apply = parse_uid},
    {.name = "gid", .apply = parse_gid},
    {.name = "user",
     .apply = [](BindCtx& b, const std::string& a) { return b.bind.perms.user = a, true; }},
    {.name = "group",
     .apply = [](BindCtx& b, const std::string& a) { return b.bind.perms.group = a, true; }},
    {.name = "level", .apply = parse_level, .stats_only = true},
    {.name = "expose-fd", .apply = expose_fd, .stats_only = true},
    {.name = "ssl", .note = "TLS is not supported; terminate TLS in front of ferry"},
    {.name = "crt", .note = "TLS is not supported; terminate TLS in front of ferry"},
    {.name = "alpn", .note = "TLS is not supported; terminate TLS in front of ferry"},
    {.name = "accept-proxy",
     .apply = [](BindCtx& b, const std::string&) { return b.bind.accept_proxy = true, true; },
     .frontend_only = true},
    {.name = "v4v6", .note = "bind an IPv6 address and an IPv4 address separately"},
    {.name = "v6only", .note = "bind an IPv6 address and an IPv4 address separately"},
    {.name = "transparent", .note = "remove the option"},
    {.name = "interface", .note = "bind the interface's address instead"},
    {.name = "defer-accept", .note = "remove the option"},
    {.name = "tfo", .note = "remove the option"},
    {.name = "process", .note = "remove the option (ferry has a single process)"},
    {.name = "thread", .note = "remove the option"},
    {.name = "id", .note = "remove the option"},
};

// Options that take no value; every other one takes exactly one.
bool takes_no_value(std::string_view name) {
  return name == "ssl" || name == "accept-proxy" || name == "v4v6" || name == "v6only" ||
         name == "transparent" || name == "defer-accept" || name == "tfo";
}

const BindOption* find_option(std::string_view name) {
  for (const auto& o : kOptions)
    if (o.name == name) return &o;
  return nullptr;
}

std::vector<std::string_view> option_names(bool stats_socket) {
  std::vector<std::string_view> out;
  for (const auto& o : kOptions)
    if (o.apply && (stats_socket || !o.stats_only)) out.push_back(o.name);
  return out;
}

void bind_line(ParseContext& ctx, const Call& call, bool stats_socket) {
  BindConf bind;
  bind.pos = call.pos();
  const std::string label = bind_label(ctx, call.args[0], stats_socket);
  // The address is in the message already: name only the line's kind and section.
  if (auto err = parse_address_list(call.args[0], bind.addrs))
    ctx.error(call.pos(), (stats_socket ? "stats socket" : "bind in " + ctx.where()) + ": " + *err);
  for (const auto& a : bind.addrs)
    if (stats_socket && a.kind == AddressKind::Fd)
      ctx.error(call.pos(), "stats socket: '" + a.text + "' is not supported for the stats " +
                                "socket; give it a path (e.g. /run/ferry/admin.sock)");
  apply_bind_options(ctx, bind, label, call.args.subspan(1), call.pos(), stats_socket);
  finish_bind(ctx, bind, label);
  auto& list = stats_socket ? ctx.config().global.stats_sockets : ctx.proxy().binds;
  list.push_back(std::move(bind));
}

void bind(ParseContext& ctx, const Call& call) {
  bind_line(ctx, call, false);
}
void stats_socket(ParseContext& ctx, const Call& call) {
  bind_line(ctx, call, true);
}

constexpr Keyword kTable[] = {
    {.name = "bind",
     .sections = kFrontend | kListen,
     .handler = bind,
     .usage = "bind <address>[,<address>...] [options]",
     .min_args = 1,
     .max_args = -1,
     .misplaced = Misplaced::Error},
    {.name = "stats socket",
     .sections = kGlobal,
     .handler = stats_socket,
     .usage = "stats socket <address> [level user|operator|admin] [mode <octal>] [user <name>]",
     .min_args = 1,
     .max_args = -1},
};

}  // namespace

std::string bind_label(ParseContext& ctx, const std::string& address_text, bool stats_socket) {
  if (stats_socket) return "stats socket '" + address_text + "'";
  return "bind '" + address_text + "' in " + ctx.where();
}

void apply_bind_options(ParseContext& ctx, BindConf& bind, const std::string& label,
                        std::span<const std::string> words, const SourcePos& pos,
                        bool stats_socket) {
  const std::string line = (stats_socket ? "stats socket line '" : "bind line '") +
                           (bind.addrs.empty() ? std::string() : bind.addrs[0].text) + "'";
  for (size_t i = 0; i < words.size(); ++i) {
    const BindOption* opt = find_option(words[i]);
    if (!opt || (opt->stats_only && !stats_socket)) {
      const std::string hint = opt ? " ('" + words[i] + "' is only for 'stats socket')"
                                   : did_you_mean(words[i], option_names(stats_socket));
      return ctx.error(pos, "unknown keyword '" + words[i] + "' on " + line + hint);
    }
    if (!opt->apply)
      return ctx.error(
          pos, label + ": '" + words[i] + "' is not supported by ferry; " + std::string(opt->note));
    if (opt->frontend_only && stats_socket)
      return ctx.error(
          pos, label + ": '" + words[i] + "' is not supported on a stats socket; " + "remove it");
    BindCtx b{ctx, bind, label, pos, opt->name};
    if (takes_no_value(opt->name)) {
      opt->apply(b, std::string());
      continue;
    }
    if (i + 1 >= words.size())
      return ctx.error(pos, label + ": '" + words[i] + "' expects a value");
    opt->apply(b, words[++i]);
  }
}

void finish_bind(ParseContext& ctx, const BindConf& bind, const std::string& label) {
  for (const auto& a : bind.addrs)
    if (a.kind == AddressKind::Unix) return;
  const UnixPerms& p = bind.perms;
  std::string given;
  int count = 0;
  auto add = [&](bool set, const char* name) {
    if (set) given += std::string(count++ ? ", '" : "'") + name + "'";
  };
  add(p.mode.has_value(), "mode");
  add(p.uid.has_value(), "uid");
  add(p.gid.has_value(), "gid");
  add(!p.user.empty(), "user");
  add(!p.group.empty(), "group");
  if (!given.empty() && !bind.addrs.empty())
    ctx.warning(bind.pos, label + ": " + given + (count > 1 ? " only apply" : " only applies") +
                              " to UNIX socket files and " + (count > 1 ? "are" : "is") +
                              " ignored on this address");
}

std::span<const Keyword> bind_keywords() {
  return kTable;
}

}  // namespace ferry::conf
