#include "http/sticky_cookie.hpp"

#include "http/h1_fields.hpp"

namespace ferry::http {

namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr int64_t kDay = 86400;

// Calls fn(name, value) for each "name=value" of a Cookie field (';'-separated, trimmed).
template <typename Fn>
void for_each_cookie(std::string_view field, Fn&& fn) {
  size_t pos = 0;
  while (pos <= field.size()) {
    size_t end = field.find(';', pos);
    if (end == std::string_view::npos) end = field.size();
    const std::string_view pair = trim_ows(field.substr(pos, end - pos));
    const size_t eq = pair.find('=');
    if (!pair.empty())
      fn(pair, trim_ows(pair.substr(0, eq)),
         eq == std::string_view::npos ? std::string_view{} : trim_ows(pair.substr(eq + 1)));
    pos = end + 1;
  }
}

// The name of a Set-Cookie field's cookie and where its value starts and ends.
struct SetCookieParts {
  std::string_view name;
  size_t value_begin = 0, value_end = 0;
};
SetCookieParts split_set_cookie(std::string_view field) {
  const size_t eq = field.find('=');
  if (eq == std::string_view::npos) return {trim_ows(field), field.size(), field.size()};
  size_t end = field.find(';', eq);
  if (end == std::string_view::npos) end = field.size();
  return {trim_ows(field.substr(0, eq)), eq + 1, end};
}

// Whether a cache may keep the response, as HAProxy 2.6 judges it for `nocache`: a cacheable
// status with freshness information (max-age, s-maxage or Expires) and nothing that forbids it.
bool response_cacheable(const ResponseHead& response) {
  static constexpr int kStatuses[] = {200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501};
  bool status_ok = false;
  for (int s : kStatuses)
    status_ok = status_ok || response.status == s;
  if (!status_ok) return false;
  bool fresh = false;
  for (const Header& h : response.headers) {
    if (iequals(h.name, "expires")) fresh = true;
    if (iequals(h.name, "pragma") && iequals(trim_ows(h.value), "no-cache")) return false;
    if (!iequals(h.name, "cache-control")) continue;
    bool forbidden = false;
    for_each_element(h.value, [&](std::string_view e) {
      const std::string_view name = trim_ows(e.substr(0, e.find('=')));
      const bool zero = e.ends_with("=0");
      if (iequals(name, "private") || iequals(name, "no-cache") || iequals(name, "no-store"))
        forbidden = true;
      else if (iequals(name, "max-age") || iequals(name, "s-maxage"))
        (zero ? forbidden : fresh) = true;
    });
    if (forbidden) return false;
  }
  return fresh;
}

}  // namespace

std::string encode_cookie_date(int64_t unix_secs) {
  auto v = static_cast<uint32_t>((unix_secs + 3) >> 2) & 0x3fffffffu;
  std::string out(5, 'A');
  for (int i = 4; i >= 0; --i, v >>= 6)
    out[static_cast<size_t>(i)] = kBase64[v & 63];
  return out;
}

std::optional<int64_t> decode_cookie_date(std::string_view text) {
  if (text.size() != 5) return std::nullopt;
  int64_t v = 0;
  for (const char c : text) {
    const size_t d = kBase64.find(c);
    if (d == std::string_view::npos) return std::nullopt;
    v = (v << 6) | static_cast<int64_t>(d);
  }
  return v << 2;
}

std::string_view StickyCookie::keep(std::string text) {
  return texts_.emplace_back(std::move(text));
}

bool StickyCookie::find(const RequestHead& request, std::string_view& value) const {
  bool found = false;
  for (const Header& h : request.headers) {
    if (found || !iequals(h.name, "cookie")) continue;
    for_each_cookie(h.value, [&](std::string_view, std::string_view name, std::string_view v) {
      if (!found && name == conf_.name) found = true, value = v;
    });
  }
  return found;
}

void StickyCookie::read_dates(std::string_view dates, int64_t now) {
  const size_t bar = dates.find('|');
  last_date_ = decode_cookie_date(dates.substr(0, bar)).value_or(0);
  if (bar != std::string_view::npos)
    first_date_ = decode_cookie_date(dates.substr(bar + 1)).value_or(0);
  const int64_t maxlife = conf_.maxlife.count() / 1000, maxidle = conf_.maxidle.count() / 1000;
  const auto stale = [now](int64_t date, int64_t limit) {
    return date != 0 && limit != 0 && (now - date > limit || date - now > kDay);
  };
  if (stale(first_date_, maxlife))
    request_flag_ = 'O';
  else if (stale(last_date_, maxidle))
    request_flag_ = 'E';
  if (request_flag_ != 'N') last_date_ = first_date_ = 0;
}

core::Server* StickyCookie::on_request(RequestHead& request,
                                       std::span<const std::unique_ptr<core::Server>> servers,
                                       int64_t now) {
  texts_.clear();
  request_flag_ = response_flag_ = 'N';
  last_date_ = first_date_ = 0;
  post_ = request.method == "POST";
  cacheable_ = request.method == "GET" || request.method == "HEAD";
  std::string_view value;
  core::Server* server = nullptr;
  if (find(request, value)) {
    const bool prefix = conf_.mode == conf::CookieConf::Mode::Prefix;
    const size_t end = value.find(prefix ? '~' : '|');
    if (!prefix && end != std::string_view::npos) read_dates(value.substr(end + 1), now);
    const std::string_view id = value.substr(0, end);
    if (request_flag_ == 'N') {
      request_flag_ = 'I';
      for (const auto& s : servers)
        if (!s->cookie.empty() && s->cookie == id) {
          server = s.get();
          request_flag_ = 'V';
          break;
        }
    }
  }
  rewrite_request(request);
  return server;
}

void StickyCookie::rewrite_request(RequestHead& request) {
  const bool remove = conf_.mode == conf::CookieConf::Mode::Insert && conf_.indirect;
  const bool strip = conf_.mode == conf::CookieConf::Mode::Prefix;
  if (!remove && !strip) return;
  for (size_t i = 0; i < request.headers.size();) {
    Header& h = request.headers[i];
    if (!iequals(h.name, "cookie")) {
      ++i;
      continue;
    }
    std::string out;
    bool changed = false;
    for_each_cookie(h.value, [&](std::string_view pair, std::string_view name, std::string_view v) {
      const size_t tilde = v.find('~');
      if (name == conf_.name && (remove || tilde != std::string_view::npos)) {
        changed = true;
        if (remove) return;
        pair = keep(std::string(name) + "=" + std::string(v.substr(tilde + 1)));
      }
      out.append(out.empty() ? "" : "; ").append(pair);
    });
    if (!changed) {
      ++i;
    } else if (out.empty()) {
      request.headers.erase(request.headers.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      h.value = keep(std::move(out));
      ++i;
    }
  }
}

void StickyCookie::rewrite_server_cookies(ResponseHead& response, const core::Server& server,
                                          bool direct) {
  using Mode = conf::CookieConf::Mode;
  for (size_t i = 0; i < response.headers.size();) {
    Header& h = response.headers[i];
    const SetCookieParts parts =
        iequals(h.name, "set-cookie") ? split_set_cookie(h.value) : SetCookieParts{};
    if (parts.name.empty() || parts.name != conf_.name) {
      ++i;
      continue;
    }
    server_set_ = true;
    const std::string_view v = h.value;
    if (conf_.preserve) {
      response_flag_ = 'P';
    } else if (conf_.mode == Mode::Insert || (direct && conf_.indirect)) {
      response_flag_ = 'D';
      response.headers.erase(response.headers.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    } else if (!server.cookie.empty()) {
      const std::string value =
          conf_.mode == Mode::Rewrite
              ? server.cookie
              : server.cookie + "~" +
                    std::string(v.substr(parts.value_begin, parts.value_end - parts.value_begin));
      h.value = keep(std::string(v.substr(0, parts.value_begin)) + value +
                     std::string(v.substr(parts.value_end)));
      response_flag_ = 'R';
    }
    ++i;
  }
}

bool StickyCookie::needs_insert(bool direct, int64_t now) const {
  if (conf_.mode != conf::CookieConf::Mode::Insert || (server_set_ && conf_.preserve)) return false;
  if (conf_.postonly && !post_) return false;
  if (!direct) return true;
  const bool maxidle = conf_.maxidle.count() > 0, maxlife = conf_.maxlife.count() > 0;
  return ((maxidle || last_date_) && (!last_date_ || last_date_ < now)) ||
         (maxlife && !first_date_) || (!maxlife && first_date_);
}

std::string StickyCookie::set_cookie(const core::Server& server, int64_t now) const {
  std::string c = conf_.name + "=";
  if (server.cookie.empty()) {
    c += "; Expires=Thu, 01-Jan-1970 00:00:01 GMT";
  } else {
    c += server.cookie;
    if (conf_.maxidle.count() > 0 || conf_.maxlife.count() > 0) c += "|" + encode_cookie_date(now);
    if (conf_.maxlife.count() > 0) c += "|" + encode_cookie_date(first_date_ ? first_date_ : now);
  }
  c += "; path=/";
  for (const std::string& d : conf_.domains)
    c += "; domain=" + d;
  if (conf_.httponly) c += "; HttpOnly";
  if (conf_.secure) c += "; Secure";
  return c;
}

void StickyCookie::on_response(ResponseHead& response, const core::Server& server, bool direct,
                               int64_t now) {
  server_set_ = false;
  rewrite_server_cookies(response, server, direct);
  if (!needs_insert(direct, now)) return;
  response.headers.push_back({"Set-Cookie", keep(set_cookie(server, now))});
  response_flag_ = direct ? 'U' : 'I';
  if (conf_.nocache && cacheable_ && response_cacheable(response))
    response.headers.push_back({"Cache-Control", "private"});
}

}  // namespace ferry::http
