// Health-check probe keywords, stored in ProxyConf::probe for healthcheck/:
//   option tcp-check | option httpchk [[<method>] <uri> [<version>]] | option redis-check
//   tcp-check connect | send <string> | send-binary <hex> | expect [!] string|rstring|binary <p>
//   http-check send [meth <m>] [uri <u>] [ver <v>] [hdr <name> <value>]...
//   http-check expect [!] status|rstatus|string <pattern>
// Regular expressions (rstring, rstatus) are checked here with std::regex (ECMAScript syntax).
#include <regex>

#include "conf/keyword_table.hpp"

namespace ferry::conf {

namespace {

constexpr unsigned kCheckSections = kDefaults | kBackend | kListen;
using Kind = HealthProbeConf::Kind;
using Step = TcpCheckStep::Kind;

bool valid_regex(ParseContext& ctx, const Call& call, const std::string& re) {
  try {
    std::regex compiled(re, std::regex::ECMAScript);
    return true;
  } catch (const std::regex_error& e) {
    fail(ctx, call,
         "invalid regular expression '" + re + "' in '" + std::string(call.keyword) +
             "': " + e.what());
    return false;
  }
}

bool valid_hex(ParseContext& ctx, const Call& call, const std::string& hex) {
  bool ok = !hex.empty() && hex.size() % 2 == 0;
  for (char c : hex)
    ok = ok && std::isxdigit(static_cast<unsigned char>(c));
  if (!ok)
    fail(ctx, call,
         "'" + std::string(call.keyword) + "' expects an even number of hexadecimal " +
             "digits (got '" + hex + "')");
  return ok;
}

void option_tcp_check(ParseContext& ctx, const Call&) {
  ctx.proxy().probe.kind = Kind::TcpCheck;
}
void option_redis_check(ParseContext& ctx, const Call&) {
  ctx.proxy().probe.kind = Kind::RedisCheck;
}

// `option httpchk` [<uri>] | [<method> <uri>] | [<method> <uri> <version>]
void option_httpchk(ParseContext& ctx, const Call& call) {
  HealthProbeConf& p = ctx.proxy().probe;
  p.kind = Kind::HttpCheck;
  const auto& a = call.args;
  if (a.size() == 1) p.http_uri = a[0];
  if (a.size() >= 2) p.http_method = a[0], p.http_uri = a[1];
  if (a.size() == 3) p.http_version = a[2];
}

void add_step(ParseContext& ctx, const Call& call, Step kind, std::string arg, bool negate) {
  auto& steps = ctx.proxy().probe.tcp_steps;
  if (ctx.take_inherited_tcp_steps()) steps.clear();  // local rules replace the defaults' ones
  steps.push_back({call.pos(), kind, std::move(arg), negate});
}

void tcp_connect(ParseContext& ctx, const Call& call) {
  if (!call.args.empty())
    return fail(ctx, call,
                "options of 'tcp-check connect' are not supported by ferry (got '" + call.args[0] +
                    "'); the check connects to the server's address");
  add_step(ctx, call, Step::Connect, {}, false);
}

void tcp_send(ParseContext& ctx, const Call& call) {
  add_step(ctx, call, Step::Send, call.args[0], false);
}

void tcp_send_binary(ParseContext& ctx, const Call& call) {
  if (valid_hex(ctx, call, call.args[0]))
    add_step(ctx, call, Step::SendBinary, call.args[0], false);
}

// Splits `[!] <kind> <pattern>`; false (error reported) on a wrong shape.
bool expect_parts(ParseContext& ctx, const Call& call, bool& negate, std::string& kind,
                  std::string& pattern) {
  size_t i = 0;
  negate = call.args[0] == "!";
  if (negate) ++i;
  if (call.args.size() != i + 2) {
    fail(ctx, call, "'" + std::string(call.keyword) + "' expects [!] <match> <pattern>");
    return false;
  }
  kind = call.args[i];
  pattern = call.args[i + 1];
  return true;
}

void tcp_expect(ParseContext& ctx, const Call& call) {
  bool negate = false;
  std::string kind, pattern;
  if (!expect_parts(ctx, call, negate, kind, pattern)) return;
  if (kind == "string") return add_step(ctx, call, Step::ExpectString, pattern, negate);
  if (kind == "rstring") {
    if (valid_regex(ctx, call, pattern)) add_step(ctx, call, Step::ExpectRstring, pattern, negate);
    return;
  }
  if (kind == "binary") {
    if (valid_hex(ctx, call, pattern)) add_step(ctx, call, Step::ExpectBinary, pattern, negate);
    return;
  }
  fail(ctx, call,
       "'tcp-check expect' supports 'string', 'rstring' and 'binary' (got '" + kind + "')");
}

void http_expect(ParseContext& ctx, const Call& call) {
  bool negate = false;
  std::string kind, pattern;
  if (!expect_parts(ctx, call, negate, kind, pattern)) return;
  if (kind != "status" && kind != "rstatus" && kind != "string")
    return fail(
        ctx, call,
        "'http-check expect' supports 'status', 'rstatus' and 'string' (got '" + kind + "')");
  if (kind == "rstatus" && !valid_regex(ctx, call, pattern)) return;
  HealthProbeConf& p = ctx.proxy().probe;
  p.http_expect_kind = kind;
  p.http_expect_arg = pattern;
  p.http_expect_negate = negate;
}

void http_send(ParseContext& ctx, const Call& call) {
  HealthProbeConf& p = ctx.proxy().probe;
  const auto& a = call.args;
  p.http_headers.clear();
  for (size_t i = 0; i < a.size(); i += 2) {
    const std::string& word = a[i];
    const bool hdr = word == "hdr";
    if (i + 1 >= a.size() || (hdr && i + 2 >= a.size()))
      return fail(ctx, call, "'http-check send " + word + "' expects a value");
    if (word == "meth")
      p.http_method = a[i + 1];
    else if (word == "uri")
      p.http_uri = a[i + 1];
    else if (word == "ver")
      p.http_version = a[i + 1];
    else if (hdr)
      p.http_headers.emplace_back(a[i + 1], a[i + 2]), ++i;
    else
      return fail(ctx, call,
                  "'http-check send' supports 'meth', 'uri', 'ver' and 'hdr' (got '" + word + "')");
  }
}

constexpr std::string_view kOtherCheck =
    "use 'option tcp-check', 'option httpchk' or 'option redis-check'";
constexpr std::string_view kNoRule = "remove the rule";

constexpr Keyword kTable[] = {
    {.name = "option tcp-check",
     .sections = kCheckSections,
     .handler = option_tcp_check,
     .usage = "option tcp-check"},
    {.name = "option httpchk",
     .sections = kCheckSections,
     .handler = option_httpchk,
     .usage = "option httpchk [[<method>] <uri> [<version>]]",
     .max_args = 3},
    {.name = "option redis-check",
     .sections = kCheckSections,
     .handler = option_redis_check,
     .usage = "option redis-check"},
    {.name = "tcp-check connect",
     .sections = kCheckSections,
     .handler = tcp_connect,
     .usage = "tcp-check connect",
     .max_args = -1},
    {.name = "tcp-check send",
     .sections = kCheckSections,
     .handler = tcp_send,
     .usage = "tcp-check send <string>",
     .min_args = 1,
     .max_args = 1},
    {.name = "tcp-check send-binary",
     .sections = kCheckSections,
     .handler = tcp_send_binary,
     .usage = "tcp-check send-binary <hex>",
     .min_args = 1,
     .max_args = 1},
    {.name = "tcp-check expect",
     .sections = kCheckSections,
     .handler = tcp_expect,
     .usage = "tcp-check expect [!] string|rstring|binary <pattern>",
     .min_args = 2,
     .max_args = 3},
    {.name = "http-check expect",
     .sections = kCheckSections,
     .handler = http_expect,
     .usage = "http-check expect [!] status|rstatus|string <pattern>",
     .min_args = 2,
     .max_args = 3},
    {.name = "http-check send",
     .sections = kCheckSections,
     .handler = http_send,
     .usage = "http-check send [meth <method>] [uri <uri>] [ver <version>] [hdr <name> <value>]",
     .max_args = -1},
    {.name = "tcp-check comment", .sections = kCheckSections, .usage = kNoRule},
    {.name = "tcp-check send-lf", .sections = kCheckSections, .usage = "use 'tcp-check send'"},
    {.name = "tcp-check send-binary-lf",
     .sections = kCheckSections,
     .usage = "use 'tcp-check send-binary'"},
    {.name = "tcp-check set-var", .sections = kCheckSections, .usage = kNoRule},
    {.name = "tcp-check unset-var", .sections = kCheckSections, .usage = kNoRule},
    {.name = "http-check comment", .sections = kCheckSections, .usage = kNoRule},
    {.name = "http-check connect", .sections = kCheckSections, .usage = kNoRule},
    {.name = "http-check disable-on-404", .sections = kCheckSections, .usage = kNoRule},
    {.name = "http-check send-state", .sections = kCheckSections, .usage = kNoRule},
    {.name = "http-check set-var", .sections = kCheckSections, .usage = kNoRule},
    {.name = "http-check unset-var", .sections = kCheckSections, .usage = kNoRule},
    {.name = "option ssl-hello-chk", .sections = kCheckSections, .usage = kOtherCheck},
    {.name = "option mysql-check", .sections = kCheckSections, .usage = kOtherCheck},
    {.name = "option pgsql-check", .sections = kCheckSections, .usage = kOtherCheck},
    {.name = "option smtpchk", .sections = kCheckSections, .usage = kOtherCheck},
    {.name = "option ldap-check", .sections = kCheckSections, .usage = kOtherCheck},
    {.name = "option spop-check", .sections = kCheckSections, .usage = kOtherCheck},
    {.name = "option external-check", .sections = kCheckSections, .usage = kOtherCheck},
};

}  // namespace

std::span<const Keyword> check_keywords() {
  return kTable;
}

}  // namespace ferry::conf
