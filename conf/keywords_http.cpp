// Keywords of `mode http` proxies that ferry applies: the connection mode options and
// `option forwardfor`, `errorfile` (the HTTP timeouts are with the others, in keywords_proxy.cpp).
// HTTP keywords it does not implement yet are rows of keywords_unsupported.cpp, refused with a
// message.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "conf/errorfile.hpp"
#include "conf/keyword_table.hpp"
#include "conf/log_format.hpp"
#include "conf/network.hpp"
#include "conf/number.hpp"

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
    } else if (a == "except" && i + 1 < call.args.size()) {
      ff.except.emplace();
      if (auto err = parse_network(call.args[++i], *ff.except))
        return fail(ctx, call, "'option forwardfor except' " + *err);
    } else {
      return fail(ctx, call,
                  "unexpected '" + a +
                      "'; use 'option forwardfor [except <network>] [header <name>] [if-none]'");
    }
  }
  ctx.proxy().forwardfor = ff;
}

// errorfile <code> <file>: read now (a file that changes later does not change the reply).
void errorfile(ParseContext& ctx, const Call& call) {
  ErrorFile ef;
  ef.pos = call.pos();
  ef.path = call.args[1];
  const auto code = parse_integer(call.args[0]);
  if (!code || std::find(std::begin(kErrorfileStatuses), std::end(kErrorfileStatuses), *code) ==
                   std::end(kErrorfileStatuses)) {
    std::string list;
    for (int s : kErrorfileStatuses)
      list += (list.empty() ? "" : ", ") + std::to_string(s);
    return fail(
        ctx, call,
        "status code '" + call.args[0] + "' is not one errorfile handles; use one of " + list);
  }
  ef.status = static_cast<int>(*code);
  std::string bytes;
  if (auto err = read_small_file(ef.path, kErrorfileMaxSize + 1, bytes))
    return fail(ctx, call, "cannot read the errorfile '" + ef.path + "': " + *err);
  if (auto err = parse_errorfile(bytes, ef))
    return fail(ctx, call, "errorfile '" + ef.path + "' is not a response ferry can send: " + *err);
  auto& files = ctx.proxy().errorfiles;
  std::erase_if(files, [&](const ErrorFile& f) { return f.status == ef.status; });
  files.push_back(std::move(ef));
}

// unique-id-format <format>: an empty format removes the id (as HAProxy).
void unique_id_format(ParseContext& ctx, const Call& call) {
  std::vector<LogFormatPiece> pieces;
  if (auto err = parse_log_format(call.args[0], pieces))
    return fail(ctx, call, "unique-id-format '" + call.args[0] + "': " + *err);
  ctx.proxy().unique_id_format = std::move(pieces);
}

void unique_id_header(ParseContext& ctx, const Call& call) {
  ctx.proxy().unique_id_header = call.args[0];
}

constexpr Keyword kTable[] = {
    {.name = "unique-id-format",
     .sections = kDefaults | kFrontend | kListen,
     .handler = unique_id_format,
     .usage = "unique-id-format <log-format string>",
     .min_args = 1,
     .max_args = 1},
    {.name = "unique-id-header",
     .sections = kDefaults | kFrontend | kListen,
     .handler = unique_id_header,
     .usage = "unique-id-header <name>",
     .min_args = 1,
     .max_args = 1},
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
     .usage = "option forwardfor [except <network>] [header <name>] [if-none]",
     .max_args = -1},
    {.name = "errorfile",
     .sections = kAnyProxy,
     .handler = errorfile,
     .usage = "errorfile <code> <file>",
     .min_args = 2,
     .max_args = 2},
};

}  // namespace

std::span<const Keyword> http_keywords() {
  return kTable;
}

}  // namespace ferry::conf
