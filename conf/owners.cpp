// user/group names into uid/gid (see validate.hpp), with the reentrant libc lookups.
#include <grp.h>
#include <pwd.h>

#include <optional>
#include <vector>

#include "conf/owners.hpp"
#include "conf/validate.hpp"

namespace ferry::conf {

std::optional<uid_t> lookup_user(const std::string& name) {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found)
    return std::nullopt;
  return found->pw_uid;
}

std::optional<gid_t> lookup_group(const std::string& name) {
  std::vector<char> buf(16384);
  group gr{};
  group* found = nullptr;
  if (getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) != 0 || !found)
    return std::nullopt;
  return found->gr_gid;
}

std::string unknown_user_message(const std::string& name) {
  return "unknown user '" + name + "' (not in the password database); use an existing user " +
         "name or a numeric 'uid'";
}

std::string unknown_group_message(const std::string& name) {
  return "unknown group '" + name + "' (not in the group database); use an existing group " +
         "name or a numeric 'gid'";
}

namespace {

void error(std::vector<Diagnostic>& diags, const SourcePos& pos, const std::string& message) {
  diags.push_back({Diagnostic::Severity::Error, pos, message});
}

void resolve_bind(BindConf& b, const ProxyConf* owner, std::vector<Diagnostic>& diags) {
  UnixPerms& p = b.perms;
  if (!p.user.empty() && !(p.uid = lookup_user(p.user)))
    error(diags, b.pos, describe_bind(b, owner) + ": " + unknown_user_message(p.user));
  if (!p.group.empty() && !(p.gid = lookup_group(p.group)))
    error(diags, b.pos, describe_bind(b, owner) + ": " + unknown_group_message(p.group));
}

}  // namespace

void resolve_owners(Config& config, std::vector<Diagnostic>& diags) {
  for (auto& s : config.global.stats_sockets)
    resolve_bind(s, nullptr, diags);
  for (auto& p : config.proxies)
    for (auto& b : p.binds)
      resolve_bind(b, &p, diags);
}

}  // namespace ferry::conf
