// User and group names looked up in the system databases (getpwnam_r/getgrnam_r).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace ferry::conf {

std::optional<uid_t> lookup_user(const std::string& name);
std::optional<gid_t> lookup_group(const std::string& name);

// "unknown user 'x' (not in the password database); use an existing user name or a numeric
// 'uid'" and the same for groups.
std::string unknown_user_message(const std::string& name);
std::string unknown_group_message(const std::string& name);

}  // namespace ferry::conf
