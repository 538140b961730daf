// `bind <address>[,<address>...] [options]` (frontend, listen) and
// `stats socket <address> [options]` (global). UNIX sockets take ownership and permission
// options; on a bind with no UNIX address they are ignored with a warning (HAProxy ignores them
// silently; ferry says so, and does not fail, so HAProxy configs keep loading).
#include <arpa/inet.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <optional>

#include "conf/address.hpp"
#include "conf/did_you_mean.hpp"
#include "conf/keyword_table.hpp"
#include "conf/line_options.hpp"
#include "conf/number.hpp"
#include "conf/owners.hpp"

namespace ferry::conf {

namespace {

struct BindCtx {
  ParseContext& ctx;
  BindConf& bind;
  const std::string& label;
  const SourcePos& pos;
  std::string_view name;
  std::span<const std::string> more = {};  // the values after the first (`grant`, `deny`)

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
  int values = 1;  // words after the option's name
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

std::optional<Level> level_named(const std::string& arg) {
  if (arg == "user") return Level::User;
  if (arg == "operator") return Level::Operator;
  if (arg == "admin") return Level::Admin;
  return std::nullopt;
}

bool parse_level(BindCtx& b, const std::string& arg) {
  auto level = level_named(arg);
  if (!level) return b.fail("'level' expects 'user', 'operator' or 'admin' (got '" + arg + "')");
  b.bind.level = *level;
  return true;
}

bool tls_verify(BindCtx& b, const std::string& arg) {
  if (arg == "none")
    b.bind.tls.verify = Verify::None;
  else if (arg == "optional")
    b.bind.tls.verify = Verify::Optional;
  else if (arg == "required")
    b.bind.tls.verify = Verify::Required;
  else
    return b.fail("'verify' expects 'none', 'optional' or 'required' (got '" + arg + "')");
  return true;
}

bool tls_min_version(BindCtx& b, const std::string& arg) {
  if (arg != "TLSv1.2" && arg != "TLSv1.3")
    return b.fail("'ssl-min-ver' expects 'TLSv1.2' or 'TLSv1.3' (got '" + arg +
                  "'); older versions are not offered");
  b.bind.tls.min_version = arg;
  return true;
}

// An address or a network in CIDR notation, IPv4 stored v4-mapped.
bool parse_network(const std::string& text, ClientRule& rule) {
  const size_t slash = text.find('/');
  const std::string host = text.substr(0, slash);
  const bool v4 = host.find(':') == std::string::npos;
  int bits = v4 ? 32 : 128;
  if (slash != std::string::npos) {
    const std::string len = text.substr(slash + 1);
    if (len.empty() || len.size() > 3 || len.find_first_not_of("0123456789") != std::string::npos)
      return false;
    bits = std::stoi(len);
    if (bits > (v4 ? 32 : 128)) return false;
  }
  if (v4) {
    in_addr a{};
    if (::inet_pton(AF_INET, host.c_str(), &a) != 1) return false;
    rule.net[10] = rule.net[11] = 0xff;
    std::memcpy(&rule.net[12], &a, 4);
    rule.prefix = 96 + bits;
  } else {
    if (::inet_pton(AF_INET6, host.c_str(), rule.net.data()) != 1) return false;
    rule.prefix = bits;
  }
  return true;
}

// `grant <level> <who> <value>` / `deny <who> <value>`.
bool client_rule(BindCtx& b, const std::string& first) {
  ClientRule rule;
  rule.deny = b.name == "deny";
  const std::string& who = rule.deny ? first : b.more[0];
  const std::string& value = b.more.back();
  const std::string form = rule.deny ? "'deny src|cn|uid|user|gid|group <value>'"
                                     : "'grant <level> src|cn|uid|user|gid|group <value>'";
  if (!rule.deny) {
    auto level = level_named(first);
    if (!level)
      return b.fail("'grant' expects a level, 'user', 'operator' or 'admin' (got '" + first +
                    "'): " + form);
    rule.level = *level;
  }
  rule.text = value;
  if (who == "src") {
    rule.who = ClientRule::Who::Src;
    if (!parse_network(value, rule))
      return b.fail("'" + value + "' is not an address or a network such as 10.0.0.0/8 or " +
                    "fd00::/8: " + form);
  } else if (who == "cn") {
    rule.who = ClientRule::Who::Cn;
  } else if (who == "uid" || who == "gid") {
    rule.who = who == "uid" ? ClientRule::Who::Uid : ClientRule::Who::Gid;
    int id = 0;
    if (!parse_integer(value) || !b.int_value(value, 0, id))
      return b.fail("'" + who + "' expects a number (got '" + value + "'); use '" +
                    (who == "uid" ? "user " : "group ") + value + "' for a name");
    rule.id = static_cast<uint32_t>(id);
  } else if (who == "user" || who == "group") {
    rule.who = who == "user" ? ClientRule::Who::Uid : ClientRule::Who::Gid;
    const auto id = who == "user" ? lookup_user(value) : lookup_group(value);
    if (!id)
      return b.fail(who == "user" ? unknown_user_message(value) : unknown_group_message(value));
    rule.id = *id;
  } else {
    return b.fail("'" + who + "' is not a kind of client: " + form);
  }
  b.bind.clients.push_back(std::move(rule));
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
    {.name = "grant", .apply = client_rule, .stats_only = true, .values = 3},
    {.name = "deny", .apply = client_rule, .stats_only = true, .values = 2},
    {.name = "no-audit",
     .apply = [](BindCtx& b, const std::string&) { return b.bind.audit = false, true; },
     .stats_only = true,
     .values = 0},
    {.name = "ssl",
     .apply = [](BindCtx& b, const std::string&) { return b.bind.tls.enabled = true, true; },
     .note = "ferry speaks TLS on a TCP 'stats socket' only; terminate TLS in front of ferry",
     .stats_only = true,
     .values = 0},
    {.name = "crt",
     .apply = [](BindCtx& b, const std::string& a) { return b.bind.tls.crt = a, true; },
     .note = "ferry speaks TLS on a TCP 'stats socket' only; terminate TLS in front of ferry",
     .stats_only = true},
    {.name = "ca-file",
     .apply = [](BindCtx& b, const std::string& a) { return b.bind.tls.ca_file = a, true; },
     .stats_only = true},
    {.name = "verify", .apply = tls_verify, .stats_only = true},
    {.name = "ciphers",
     .apply = [](BindCtx& b, const std::string& a) { return b.bind.tls.ciphers = a, true; },
     .stats_only = true},
    {.name = "ssl-min-ver", .apply = tls_min_version, .stats_only = true},
    {.name = "alpn", .note = "TLS is not supported; terminate TLS in front of ferry"},
    {.name = "accept-proxy",
     .apply = [](BindCtx& b, const std::string&) { return b.bind.accept_proxy = true, true; },
     .frontend_only = true,
     .values = 0},
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
    if (opt && opt->stats_only && !stats_socket && !opt->note.empty())
      return ctx.error(pos, label + ": '" + words[i] + "' is not supported on a bind; " +
                                std::string(opt->note));
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
    const auto values = static_cast<size_t>(opt->values);
    if (i + values >= words.size())
      return ctx.error(
          pos, label + ": '" + words[i] + "' expects " +
                   (values == 1 ? std::string("a value") : std::to_string(values) + " values"));
    BindCtx b{ctx, bind, label, pos, opt->name};
    if (values > 1) b.more = words.subspan(i + 2, values - 1);
    opt->apply(b, values ? words[i + 1] : std::string());
    i += values;
  }
}

namespace {

// The TLS and client options of a `stats socket` line, checked together once it is complete.
void finish_stats_options(ParseContext& ctx, const BindConf& bind, const std::string& label) {
  bool unix_socket = false;
  for (const auto& a : bind.addrs)
    unix_socket = unix_socket || a.kind != AddressKind::Inet;
  auto fail = [&](const std::string& m) { ctx.error(bind.pos, label + ": " + m); };
  const TlsConf& t = bind.tls;
  if (t.enabled && unix_socket)
    fail(
        "'ssl' needs a TCP address (ipv4@ or ipv6@); a UNIX socket is protected by its file "
        "permissions and 'grant ... user|group'");
  if (!t.enabled && (!t.crt.empty() || !t.ca_file.empty() || t.verify != Verify::None))
    fail("'crt', 'ca-file' and 'verify' need 'ssl' on the same line");
  if (t.enabled && t.crt.empty())
    fail("'ssl' needs 'crt <file>', a PEM file with the certificate then its private key");
  if (t.verify != Verify::None && t.ca_file.empty())
    fail(
        "'verify optional|required' needs 'ca-file <file>', the CAs that sign client "
        "certificates");
  for (const std::string* file : {&t.crt, &t.ca_file})
    if (!file->empty() && ::access(file->c_str(), R_OK) != 0)
      fail("cannot read '" + *file + "': " + std::strerror(errno));
  for (const auto& r : bind.clients) {
    if (r.who == ClientRule::Who::Src && unix_socket)
      fail("'src " + r.text + "' never matches on a UNIX socket; use 'uid', 'user', 'gid' or " +
           "'group'");
    if ((r.who == ClientRule::Who::Uid || r.who == ClientRule::Who::Gid) && !unix_socket)
      fail("peer credentials ('" + r.text + "') exist on UNIX sockets only; use 'src' or 'cn'");
    if (r.who == ClientRule::Who::Cn && t.verify == Verify::None)
      fail("'cn " + r.text + "' needs client certificates: 'ssl ... ca-file <file> verify " +
           "required' (or optional)");
  }
}

}  // namespace

void finish_bind(ParseContext& ctx, const BindConf& bind, const std::string& label) {
  finish_stats_options(ctx, bind, label);
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
