// Leaving root once everything that needs it is open: `chroot`, then the groups and the user of
// the global section (`user`/`group`/`uid`/`gid`). Start-up only.
#pragma once

#include <string>

#include "conf/model.hpp"

namespace ferry::core {

// Applies, in this order (HAProxy's): `chroot DIR` (then the working directory is its root),
// the supplementary groups (the user's groups from the group database, read before the chroot;
// none with only `group`/`gid`), the group, the user. The group defaults to the user's primary
// group. Call it after every socket is bound and every file opened, before any thread starts.
// Nothing configured, or already running as the configured ids: nothing to do. Returns "" or a
// message saying what failed and how to fix it; the process must not go on serving then.
std::string drop_privileges(const conf::Config& config);

}  // namespace ferry::core
