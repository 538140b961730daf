#include "http/head_writer.hpp"

#include "http/h1_fields.hpp"

namespace ferry::http {

namespace {

constexpr std::string_view kHopByHop[] = {"connection", "keep-alive", "proxy-connection"};
// Fields the forwarded message needs whatever a Connection field says: the body goes on as it
// arrived, so its framing goes with it (a Content-Length dropped on a client's word would let
// the server read the body as the next request), and an HTTP/1.1 request needs its Host.
constexpr std::string_view kEndToEnd[] = {"content-length", "transfer-encoding", "host"};

// Whether the field is hop-by-hop: a fixed one, or one a Connection field names.
bool hop_by_hop(const MessageHead& head, std::string_view name, bool upgrading,
                bool has_connection) {
  for (std::string_view h : kHopByHop) {
    if (iequals(name, h)) return true;
  }
  if (!has_connection || (upgrading && iequals(name, "upgrade"))) return false;
  for (std::string_view e : kEndToEnd) {
    if (iequals(name, e)) return false;
  }
  bool named = false;
  for (const Header& h : head.headers) {
    if (!iequals(h.name, "connection")) continue;
    for_each_element(h.value, [&](std::string_view e) { named = named || iequals(e, name); });
  }
  return named;
}

// The fields of `head` a proxy forwards, each as "name: value\r\n".
void write_fields(const MessageHead& head, bool upgrading, std::string& out) {
  const bool has_connection = head.find("connection") != nullptr;
  for (const Header& h : head.headers) {
    if (hop_by_hop(head, h.name, upgrading, has_connection)) continue;
    out.append(h.name).append(": ").append(h.value).append("\r\n");
  }
}

std::string_view version_text(Version v) {
  return v == Version::Http10 ? "HTTP/1.0" : "HTTP/1.1";
}

}  // namespace

bool is_upgrade(const MessageHead& head) {
  return head.conn_upgrade && head.has_upgrade;
}

void write_request_head(const RequestHead& head, const RequestForward& how, std::string& out) {
  out.append(head.method).append(" ").append(head.target).append(" ");
  out.append(version_text(head.version)).append("\r\n");
  const bool upgrading = is_upgrade(head);
  write_fields(head, upgrading, out);
  if (!how.forwarded_for.empty() && !(how.forwarded_for_if_none && head.find(how.forwarded_for)))
    out.append(how.forwarded_for).append(": ").append(how.client).append("\r\n");
  // As HAProxy 2.6 tells the server (observed): an HTTP/1.0 request that may keep the server
  // connection says so; one that closes it says so unless HTTP/1.0 implies it.
  if (upgrading)
    out.append("Connection: upgrade\r\n");
  else if (how.close_server && head.version == Version::Http11)
    out.append("Connection: close\r\n");
  else if (!how.close_server && head.version == Version::Http10)
    out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
}

void write_response_head(const ResponseHead& head, const RequestHead& request,
                         const ResponseForward& how, std::string& out) {
  out.append("HTTP/1.1 ").append(std::to_string(head.status));
  out.append(" ").append(head.reason).append("\r\n");
  const bool upgrading = head.status == 101 && is_upgrade(head);
  write_fields(head, upgrading, out);
  // As HAProxy 2.6 tells the client (observed): `close` whenever the connection ends after this
  // response, `keep-alive` to an HTTP/1.0 client whose connection stays.
  if (upgrading)
    out.append("Connection: upgrade\r\n");
  else if (how.close_client)
    out.append("Connection: close\r\n");
  else if (request.version == Version::Http10)
    out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
}

}  // namespace ferry::http
