#include "http/fcgi_params.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

#include "http/fcgi_record.hpp"
#include "http/h1_chars.hpp"
#include "http/h1_fields.hpp"

namespace ferry::http::fcgi {

namespace {

constexpr std::string_view kSoftware = "ferry";

// Fields never sent as HTTP_*: CGI carries the body's own, the connection's are hop-by-hop, and
// credentials stay with the proxy unless `pass-header` says otherwise (HAProxy 2.6 observed).
constexpr std::string_view kNotSent[] = {"content-length", "content-type",      "connection",
                                         "keep-alive",     "proxy-connection",  "te",
                                         "upgrade",        "transfer-encoding", "trailer"};
constexpr std::string_view kCredentials[] = {"authorization", "proxy-authorization", "proxy"};

std::string cgi_name(std::string_view field) {
  std::string out = "HTTP_";
  for (char c : field)
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool named_by_connection(const RequestHead& req, std::string_view name) {
  bool named = false;
  for (const Header& h : req.headers)
    if (iequals(h.name, "connection"))
      for_each_element(h.value, [&](std::string_view e) { named = named || iequals(e, name); });
  return named;
}

bool sent_as_http(const App& app, const RequestHead& req, std::string_view name) {
  if (name.find('_') != std::string_view::npos) return false;
  for (std::string_view n : kNotSent)
    if (iequals(name, n)) return false;
  for (std::string_view n : kCredentials)
    if (iequals(name, n))
      return std::any_of(app.pass_headers.begin(), app.pass_headers.end(),
                         [&](const std::string& p) { return iequals(p, name); });
  return !named_by_connection(req, name);
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

std::string base64_decode(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = base64_value(c);
    if (v < 0) break;  // '=' padding or the end
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

// AUTH_TYPE (the scheme of Authorization) and, for Basic, REMOTE_USER (the user it names), as
// HAProxy 2.6 sends them while it withholds the credentials themselves.
template <typename Put>
void put_auth(const RequestHead& req, Put& put) {
  const Header* auth = req.find("authorization");
  if (!auth) return;
  const std::string_view v = auth->value;
  const size_t sp = v.find(' ');
  const std::string_view scheme = v.substr(0, sp);
  if (scheme.empty()) return;
  put("AUTH_TYPE", scheme);
  const size_t credentials = v.find_first_not_of(' ', sp);
  if (!iequals(scheme, "basic") || credentials == std::string_view::npos) return;
  const std::string plain = base64_decode(v.substr(credentials));
  put("REMOTE_USER", std::string_view(plain).substr(0, plain.find(':')));
}

struct Script {
  std::string name;       // SCRIPT_NAME
  std::string path_info;  // PATH_INFO
  bool has_path_info = false;
};

Script split_script(const App& app, const std::string& path) {
  Script s;
  std::smatch m;
  if (app.path_info && std::regex_match(path, m, *app.path_info) && m[1].matched) {
    s.name = m[1].str();
    s.has_path_info = m[2].matched && m[2].length() > 0;
    s.path_info = m[2].str();
  } else {
    s.name = path;
  }
  if (!s.name.empty() && s.name.back() == '/') s.name += app.index;
  return s;
}

}  // namespace

App App::from(const conf::FcgiAppConf& conf) {
  App a;
  a.docroot = conf.docroot;
  a.index = conf.index;
  if (!conf.path_info.empty()) a.path_info.emplace(conf.path_info, std::regex::ECMAScript);
  for (const auto& p : conf.set_params) {
    std::string name;
    for (char c : p.name)
      name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    a.set_params.emplace_back(std::move(name), p.value);
  }
  a.pass_headers = conf.pass_headers;
  a.keep_conn = conf.keep_conn;
  a.get_values = conf.get_values;
  a.log_stderr = conf.log_stderr;
  return a;
}

std::string decode_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && is_hex_digit(path[i + 1]) &&
        is_hex_digit(path[i + 2])) {
      out += static_cast<char>(hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]));
      i += 2;
    } else {
      out += path[i];
    }
  }
  return out;
}

void append_params(const App& app, const RequestHead& req, const Endpoints& ends,
                   std::string& out) {
  // A set-param replaces what ferry would send under that name.
  const auto put = [&](std::string_view name, std::string_view value) {
    for (const auto& [n, v] : app.set_params)
      if (n == name) return;
    append_name_value(out, name, value);
  };
  for (const Header& h : req.headers)
    if (sent_as_http(app, req, h.name)) put(cgi_name(h.name), h.value);
  if (const Header* ct = req.find("content-type")) put("CONTENT_TYPE", ct->value);
  const std::string_view target = req.target;
  const size_t q = target.find('?');
  const Script script = split_script(app, decode_path(target.substr(0, q)));
  put("GATEWAY_INTERFACE", "CGI/1.1");
  put("DOCUMENT_ROOT", app.docroot);
  put("SCRIPT_NAME", script.name);
  if (script.has_path_info) put("PATH_INFO", script.path_info);
  put("REQUEST_URI", target);
  put("REQUEST_METHOD", req.method);
  if (q != std::string_view::npos && q + 1 < target.size())
    put("QUERY_STRING", target.substr(q + 1));
  const Header* host = req.find("host");
  put("SERVER_NAME", host ? host->value : std::string_view(ends.server_addr));
  if (!ends.server_port.empty()) put("SERVER_PORT", ends.server_port);
  put("SERVER_PROTOCOL", req.version == Version::Http10 ? "HTTP/1.0" : "HTTP/1.1");
  put_auth(req, put);
  if (!ends.remote_addr.empty()) put("REMOTE_ADDR", ends.remote_addr);
  if (!ends.remote_port.empty()) put("REMOTE_PORT", ends.remote_port);
  put("SCRIPT_FILENAME", app.docroot + script.name);
  if (script.has_path_info) put("PATH_TRANSLATED", app.docroot + script.path_info);
  if (req.framing != Framing::Chunked)  // its length is known once it is whole
    put("CONTENT_LENGTH", std::to_string(req.framing == Framing::Length ? req.content_length : 0));
  put("SERVER_SOFTWARE", kSoftware);
  for (const auto& [n, v] : app.set_params)
    append_name_value(out, n, v);
}

Endpoints endpoints(const core::SockAddr& peer, const core::SockAddr& local) {
  Endpoints e;
  const auto text = [](const core::SockAddr& a, std::string& addr, std::string& port) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (a.family() == AF_INET)
      ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a.get())->sin_addr, buf,
                  sizeof buf);
    else if (a.family() == AF_INET6)
      ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a.get())->sin6_addr, buf,
                  sizeof buf);
    else
      return;
    addr = buf;
    port = std::to_string(a.port());
  };
  text(peer, e.remote_addr, e.remote_port);
  text(local, e.server_addr, e.server_port);
  return e;
}

namespace {

// BEGIN_REQUEST, `params` as PARAMS and their end, then `body` as STDIN and its end when
// `end_stdin`.
std::string request_records(const App& app, std::string_view params, bool new_connection,
                            std::string_view body, bool end_stdin) {
  std::string out;
  out.reserve(params.size() + body.size() + 8 * kHeaderSize + 40);
  if (app.get_values && new_connection)
    append_get_values(out, {"FCGI_MAX_CONNS", "FCGI_MPXS_CONNS"});
  append_begin_request(out, 1, app.keep_conn);
  append_stream(out, Type::Params, 1, params);
  append_stream_end(out, Type::Params, 1);
  append_stream(out, Type::Stdin, 1, body);
  if (end_stdin) append_stream_end(out, Type::Stdin, 1);
  return out;
}

}  // namespace

std::string request_head(const App& app, const RequestHead& req, const Endpoints& ends,
                         bool new_connection) {
  std::string params;
  append_params(app, req, ends, params);
  const bool no_body =
      req.framing == Framing::None || (req.framing == Framing::Length && req.content_length == 0);
  return request_records(app, params, new_connection, {}, no_body);
}

std::string request_with_body(const App& app, std::string params, std::string_view body,
                              bool new_connection) {
  const bool replaced = std::any_of(app.set_params.begin(), app.set_params.end(),
                                    [](const auto& p) { return p.first == "CONTENT_LENGTH"; });
  if (!replaced) append_name_value(params, "CONTENT_LENGTH", std::to_string(body.size()));
  return request_records(app, params, new_connection, body, true);
}

}  // namespace ferry::http::fcgi
