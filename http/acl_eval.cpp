#include "http/acl_eval.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "conf/number.hpp"
#include "http/h1_fields.hpp"
#include "http/request_target.hpp"

namespace ferry::http {

namespace {

using conf::AclFetch;
using conf::AclMatch;
using conf::AclTerm;

// An address sample: 4 bytes for AF_INET, 16 for AF_INET6, network order.
struct IpSample {
  int family = 0;
  uint8_t bytes[16] = {};
};

bool to_ip(const core::SockAddr& a, IpSample& out) {
  out.family = a.family();
  if (out.family == AF_INET) {
    std::memcpy(out.bytes, &reinterpret_cast<const sockaddr_in*>(a.get())->sin_addr, 4);
    return true;
  }
  if (out.family == AF_INET6) {
    std::memcpy(out.bytes, &reinterpret_cast<const sockaddr_in6*>(a.get())->sin6_addr, 16);
    return true;
  }
  return false;  // UNIX: no address
}

bool parse_ip(std::string_view text, IpSample& out) {
  char buf[INET6_ADDRSTRLEN];
  if (text.empty() || text.size() >= sizeof buf) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (::inet_pton(AF_INET, buf, out.bytes) == 1) return out.family = AF_INET, true;
  if (::inet_pton(AF_INET6, buf, out.bytes) == 1) return out.family = AF_INET6, true;
  return false;
}

constexpr uint8_t kV4Mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// As HAProxy: an IPv4 sample is compared with an IPv6 network as ::ffff:a.b.c.d, and an
// IPv4-mapped IPv6 sample with an IPv4 network as a.b.c.d.
bool in_network(const IpSample& ip, const conf::Network& net) {
  if (ip.family == net.family) return net.contains(ip.family, ip.bytes);
  if (ip.family == AF_INET) {
    uint8_t mapped[16];
    std::memcpy(mapped, kV4Mapped, 12);
    std::memcpy(mapped + 12, ip.bytes, 4);
    return net.contains(AF_INET6, mapped);
  }
  if (std::memcmp(ip.bytes, kV4Mapped, 12) != 0) return false;
  return net.contains(AF_INET, ip.bytes + 12);
}

bool in_ranges(int64_t v, const std::vector<conf::IntRange>& ranges) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [v](const conf::IntRange& r) { return v >= r.min && v <= r.max; });
}

bool equal(std::string_view a, std::string_view b, bool icase) {
  return a.size() == b.size() &&
         (icase ? ::strncasecmp(a.data(), b.data(), a.size()) == 0 : a == b);
}

bool contains(std::string_view s, std::string_view p, bool icase) {
  if (!icase) return s.find(p) != std::string_view::npos;
  for (size_t i = 0; i + p.size() <= s.size(); ++i)
    if (equal(s.substr(i, p.size()), p, true)) return true;
  return false;
}

bool is_delimiter(char c, std::string_view delimiters) {
  return delimiters.find(c) != std::string_view::npos;
}

// HAProxy's word match (-m dir, -m dom): `p`, without its own leading and trailing delimiters,
// appears in `s` between delimiters or the ends of `s`.
bool match_word(std::string_view s, std::string_view p, bool icase, std::string_view delims) {
  while (!p.empty() && is_delimiter(p.front(), delims))
    p.remove_prefix(1);
  while (!p.empty() && is_delimiter(p.back(), delims))
    p.remove_suffix(1);
  if (p.size() > s.size()) return false;
  bool may_match = true;
  for (size_t i = 0; i + p.size() <= s.size(); ++i) {
    if (is_delimiter(s[i], delims)) {
      may_match = true;
      continue;
    }
    if (!may_match) continue;
    const bool at_end = i + p.size() == s.size();
    if (equal(s.substr(i, p.size()), p, icase) && (at_end || is_delimiter(s[i + p.size()], delims)))
      return true;
    may_match = false;
  }
  return false;
}

bool any_string(const AclTerm& t, auto&& pred) {
  return std::any_of(t.strings.begin(), t.strings.end(), pred);
}

bool match_string(const AclTerm& t, std::string_view s) {
  const bool ic = t.icase;
  switch (t.match) {
    case AclMatch::Found:
      return true;
    case AclMatch::Str:
      return any_string(t, [&](const std::string& p) { return equal(s, p, ic); });
    case AclMatch::Beg:
      return any_string(t, [&](const std::string& p) {
        return s.size() >= p.size() && equal(s.substr(0, p.size()), p, ic);
      });
    case AclMatch::End:
      return any_string(t, [&](const std::string& p) {
        return s.size() >= p.size() && equal(s.substr(s.size() - p.size()), p, ic);
      });
    case AclMatch::Sub:
      return any_string(t, [&](const std::string& p) { return contains(s, p, ic); });
    case AclMatch::Dir:
      return any_string(t, [&](const std::string& p) { return match_word(s, p, ic, "/?"); });
    case AclMatch::Dom:
      return any_string(t, [&](const std::string& p) { return match_word(s, p, ic, "/?.:"); });
    case AclMatch::Reg:
      return std::any_of(t.regexes.begin(), t.regexes.end(),
                         [&](const auto& re) { return re->search(s); });
    case AclMatch::Len:
      return in_ranges(static_cast<int64_t>(s.size()), t.ints);
    case AclMatch::Int: {
      const auto n = conf::parse_leading_integer(s);
      return n && in_ranges(n->value, t.ints);
    }
    case AclMatch::Ip: {
      IpSample ip;
      return parse_ip(s, ip) && std::any_of(t.networks.begin(), t.networks.end(),
                                            [&](const auto& net) { return in_network(ip, net); });
    }
    case AclMatch::Bool:
      return false;
  }
  return false;
}

bool match_int(const AclTerm& t, int64_t v) {
  if (t.match == AclMatch::Found) return true;
  if (t.match == AclMatch::Bool) return v != 0;
  return in_ranges(v, t.ints);
}

bool match_ip(const AclTerm& t, const core::SockAddr* a) {
  IpSample ip;
  if (!a || !to_ip(*a, ip)) return false;
  if (t.match == AclMatch::Found) return true;
  return std::any_of(t.networks.begin(), t.networks.end(),
                     [&](const auto& net) { return in_network(ip, net); });
}

bool match_port(const AclTerm& t, const core::SockAddr* a) {
  if (!a || (a->family() != AF_INET && a->family() != AF_INET6)) return false;
  return match_int(t, a->port());
}

// Calls fn(value) for each comma-separated value of `field` (commas inside double quotes do not
// separate), blanks around each removed; stops when fn returns true.
template <typename Fn>
bool for_each_value(std::string_view field, Fn&& fn) {
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i <= field.size(); ++i) {
    if (i < field.size()) {
      if (field[i] == '"') quoted = !quoted;
      if (field[i] == '\\' && quoted) ++i;
      if (quoted || i >= field.size() || field[i] != ',') continue;
    }
    std::string_view v = field.substr(start, i - start);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
      v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
      v.remove_suffix(1);
    if (fn(v)) return true;
    start = i + 1;
  }
  return false;
}

// Each value of the header `name` (every header when empty), in order; stops when fn returns
// true.
template <typename Fn>
bool for_each_header_value(const RequestHead& head, std::string_view name, Fn&& fn) {
  for (const Header& h : head.headers)
    if ((name.empty() || iequals(h.name, name)) && for_each_value(h.value, fn)) return true;
  return false;
}

bool match_header(const AclTerm& t, const RequestHead& head) {
  if (t.occurrence == 0)
    return for_each_header_value(head, t.arg,
                                 [&](std::string_view v) { return match_string(t, v); });
  const auto v = header_value(head, t.arg, t.occurrence);
  return v && match_string(t, *v);
}

bool match_request(const AclTerm& t, const RequestHead& head) {
  switch (t.fetch) {
    case AclFetch::Path: {
      const auto p = target_path(head.target);
      return p && match_string(t, *p);
    }
    case AclFetch::Url:
      return match_string(t, head.target);
    case AclFetch::Query: {
      const auto q = target_query(head.target);
      return q && match_string(t, *q);
    }
    case AclFetch::UrlParam:
      return for_each_url_param(head.target, t.arg, t.delimiter,
                                [&](std::string_view v) { return match_string(t, v); });
    case AclFetch::Hdr:
      return match_header(t, head);
    case AclFetch::HdrCnt:
      return match_int(t, header_value_count(head, t.arg));
    case AclFetch::Method:
      return match_string(t, head.method);
    default:
      return false;
  }
}

}  // namespace

int64_t header_value_count(const RequestHead& head, std::string_view name) {
  int64_t n = 0;
  for_each_header_value(head, name, [&](std::string_view) { return ++n, false; });
  return n;
}

std::optional<std::string_view> header_value(const RequestHead& head, std::string_view name,
                                             int occurrence) {
  const int64_t total = header_value_count(head, name);
  const int64_t want = occurrence > 0 ? occurrence : total + occurrence + 1;
  if (want < 1 || want > total) return std::nullopt;
  int64_t i = 0;
  std::string_view found;
  for_each_header_value(head, name, [&](std::string_view v) {
    found = v;
    return ++i == want;
  });
  return found;
}

bool evaluate(const AclTerm& t, const RequestContext& ctx) {
  if (t.needs_request()) return ctx.request && match_request(t, *ctx.request);
  switch (t.fetch) {
    case AclFetch::Src:
      return match_ip(t, ctx.src);
    case AclFetch::Dst:
      return match_ip(t, ctx.dst);
    case AclFetch::SrcPort:
      return match_port(t, ctx.src);
    case AclFetch::DstPort:
      return match_port(t, ctx.dst);
    case AclFetch::AlwaysTrue:
      return match_int(t, 1);
    case AclFetch::AlwaysFalse:
      return match_int(t, 0);
    case AclFetch::Nbsrv: {
      const int n = ctx.servers ? ctx.servers->usable_servers(t.arg) : -1;
      return n >= 0 && match_int(t, n);
    }
    default:
      return false;
  }
}

bool evaluate(const conf::Condition& cond, const RequestContext& ctx) {
  if (cond.empty()) return true;
  bool any = false;
  for (const auto& alternative : cond.alternatives) {
    any = std::all_of(alternative.begin(), alternative.end(), [&](const conf::AclOperand& op) {
      const bool hit = std::any_of(op.terms->begin(), op.terms->end(),
                                   [&](const AclTerm& t) { return evaluate(t, ctx); });
      return hit != op.negate;
    });
    if (any) break;
  }
  return any != cond.unless;
}

}  // namespace ferry::http
