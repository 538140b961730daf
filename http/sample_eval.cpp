#include "http/sample_eval.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cctype>

#include "http/request_target.hpp"

namespace ferry::http {

namespace {

using conf::AclFetch;
using conf::ConverterKind;

bool append_address(const core::SockAddr* a, std::string& out) {
  if (!a || (a->family() != AF_INET && a->family() != AF_INET6)) return false;
  const void* bytes =
      a->family() == AF_INET
          ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(a->get())->sin_addr)
          : &reinterpret_cast<const sockaddr_in6*>(a->get())->sin6_addr;
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(a->family(), bytes, text, sizeof text);
  out += text;
  return true;
}

bool append_port(const core::SockAddr* a, std::string& out) {
  if (!a || (a->family() != AF_INET && a->family() != AF_INET6)) return false;
  out += std::to_string(a->port());
  return true;
}

bool append(std::optional<std::string_view> v, std::string& out) {
  if (!v) return false;
  out += *v;
  return true;
}

bool request_fetch(const conf::AclTerm& f, const RequestHead& head, std::string& out) {
  switch (f.fetch) {
    case AclFetch::Path:
      return append(target_path(head.target), out);
    case AclFetch::Url:
      return append(head.target, out);
    case AclFetch::Query:
      return append(target_query(head.target), out);
    case AclFetch::Method:
      return append(head.method, out);
    case AclFetch::Hdr:
      return append(header_value(head, f.arg, f.occurrence), out);
    case AclFetch::HdrCnt:
      out += std::to_string(header_value_count(head, f.arg));
      return true;
    case AclFetch::UrlParam:
      return for_each_url_param(head.target, f.arg, f.delimiter, [&](std::string_view v) {
        out += v;
        return true;
      });
    default:
      return false;
  }
}

bool fetch(const conf::AclTerm& f, const RequestContext& ctx, std::string& out) {
  if (f.needs_request()) return ctx.request && request_fetch(f, *ctx.request, out);
  switch (f.fetch) {
    case AclFetch::Src:
      return append_address(ctx.src, out);
    case AclFetch::Dst:
      return append_address(ctx.dst, out);
    case AclFetch::SrcPort:
      return append_port(ctx.src, out);
    case AclFetch::DstPort:
      return append_port(ctx.dst, out);
    case AclFetch::AlwaysTrue:
    case AclFetch::AlwaysFalse:
      out += f.fetch == AclFetch::AlwaysTrue ? '1' : '0';
      return true;
    case AclFetch::Nbsrv: {
      const int n = ctx.servers ? ctx.servers->usable_servers(f.arg) : -1;
      if (n < 0) return false;
      out += std::to_string(n);
      return true;
    }
    case AclFetch::UniqueId:
      return append(ctx.unique_id, out);
    default:
      return false;
  }
}

void base64(std::string_view in, std::string& out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = static_cast<uint8_t>(in[i]) << 16 | static_cast<uint8_t>(in[i + 1]) << 8 |
                       static_cast<uint8_t>(in[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6)
      out += kAlphabet[(n >> shift) & 63];
  }
  if (i == in.size()) return;
  const bool two = i + 1 < in.size();
  const uint32_t n =
      static_cast<uint8_t>(in[i]) << 16 | (two ? static_cast<uint8_t>(in[i + 1]) << 8 : 0);
  out += kAlphabet[(n >> 18) & 63];
  out += kAlphabet[(n >> 12) & 63];
  out += two ? kAlphabet[(n >> 6) & 63] : '=';
  out += '=';
}

void regsub(const conf::Converter& c, std::string_view in, std::string& out) {
  constexpr size_t kGroups = 10;
  regmatch_t groups[kGroups];
  size_t pos = 0;
  while (pos <= in.size()) {
    const std::string_view rest = in.substr(pos);
    if (!c.regex->match(rest, groups, kGroups)) break;
    out += rest.substr(0, static_cast<size_t>(groups[0].rm_so));
    substitute(rest, groups, kGroups, c.replacement, out);
    pos += static_cast<size_t>(groups[0].rm_eo);
    if (groups[0].rm_eo == groups[0].rm_so) {  // an empty match: step over one character
      if (pos < in.size()) out += in[pos];
      ++pos;
    }
    if (!c.global) break;
  }
  if (pos < in.size()) out += in.substr(pos);
}

// Converts `value` in place.
void convert(const conf::Converter& c, std::string& value) {
  std::string out;
  switch (c.kind) {
    case ConverterKind::Lower:
      for (char& ch : value)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return;
    case ConverterKind::Upper:
      for (char& ch : value)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      return;
    case ConverterKind::Length:
      value = std::to_string(value.size());
      return;
    case ConverterKind::Base64:
      base64(value, out);
      break;
    case ConverterKind::Hex:
      for (unsigned char ch : value) {
        static constexpr char kDigits[] = "0123456789ABCDEF";
        out += kDigits[ch >> 4];
        out += kDigits[ch & 15];
      }
      break;
    case ConverterKind::Regsub:
      regsub(c, value, out);
      break;
  }
  value = std::move(out);
}

}  // namespace

void substitute(std::string_view text, const regmatch_t* groups, size_t ngroups,
                std::string_view replacement, std::string& out) {
  for (size_t i = 0; i < replacement.size(); ++i) {
    const char c = replacement[i];
    if (c == '\\' && i + 1 < replacement.size() &&
        std::isdigit(static_cast<unsigned char>(replacement[i + 1]))) {
      const size_t g = static_cast<size_t>(replacement[++i] - '0');
      if (g < ngroups && groups[g].rm_so >= 0)
        out += text.substr(static_cast<size_t>(groups[g].rm_so),
                           static_cast<size_t>(groups[g].rm_eo - groups[g].rm_so));
      continue;
    }
    out += c;
  }
}

bool sample_value(const conf::SampleExpr& expr, const RequestContext& ctx, std::string& out) {
  if (expr.converters.empty()) return fetch(expr.fetch, ctx, out);
  std::string value;
  if (!fetch(expr.fetch, ctx, value)) return false;
  for (const conf::Converter& c : expr.converters)
    convert(c, value);
  out += value;
  return true;
}

}  // namespace ferry::http
