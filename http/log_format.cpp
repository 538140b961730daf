#include "http/log_format.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdio>
#include <cstring>

#include "http/sample_eval.hpp"

namespace ferry::http {

namespace {

using Kind = conf::LogFormatPiece::Kind;

std::string number(uint64_t v, bool hex, int hex_width) {
  char buf[32];
  if (hex)
    std::snprintf(buf, sizeof buf, "%0*llX", hex_width, static_cast<unsigned long long>(v));
  else
    std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(v));
  return buf;
}

// The address's text (hex form: its bytes); false for a UNIX address in hex form.
bool address(const core::SockAddr& a, bool hex, std::string& out) {
  if (a.is_unix()) {
    out += "unix";
    return !hex;
  }
  const void* bytes =
      a.family() == AF_INET
          ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(a.get())->sin_addr)
          : &reinterpret_cast<const sockaddr_in6*>(a.get())->sin6_addr;
  const size_t size = a.family() == AF_INET ? 4 : 16;
  if (hex) {
    const auto* b = static_cast<const unsigned char*>(bytes);
    for (size_t i = 0; i < size; ++i)
      out += number(b[i], true, 2);
    return true;
  }
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(a.family(), bytes, text, sizeof text);
  out += text;
  return true;
}

// The port of the address, the listener's number for a UNIX one.
uint64_t port(const core::SockAddr& a, int listener_number) {
  return a.is_unix() ? static_cast<uint64_t>(listener_number) : a.port();
}

}  // namespace

void render_log_format(const conf::LogFormat& format, const LogFormatInputs& in, std::string& out) {
  const size_t start = out.size();
  const core::SockAddr* client = in.request.src;
  const core::SockAddr* local = in.request.dst;
  for (const conf::LogFormatPiece& p : format) {
    bool ok = true;
    switch (p.kind) {
      case Kind::Text:
        out += p.text;
        break;
      case Kind::ClientIp:
        ok = address(*client, p.hex, out);
        break;
      case Kind::FrontendIp:
        ok = address(*local, p.hex, out);
        break;
      case Kind::ClientPort:
        out += number(port(*client, in.listener_number), p.hex, 4);
        break;
      case Kind::FrontendPort:
        out += number(port(*local, in.listener_number), p.hex, 4);
        break;
      case Kind::AcceptSecs:
        out += number(static_cast<uint64_t>(in.accept_secs), p.hex, 8);
        break;
      case Kind::RequestCounter:
        out += number(in.request_number, p.hex, 4);
        break;
      case Kind::Pid:
        out += number(static_cast<uint64_t>(in.pid), p.hex, 4);
        break;
      case Kind::FrontendName:
        out += in.frontend;
        break;
      case Kind::Hostname:
        out += in.hostname;
        break;
      case Kind::Sample:  // as HAProxy 2.6 (observed): a missing sample writes nothing
        sample_value(*p.sample, in.request, out);
        break;
    }
    if (!ok) return out.resize(start);
  }
}

}  // namespace ferry::http
