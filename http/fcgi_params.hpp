// The CGI parameters of a request sent to a FastCGI application (an `fcgi-app`), as HAProxy 2.6
// sends them: the request's fields as HTTP_* (but those CGI carries otherwise, the hop-by-hop
// ones, Authorization and Proxy unless `pass-header` names them, and names with '_', which a
// client could use to pass for another field), then CONTENT_TYPE, GATEWAY_INTERFACE,
// DOCUMENT_ROOT, SCRIPT_NAME, PATH_INFO, REQUEST_URI, REQUEST_METHOD, QUERY_STRING, SERVER_NAME,
// SERVER_PORT, SERVER_PROTOCOL, REMOTE_ADDR, REMOTE_PORT, SCRIPT_FILENAME, PATH_TRANSLATED,
// CONTENT_LENGTH, SERVER_SOFTWARE, and the app's `set-param`s last.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "conf/model.hpp"
#include "core/sockaddr.hpp"
#include "http/h1_head.hpp"

namespace ferry::http::fcgi {

// An fcgi-app, ready to use (built from its config once).
struct App {
  std::string docroot;
  std::string index;
  std::optional<std::regex> path_info;
  std::vector<std::pair<std::string, std::string>> set_params;  // names as CGI spells them
  std::vector<std::string> pass_headers;
  bool keep_conn = false;
  bool get_values = false;
  bool log_stderr = false;

  static App from(const conf::FcgiAppConf& conf);
};

// What the connection tells about the request (empty: not sent).
struct Endpoints {
  std::string remote_addr, remote_port;  // the client
  std::string server_addr, server_port;  // the address the client reached
};

// The client's and the reached address (IPv4/IPv6; a UNIX socket has none to tell).
Endpoints endpoints(const core::SockAddr& peer, const core::SockAddr& local);

// The request as the application gets it before its body: BEGIN_REQUEST (FCGI_KEEP_CONN with
// `option keep-conn`), the PARAMS stream and its end, and the end of STDIN when the request has
// no body (a body follows as STDIN records: MessageFlow::Wrap::FcgiStdin). Request id 1. Not
// for a chunked body (request_with_body).
// `new_connection` with `option get-values`: GET_VALUES (FCGI_MAX_CONNS, FCGI_MPXS_CONNS) goes
// first, on the same connection (its answer comes before the request's: AnswerRecords::values).
std::string request_head(const App& app, const RequestHead& req, const Endpoints& ends,
                         bool new_connection = false);

// Appends the name-value pairs of the request's PARAMS stream to `out` (without CONTENT_LENGTH
// for a chunked body, whose length is known once it is whole).
void append_params(const App& app, const RequestHead& req, const Endpoints& ends, std::string& out);

// A request with a chunked body gathered whole (PHP reads CONTENT_LENGTH bytes of STDIN, so the
// length must go first, as HAProxy 2.6 sends it): `params` (append_params's) and CONTENT_LENGTH,
// then `body` as STDIN records and their end.
std::string request_with_body(const App& app, std::string params, std::string_view body,
                              bool new_connection);

// The request-target's path %-decoded (the CGI SCRIPT_NAME is decoded, REQUEST_URI is not).
std::string decode_path(std::string_view path);

}  // namespace ferry::http::fcgi
