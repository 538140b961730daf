// `option httpchk` to a `proto fcgi` server, as HAProxy 2.6 sends it through the server's
// FastCGI connection: the check's request (method, URI, version, `http-check send hdr` fields)
// becomes a FastCGI request with the CGI parameters of the backend's fcgi-app (so PHP-FPM's
// `ping.path` answers it, or a script does), without FCGI_KEEP_CONN; the application's STDOUT
// is read as a CGI answer (`Status:` gives the code) and judged by the same `http-check expect`
// rules as an HTTP answer. A broken FastCGI record or CGI head is L7RSP, as an invalid HTTP
// answer is.
#pragma once

#include <memory>
#include <string>

#include "conf/model.hpp"
#include "healthcheck/http_check.hpp"

namespace ferry::healthcheck {

// `spec`: the backend's compiled HTTP check; `app`: the backend's fcgi-app.
std::unique_ptr<Probe> make_fcgi_check_probe(HttpCheckSpec spec, const conf::FcgiAppConf& app);

// The FastCGI records of the check request (`spec.request` turned into BEGIN_REQUEST, PARAMS
// and an empty STDIN).
std::string fcgi_check_request(const HttpCheckSpec& spec, const conf::FcgiAppConf& app);

// The verdict on the records received so far (all of them since the request), or nullopt
// while more are needed. `closed`: the application closed the connection.
std::optional<CheckResult> judge_fcgi_answer(const HttpCheckSpec& spec, std::string_view data,
                                             bool closed);

}  // namespace ferry::healthcheck
