// Conditions evaluated on untrusted request heads: the input is a request head (parsed strictly
// by HeadParser, as http_connection.cpp does); each fixed condition below is evaluated on it with
// an IPv4, an IPv6 and a UNIX client. Aborts when
//   - `if C` and `unless C` agree, or `!{ T }` gives what `{ T }` gives;
//   - evaluating twice gives two answers.
// Crashes, overreads (ASan) and undefined behaviour (UBSan) in the matchers are what it hunts.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/acl_eval.hpp"

namespace {

using namespace ferry;

[[noreturn]] void fail(const char* what, int line) {
  std::fprintf(stderr, "acl.cpp:%d: check failed: %s\n", line, what);
  std::abort();
}
#define check(ok) ((ok) ? void() : fail(#ok, __LINE__))

// Anonymous ACLs covering every criterion and match method.
constexpr const char* kTerms[] = {
    "path /",
    "path_beg -i /API /static",
    "path_end .json",
    "path_sub v1",
    "path_dir -i api",
    "path_dom example",
    "path_reg ^/a(b|c)*/[0-9]+$",
    "path_len gt 10",
    "url_beg http://",
    "url_dom -i com",
    "url_param(id) -m int 1:100",
    "urlp(x,;) -m beg a",
    "urlp_len(q) 0",
    "query -m sub =",
    "hdr(host) -i -m dom example.com",
    "hdr(x-tag,2) a",
    "hdr(x-tag,-1) -m end z",
    "hdr_cnt(x-tag) ge 2",
    "hdr_cnt lt 5",
    "req.hdr(cookie) -m reg -i sid=[a-f0-9]+",
    "hdr_ip(x-forwarded-for) 10.0.0.0/8 ::1",
    "hdr_val(content-length) gt 0",
    "hdr_dir(referer) x",
    "method -i get",
    "src 127.0.0.0/8 ::ffff:0:0/96",
    "src_port 1024:",
    "dst -m found",
    "dst_port 80 443",
    "always_true",
};

std::vector<ferry::conf::Condition> conditions(bool unless) {
  std::vector<ferry::conf::Condition> out;
  for (const char* t : kTerms) {
    for (bool negate : {false, true}) {
      std::vector<std::string> words{unless ? "unless" : "if", negate ? "!{" : "{"};
      std::string_view rest(t);
      while (!rest.empty()) {
        const size_t sp = rest.find(' ');
        words.emplace_back(rest.substr(0, sp));
        rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
      }
      words.emplace_back("}");
      out.emplace_back();
      if (conf::parse_condition(words, {}, {}, out.back())) std::abort();  // a bad fixed term
    }
  }
  return out;
}

core::SockAddr address(int family) {
  core::SockAddr a;
  if (family == AF_INET) {
    auto* s = reinterpret_cast<sockaddr_in*>(a.get());
    s->sin_family = AF_INET;
    s->sin_port = htons(40000);
    s->sin_addr.s_addr = htonl(0x7f000001);
    a.len = sizeof *s;
  } else if (family == AF_INET6) {
    auto* s = reinterpret_cast<sockaddr_in6*>(a.get());
    s->sin6_family = AF_INET6;
    s->sin6_port = htons(443);
    ::inet_pton(AF_INET6, "::ffff:10.1.2.3", &s->sin6_addr);
    a.len = sizeof *s;
  } else {
    a.get()->sa_family = AF_UNIX;
    a.len = sizeof(sa_family_t);
  }
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto if_conds = conditions(false);
  static const auto unless_conds = conditions(true);
  static const core::SockAddr clients[] = {address(AF_INET), address(AF_INET6), address(AF_UNIX)};
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  http::HeadParser parser;
  http::RequestHead head;
  if (parser.parse_request(bytes, head) != http::ParseResult::Done) return 0;
  for (const auto& client : clients) {
    const http::RequestContext ctx{.request = &head, .src = &client, .dst = &clients[1]};
    for (size_t i = 0; i < if_conds.size(); i += 2) {
      const bool yes = http::evaluate(if_conds[i], ctx);
      check(yes == http::evaluate(if_conds[i], ctx));
      check(yes != http::evaluate(if_conds[i + 1], ctx));      // !{ T }
      check(yes != http::evaluate(unless_conds[i], ctx));      // unless { T }
      check(yes == http::evaluate(unless_conds[i + 1], ctx));  // unless !{ T }
    }
  }
  return 0;
}
