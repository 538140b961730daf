// Cookie persistence (http/sticky_cookie) on untrusted Cookie and Set-Cookie fields: a client's
// Cookie fields, and an application's Set-Cookie fields, read and rewritten by one transaction.
// Byte 0 picks the `cookie` line (mode, indirect, nocache, postonly, preserve, httponly, secure,
// maxidle/maxlife), byte 1 the request method, the server that answers and whether the cookie
// took the request there, byte 2 the clock; the rest is the request's Cookie field values, one a
// line, then a NUL, then the response's Set-Cookie field values. Aborts when
//   - the server the cookie names is not one of the backend's;
//   - the request or the response ferry writes after the rewriting no longer parses as HTTP/1.1
//     (a field value left invalid, a field lost or made up);
//   - a log character is not one HAProxy's cookie states have;
//   - a cookie date does not read back as the time it was written for (rounded up to 4 s).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/head_writer.hpp"
#include "http/sticky_cookie.hpp"

namespace {

using namespace ferry;
using namespace ferry::http;

[[noreturn]] void fail(const char* what, int line) {
  std::fprintf(stderr, "sticky_cookie.cpp:%d: check failed: %s\n", line, what);
  std::abort();
}
#define check(ok) ((ok) ? void() : fail(#ok, __LINE__))

constexpr int64_t kNow = 1796309226;  // 2026-12-03, a date HAProxy wrote as "axGA7"

conf::CookieConf cookie_conf(uint8_t bits) {
  conf::CookieConf c;
  c.name = "SRV";
  c.mode = bits % 3 == 0   ? conf::CookieConf::Mode::Insert
           : bits % 3 == 1 ? conf::CookieConf::Mode::Rewrite
                           : conf::CookieConf::Mode::Prefix;
  c.indirect = bits & 4;
  c.nocache = bits & 8;
  c.postonly = bits & 16;
  c.preserve = bits & 32;
  c.httponly = c.secure = bits & 64;
  if (bits & 128) {
    c.maxidle = std::chrono::milliseconds(30'000);
    c.maxlife = std::chrono::milliseconds(600'000);
  }
  return c;
}

// "NAME: v1\r\nNAME: v2\r\n..." for each non-empty line of `values`.
std::string fields(std::string_view name, std::string_view values) {
  std::string out;
  while (!values.empty()) {
    const size_t lf = values.find('\n');
    const std::string_view line = values.substr(0, lf);
    values = lf == std::string_view::npos ? std::string_view() : values.substr(lf + 1);
    if (line.empty()) continue;
    out.append(name).append(": ").append(line).append("\r\n");
  }
  return out;
}

bool in(char c, std::string_view set) {
  return set.find(c) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const conf::CookieConf conf = cookie_conf(data[0]);
  const bool post = data[1] & 1;
  const bool direct = data[1] & 2;
  const size_t answering = (data[1] >> 2) % 3;
  const int64_t now = kNow + 997 * static_cast<int64_t>(data[2]);
  const std::string_view rest(reinterpret_cast<const char*>(data) + 3, size - 3);
  const size_t nul = rest.find('\0');
  const std::string_view cookies = rest.substr(0, nul);
  const std::string_view set_cookies =
      nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);

  const std::optional<int64_t> date = decode_cookie_date(encode_cookie_date(now));
  check(date && *date >= now && *date < now + 4);

  std::vector<std::unique_ptr<core::Server>> servers;
  for (const char* value : {"a1", "b2", "c3~x"}) {
    servers.push_back(std::make_unique<core::Server>());
    servers.back()->name = std::string("s") + value;
    servers.back()->cookie = value;
  }

  const std::string request_text = std::string(post ? "POST" : "GET") +
                                   " / HTTP/1.1\r\nHost: x\r\n" + fields("Cookie", cookies) +
                                   "Content-Length: 0\r\n\r\n";
  HeadParser request_parser;
  RequestHead request;
  if (request_parser.parse_request(request_text, request) != ParseResult::Done) return 0;
  const std::string response_text =
      "HTTP/1.1 200 OK\r\n" + fields("Set-Cookie", set_cookies) + "Content-Length: 0\r\n\r\n";
  HeadParser response_parser;
  ResponseHead response;
  if (response_parser.parse_response(response_text, response, false) != ParseResult::Done) return 0;

  StickyCookie sticky(conf);
  const core::Server* named = sticky.on_request(request, servers, now);
  check(!named || named == servers[0].get() || named == servers[1].get() ||
        named == servers[2].get());
  std::string to_server;
  write_request_head(request, {}, to_server);
  HeadParser back_parser;
  RequestHead back;
  check(back_parser.parse_request(to_server, back) == ParseResult::Done);
  check(back.size == to_server.size());
  check(back.method == request.method && back.find("host") && back.content_length == 0);

  sticky.server_chosen(direct && named);
  sticky.on_response(response, *servers[answering], direct && named, now);
  std::string to_client;
  write_response_head(response, request, {}, to_client);
  HeadParser client_parser;
  ResponseHead client;
  check(client_parser.parse_response(to_client, client, false) == ParseResult::Done);
  check(client.size == to_client.size());
  check(client.status == 200 && client.content_length == 0);
  check(in(sticky.request_flag(), "NIDVEO"));
  check(in(sticky.response_flag(), "NIUPRD"));
  return 0;
}
