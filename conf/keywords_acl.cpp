// `acl` lines and the rules that take conditions (conf/acl.hpp has the syntax).
#include "conf/keyword_table.hpp"

namespace ferry::conf {

namespace {

constexpr unsigned kF = kFrontend, kB = kBackend, kL = kListen;

bool never_matches(const AclTerm& t) {
  const bool has_values =
      !t.strings.empty() || !t.ints.empty() || !t.networks.empty() || !t.regexes.empty();
  return !has_values && t.match != AclMatch::Found && t.match != AclMatch::Bool;
}

// acl <name> <criterion> [flags] [values...]: a line with a known name ORs into it.
void acl(ParseContext& ctx, const Call& call) {
  const std::string& name = call.args[0];
  if (auto err = check_acl_name(name)) return fail(ctx, call, *err);
  AclTerm term;
  if (auto err = parse_acl_term(call.args.subspan(1), call.pos(), term))
    return fail(ctx, call, "ACL '" + name + "': " + *err);
  if (never_matches(term))
    warn(ctx, call,
         "ACL '" + name + "': no value to compare '" + call.args[1] +
             "' with, so it never matches; add values or '-m found'");
  auto& acls = ctx.proxy().acls;
  for (auto& a : acls) {
    if (a.name != name) continue;
    a.terms->push_back(std::move(term));
    return;
  }
  acls.push_back(Acl{call.pos(), name, std::make_shared<std::vector<AclTerm>>()});
  acls.back().terms->push_back(std::move(term));
}

// use_backend <backend> [if|unless <condition>]
void use_backend(ParseContext& ctx, const Call& call) {
  UseBackendRule rule;
  rule.pos = call.pos();
  rule.backend = call.args[0];
  if (rule.backend.find("%[") != std::string::npos)
    return fail(ctx, call,
                "a backend name computed from a log-format expression ('" + rule.backend +
                    "') is not supported by ferry; write one 'use_backend <name> if <condition>' "
                    "line per backend");
  if (call.args.size() > 1 && !condition_arg(ctx, call, 1, rule.cond)) return;
  ctx.proxy().use_backends.push_back(std::move(rule));
}

// tcp-request connection accept|reject [if|unless <condition>]
void tcp_request(ParseContext& ctx, const Call& call) {
  const std::string usage = "use 'tcp-request connection accept|reject [if|unless <condition>]'";
  if (call.args[0] != "connection")
    return fail(ctx, call,
                "'tcp-request " + call.args[0] + "' is not supported by ferry; " + usage);
  if (call.args.size() < 2) return fail(ctx, call, "missing action; " + usage);
  const std::string& action = call.args[1];
  if (action != "accept" && action != "reject")
    return fail(
        ctx, call,
        "the action 'tcp-request connection " + action + "' is not supported by ferry; " + usage);
  TcpConnectionRule rule;
  rule.pos = call.pos();
  rule.accept = action == "accept";
  if (call.args.size() > 2 && !condition_arg(ctx, call, 2, rule.cond)) return;
  if (const AclTerm* t = rule.cond.first_request_term())
    return fail(ctx, call,
                "'tcp-request connection' runs before any HTTP request is read, but its "
                "condition reads one ('" +
                    t->text + "'); use 'src', 'dst', their ports or 'nbsrv'");
  ctx.proxy().tcp_connection_rules.push_back(std::move(rule));
}

constexpr Keyword kTable[] = {
    {.name = "acl",
     .sections = kF | kB | kL,
     .handler = acl,
     .usage = "acl <name> <criterion> [flags] [values...]",
     .min_args = 2,
     .max_args = -1,
     .misplaced = Misplaced::Error},
    {.name = "tcp-request",
     .sections = kF | kL,
     .handler = tcp_request,
     .usage = "tcp-request connection accept|reject [if|unless <condition>]",
     .min_args = 1,
     .max_args = -1,
     .misplaced = Misplaced::Error},
    {.name = "use_backend",
     .sections = kF | kL,
     .handler = use_backend,
     .usage = "use_backend <backend> [if|unless <condition>]",
     .min_args = 1,
     .max_args = -1,
     .misplaced = Misplaced::Error},
};

}  // namespace

std::span<const Keyword> acl_keywords() {
  return kTable;
}

}  // namespace ferry::conf
