// The last stage of loading, run once on the model merged from every file: cross-reference
// checks (default_backend, duplicate names and ids, frontends that cannot work), derived values
// (proxy and server ids numbered as HAProxy does, `timeout queue` from `timeout connect`,
// user/group names resolved to uid/gid) and HAProxy's warnings (missing timeouts). Every problem
// is appended to `diags`; nothing stops at the first.
#pragma once

#include <vector>

#include "conf/model.hpp"

namespace ferry::conf {

void validate(Config& config, std::vector<Diagnostic>& diags);

// Parts of validate(), exposed for tests.
// Proxy ids: declaration order from 1, slot 1 taken by the stats socket's internal proxy when
// there is one; explicit `id N` kept, automatic ids skip the ones in use. Server ids likewise
// per backend from 1. Duplicate explicit ids are errors.
void assign_ids(Config& config, std::vector<Diagnostic>& diags);
// user/group names of binds and stats sockets into uid/gid via the passwd/group databases (the
// global section's `user`/`group` are resolved by their keyword handlers, at their line).
void resolve_owners(Config& config, std::vector<Diagnostic>& diags);

// "bind '127.0.0.1:80,127.0.0.1:81' in frontend 'web'" / "stats socket '/run/ferry.sock'".
std::string describe_bind(const BindConf& bind, const ProxyConf* owner);
// "frontend 'web'", "backend 'app'", "listen 'stats'".
std::string describe_proxy(const ProxyConf& proxy);

}  // namespace ferry::conf
