// Cookie persistence, `cookie NAME insert|rewrite|prefix [...]` with `cookie VALUE` on the
// servers, as HAProxy 2.6 does it for one transaction (pure logic, no I/O):
//
// - the request: the client's cookie NAME names a server (its value up to '|' in insert mode,
//   up to '~' in prefix mode); a cookie older than `maxlife` or idle longer than `maxidle` (the
//   dates insert mode writes after the value, "|last|first") is ignored. The Cookie fields are
//   rewritten for the server: insert+indirect removes the cookie, prefix strips "VALUE~".
// - the response: a Set-Cookie NAME from the server is kept (preserve), removed (insert, or
//   indirect when the client came by cookie), or given the server's value (rewrite) or prefix
//   (prefix). Insert mode then adds "NAME=VALUE[|last[|first]]; path=/[; domain=D...][;
//   HttpOnly][; Secure]" unless the client came by a valid cookie that needs no new date
//   (`nocache` makes such a cacheable response private; `postonly` inserts for POST only).
// - the log: HAProxy's cookie characters, the 3rd and 4th of the termination state.
//
// Header values it writes live in this object; the heads' views point to them until the next
// transaction.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "conf/model.hpp"
#include "core/server.hpp"
#include "http/h1_head.hpp"

namespace ferry::http {

// HAProxy's cookie dates: unix seconds / 4 rounded up, 30 bits written as 5 base64 characters.
std::string encode_cookie_date(int64_t unix_secs);
// The seconds a date stands for (a multiple of 4); nullopt when it is not 5 base64 characters.
std::optional<int64_t> decode_cookie_date(std::string_view text);

class StickyCookie {
 public:
  explicit StickyCookie(const conf::CookieConf& conf) : conf_(conf) {}

  // A new request at `now` (unix seconds): finds the client's cookie among `servers` and
  // rewrites the request's Cookie fields for the server. Returns the server the cookie names
  // when it is still fresh (the caller decides whether it can take the request), else nullptr.
  core::Server* on_request(RequestHead& request,
                           std::span<const std::unique_ptr<core::Server>> servers, int64_t now);
  // The request got a server: the one its cookie named (`direct`), or another (the cookie's
  // server was down or in maintenance, or failed and the request was redispatched).
  void server_chosen(bool direct) {
    if (!direct && request_flag_ == 'V') request_flag_ = 'D';
  }
  // The server for the request is known: `server`, taken because the cookie named it (`direct`)
  // or balanced. Rewrites the server's Set-Cookie fields and adds the one to insert.
  void on_response(ResponseHead& response, const core::Server& server, bool direct, int64_t now);

  // The termination state's cookie characters: the request's (N none, I invalid, D server
  // down, V valid, E expired by maxidle, O too old by maxlife) and the response's (N none,
  // I inserted, U updated, P preserved, R rewritten, D deleted).
  char request_flag() const { return request_flag_; }
  char response_flag() const { return response_flag_; }

 private:
  // The value of the first cookie NAME of the request; false when there is none.
  bool find(const RequestHead& request, std::string_view& value) const;
  void read_dates(std::string_view dates, int64_t now);
  void rewrite_request(RequestHead& request);
  void rewrite_server_cookies(ResponseHead& response, const core::Server& server, bool direct);
  bool needs_insert(bool direct, int64_t now) const;
  std::string set_cookie(const core::Server& server, int64_t now) const;
  std::string_view keep(std::string text);

  const conf::CookieConf& conf_;
  std::deque<std::string> texts_;
  char request_flag_ = 'N';
  char response_flag_ = 'N';
  bool post_ = false;        // the request is a POST (postonly)
  bool cacheable_ = false;   // a GET or HEAD request, whose answer a cache may keep (nocache)
  bool server_set_ = false;  // the server's response sets the cookie itself
  int64_t last_date_ = 0;    // of the client's cookie, 0: none
  int64_t first_date_ = 0;
};

}  // namespace ferry::http
