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

constexpr Keyword kTable[] = {
    {.name = "acl",
     .sections = kF | kB | kL,
     .handler = acl,
     .usage = "acl <name> <criterion> [flags] [values...]",
     .min_args = 2,
     .max_args = -1,
     .misplaced = Misplaced::Error},
};

}  // namespace

std::span<const Keyword> acl_keywords() {
  return kTable;
}

}  // namespace ferry::conf
