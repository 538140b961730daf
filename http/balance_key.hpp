// What `balance uri|url_param|hdr(name)` hashes in a request, as HAProxy 2.6 takes it:
// - uri: the request target up to the '?' (all of it with `whole`), cut before the slash that
//   would begin directory `depth` + 1, and to `len` characters;
// - url_param NAME: the value of the first NAME=value of the query string ('&'-separated);
// - hdr(NAME): the value of the first NAME field; with `use_domain_only`, only the label
//   before its last dot ("haproxy" of "www.haproxy.org"), or all of it when it has no dot.
// nullopt when the request has no such parameter or field (the pick is round robin then).
#pragma once

#include <optional>
#include <string_view>

#include "conf/model.hpp"
#include "http/h1_head.hpp"

namespace ferry::http {

std::optional<std::string_view> balance_key(conf::Balance algo, const conf::HashConf& conf,
                                            const RequestHead& request);

}  // namespace ferry::http
