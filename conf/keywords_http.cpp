// Keywords of `mode http` proxies that ferry applies: the connection mode options and
// `option forwardfor` (the HTTP timeouts are with the others, in keywords_proxy.cpp). HTTP keywords
// it does not implement yet are rows of keywords_unsupported.cpp, refused with a message.
#include "conf/keyword_table.hpp"

namespace ferry::conf {

namespace {

template <HttpConnMode Mode>
void conn_mode(ParseContext& ctx, const Call& call) {
  HttpConnMode& m = ctx.proxy().http_conn_mode;
  if (!call.negated)
    m = Mode;
  else if (m == Mode)
    m = HttpConnMode::KeepAlive;
}

// option forwardfor [except <network>] [header <name>] [if-none]
void forwardfor(ParseContext& ctx, const Call& call) {
  ForwardFor ff;
  ff.enabled = true;
  for (size_t i = 0; i < call.args.size(); ++i) {
    const std::string& a = call.args[i];
    if (a == "if-none") {
      ff.if_none = true;
    } else if (a == "header" && i + 1 < call.args.size()) {
      ff.header = call.args[++i];
    } else if (a == "except") {
      return fail(ctx, call,
                  "'option forwardfor except' is not supported by ferry yet; remove 'except "
                  "<network>' (every client's address is then added)");
    } else {
      return fail(ctx, call,
                  "unexpected '" + a + "'; use 'option forwardfor [header <name>] [if-none]'");
    }
  }
  ctx.proxy().forwardfor = ff;
}

constexpr Keyword kTable[] = {
    {.name = "option http-keep-alive",
     .sections = kAnyProxy,
     .handler = conn_mode<HttpConnMode::KeepAlive>,
     .usage = "option http-keep-alive",
     .negatable = true},
    {.name = "option http-server-close",
     .sections = kAnyProxy,
     .handler = conn_mode<HttpConnMode::ServerClose>,
     .usage = "option http-server-close",
     .negatable = true},
    {.name = "option httpclose",
     .sections = kAnyProxy,
     .handler = conn_mode<HttpConnMode::Close>,
     .usage = "option httpclose",
     .negatable = true},
    {.name = "option forwardfor",
     .sections = kAnyProxy,
     .handler = forwardfor,
     .usage = "option forwardfor [header <name>] [if-none]",
     .max_args = -1},
};

}  // namespace

std::span<const Keyword> http_keywords() {
  return kTable;
}

}  // namespace ferry::conf
