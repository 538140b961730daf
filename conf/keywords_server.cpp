// `server <name> <address> [options]` (backend, listen) and `default-server [options]`
// (defaults, backend, listen). A new server starts as a copy of its section's default-server.
// The option table itself is in server_options.cpp.
#include "conf/address.hpp"
#include "conf/keyword_table.hpp"
#include "conf/line_options.hpp"

namespace ferry::conf {

namespace {

void check_address(ParseContext& ctx, const Call& call, const std::string& label, Address& addr) {
  if (auto err = parse_address(call.args[1], addr))
    return ctx.error(call.pos(), label + ": " + *err);
  if (addr.kind == AddressKind::Fd)
    return ctx.error(call.pos(), label + ": '" + addr.text + "' names an inherited listening " +
                                     "socket; a server needs an address to connect to");
  if (addr.kind != AddressKind::Inet) return;
  if (addr.host.empty())
    return ctx.error(call.pos(), label + ": address '" + addr.text + "' has no host; a server " +
                                     "needs the IP to connect to (e.g. 127.0.0.1:" +
                                     std::to_string(addr.port) + ")");
  if (addr.port == 0)
    return ctx.error(call.pos(), label + ": address '" + addr.text + "' needs a port other " +
                                     "than 0 to connect to");
}

void server(ParseContext& ctx, const Call& call) {
  ServerConf s = ctx.default_server();
  s.pos = call.pos();
  s.name = call.args[0];
  s.id = 0;
  const std::string label = server_label(ctx, s.name);
  if (auto err = check_name("server", s.name)) ctx.error(call.pos(), *err);
  check_address(ctx, call, label, s.addr);
  apply_server_options(ctx, s, label, call.args.subspan(2), call.pos(), false);
  ctx.proxy().servers.push_back(std::move(s));
}

void default_server(ParseContext& ctx, const Call& call) {
  apply_server_options(ctx, ctx.default_server(), default_server_label(ctx), call.args, call.pos(),
                       true);
}

constexpr Keyword kTable[] = {
    {.name = "server",
     .sections = kBackend | kListen,
     .handler = server,
     .usage = "server <name> <address> [options]",
     .min_args = 2,
     .max_args = -1,
     .misplaced = Misplaced::Error},
    {.name = "default-server",
     .sections = kDefaults | kBackend | kListen,
     .handler = default_server,
     .usage = "default-server [options]",
     .max_args = -1,
     .misplaced = Misplaced::Error},
};

}  // namespace

std::string server_label(ParseContext& ctx, const std::string& server_name) {
  return "server '" + ctx.proxy().name + "/" + server_name + "'";
}

std::string default_server_label(ParseContext& ctx) {
  return "default-server in " + ctx.where();
}

std::span<const Keyword> server_keywords() {
  return kTable;
}

}  // namespace ferry::conf
