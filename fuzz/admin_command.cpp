// The runtime API as an admin connection runs it: the bytes are framed into commands
// (next_command), each is run at level admin against a small runtime (one frontend, one backend
// of three servers: the stats unit-test fixture) and its reply formatted; a `wait` is judged
// once, as if its delay had passed. A fresh runtime per input keeps every crash reproducible.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "stats/cli_parser.hpp"
#include "stats/commands.hpp"
#include "tests/unit/stats/stats_fixture.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ferry::stats;
  test::Runtime rt;
  CliSession session;
  session.bind_level = session.level = ferry::conf::Level::Admin;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!session.quit) {
    auto cmd = next_command(input, true);
    if (!cmd) break;
    if (cmd->consumed == 0 || cmd->consumed > input.size()) std::abort();  // would loop or overrun
    input.remove_prefix(cmd->consumed);
    Reply reply = run_command(cmd->words, session, rt.ctx);
    if (reply.wait) reply = finish_wait(*reply.wait, wait_status(*reply.wait, rt.engine));
    (void)format_reply(reply, session);
  }
  return 0;
}
