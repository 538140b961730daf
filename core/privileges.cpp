#include "core/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

namespace ferry::core {

namespace {

struct Identity {
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  std::vector<gid_t> groups;  // supplementary
  std::string user_name;      // from the password database, "" if the uid has no entry
};

std::string at(const conf::SourcePos& pos) {
  return pos.file.empty() ? "" : " (" + conf::to_string(pos) + ")";
}

// Reads what the databases say before a chroot hides them.
Identity resolve(const conf::GlobalConf& g) {
  Identity id{g.uid, g.gid, {}, ""};
  if (!g.uid) return id;
  std::vector<char> buf(16384);
  passwd pw{}, *found = nullptr;
  if (::getpwuid_r(*g.uid, &pw, buf.data(), buf.size(), &found) != 0 || !found) return id;
  id.user_name = pw.pw_name;
  if (!id.gid) id.gid = pw.pw_gid;
  int n = 64;
  id.groups.resize(static_cast<size_t>(n));
  if (::getgrouplist(pw.pw_name, *id.gid, id.groups.data(), &n) < 0) {
    id.groups.resize(static_cast<size_t>(n));
    ::getgrouplist(pw.pw_name, *id.gid, id.groups.data(), &n);
  }
  id.groups.resize(static_cast<size_t>(n));
  return id;
}

std::string who(const conf::GlobalConf& g, const Identity& id) {
  if (!g.user.empty()) return "user '" + g.user + "' (uid " + std::to_string(*id.uid) + ")";
  return "uid " + std::to_string(*id.uid);
}

std::string group_text(const conf::GlobalConf& g, gid_t gid) {
  if (!g.group.empty()) return "group '" + g.group + "' (gid " + std::to_string(gid) + ")";
  return "gid " + std::to_string(gid);
}

std::string enter_chroot(const conf::GlobalConf& g) {
  if (g.chroot.empty()) return "";
  if (::chroot(g.chroot.c_str()) != 0 || ::chdir("/") != 0)
    return "cannot chroot to '" + g.chroot + "'" + at(g.chroot_pos) + ": " + std::strerror(errno) +
           (errno == EPERM ? " (start ferry as root, or with CAP_SYS_CHROOT)" : "");
  return "";
}

std::string set_ids(const conf::GlobalConf& g, const Identity& id) {
  // Root's supplementary groups never stay: the user's own, or none.
  if (::setgroups(id.groups.size(), id.groups.data()) != 0)
    return "cannot set the supplementary groups" + at(g.identity_pos) + ": " +
           std::strerror(errno) + (errno == EPERM ? " (start ferry as root)" : "");
  if (id.gid) {
    if (::setgid(*id.gid) != 0)
      return "cannot switch to " + group_text(g, *id.gid) + at(g.identity_pos) + ": " +
             std::strerror(errno) + (errno == EPERM ? " (start ferry as root)" : "");
  }
  if (id.uid && ::setuid(*id.uid) != 0)
    return "cannot switch to " + who(g, id) + at(g.identity_pos) + ": " + std::strerror(errno) +
           (errno == EPERM ? " (start ferry as root)" : "");
  return "";
}

bool already(const Identity& id) {
  return (!id.uid || *id.uid == ::getuid()) && (!id.gid || *id.gid == ::getgid()) &&
         ::geteuid() != 0;
}

}  // namespace

std::string drop_privileges(const conf::Config& config) {
  const conf::GlobalConf& g = config.global;
  Identity id = resolve(g);
  if (std::string err = enter_chroot(g); !err.empty()) return err;
  if (!id.uid && !id.gid) return "";
  if (already(id)) return "";
  if (std::string err = set_ids(g, id); !err.empty()) return err;
  if (id.uid && *id.uid != 0 && ::setuid(0) == 0)
    return "switching to " + who(g, id) + " did not drop root; refusing to go on";
  return "";
}

}  // namespace ferry::core
