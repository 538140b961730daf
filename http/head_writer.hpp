// Writes the head a proxy forwards: the request head for the server and the response head for
// the client, from a parsed head whose views point into the received bytes.
//
// Hop-by-hop fields are not forwarded (RFC 9110 §7.6.1): Connection, Keep-Alive,
// Proxy-Connection and every field a Connection option names (but Content-Length,
// Transfer-Encoding and Host, which the forwarded message needs); each side gets the Connection
// field of its own connection instead. An Upgrade handshake keeps `Connection: upgrade` and
// its Upgrade field. Framing fields (Content-Length, Transfer-Encoding) pass unchanged: the
// body is forwarded as it arrived. Field names keep their case (HAProxy 2.6 lowercases them).
#pragma once

#include <string>
#include <string_view>

#include "http/h1_head.hpp"

namespace ferry::http {

struct RequestForward {
  bool close_server = false;           // the server connection closes after this exchange
  std::string_view forwarded_for{};    // X-Forwarded-For's field name; empty: not added
  bool forwarded_for_if_none = false;  // not added when the request has one already
  std::string_view client{};           // the client's address, as XFF gives it
};

struct ResponseForward {
  bool close_client = false;  // the client connection closes after this response
};

// Appends the request head to `out`.
void write_request_head(const RequestHead& head, const RequestForward& how, std::string& out);
// Appends the response head to `out`; `request` is what it answers.
void write_response_head(const ResponseHead& head, const RequestHead& request,
                         const ResponseForward& how, std::string& out);

// Whether `head` asks to switch protocols (Connection: upgrade with an Upgrade field).
bool is_upgrade(const MessageHead& head);

}  // namespace ferry::http
