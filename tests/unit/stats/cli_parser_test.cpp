#include "stats/cli_parser.hpp"

#include <doctest/doctest.h>

namespace ferry::stats::test {
namespace {

using Words = std::vector<std::string>;

// Every command `input` yields, in order, as words joined by '|'.
std::vector<std::string> commands(std::string input, bool eof = true) {
  std::vector<std::string> out;
  while (auto cmd = next_command(input, eof)) {
    std::string joined;
    for (const auto& w : cmd->words)
      joined += (joined.empty() ? "" : "|") + w;
    out.push_back(joined);
    input.erase(0, cmd->consumed);
  }
  return out;
}

TEST_CASE("framing: a command ends with LF or semicolon") {
  CHECK(commands("show info\n") == std::vector<std::string>{"show|info"});
  CHECK(commands("a;b;c\n") == std::vector<std::string>{"a", "b", "c"});
  CHECK(commands("get weight b/s; disable server b/s\n") ==
        std::vector<std::string>{"get|weight|b/s", "disable|server|b/s"});
}

TEST_CASE("framing: a line without its terminator never runs") {
  CHECK(commands("show info", false).empty());
  CHECK(commands("show info", true).empty());
  CHECK(commands("show info\nshow st", true) == std::vector<std::string>{"show|info"});
}

TEST_CASE("framing: CRLF is accepted, only one CR before the terminator is dropped") {
  CHECK(commands("show cli level\r\n") == std::vector<std::string>{"show|cli|level"});
  CHECK(commands("show cli level\r;") == std::vector<std::string>{"show|cli|level"});
  CHECK(commands("show cli level\r\r\n") == std::vector<std::string>{"show|cli|level\r"});
  CHECK(commands("show cli level\rfoo\n") == std::vector<std::string>{"show|cli|level\rfoo"});
}

TEST_CASE(
    "framing: empty commands are commands (empty line, 'two semicolons', trailing semicolon)") {
  CHECK(commands("\n") == std::vector<std::string>{""});
  CHECK(commands("   \n") == std::vector<std::string>{""});
  CHECK(commands("a;;\n") == std::vector<std::string>{"a", "", ""});
  CHECK(commands("a;\n") == std::vector<std::string>{"a", ""});
}

TEST_CASE("framing: backslash escapes") {
  CHECK(commands("get weight b/s\\;\n") == std::vector<std::string>{"get|weight|b/s;"});
  CHECK(commands("show\\ cli level\n") == std::vector<std::string>{"show cli|level"});
  CHECK(commands("get weight b/s\\1\n") == std::vector<std::string>{"get|weight|b/s1"});
  CHECK(commands("show cli\\\\;level\n") == std::vector<std::string>{"show|cli\\", "level"});
  CHECK(commands("a b\\\\\n") == std::vector<std::string>{"a|b\\"});
}

TEST_CASE("framing: an escaped LF is data, and a tail ending with one still runs at EOF") {
  CHECK(commands("get weight be_\\\napp/s1\n") ==
        std::vector<std::string>{"get|weight|be_\napp/s1"});
  CHECK(commands("show cli level\\\n", false).empty());
  CHECK(commands("show cli level \\\n", true) == std::vector<std::string>{"show|cli|level|"});
}

TEST_CASE("framing: words split on spaces and tabs, blanks ignored") {
  CHECK(split_words("  show   cli\tlevel  ") == Words{"show", "cli", "level"});
  CHECK(split_words("") == Words{});
  CHECK(split_words("\"be_app/s1\"") == Words{"\"be_app/s1\""});  // no quoting in the CLI
}

TEST_CASE("framing: consumed counts the terminator") {
  auto cmd = next_command("ab\ncd\n", false);
  REQUIRE(cmd);
  CHECK(cmd->consumed == 3);
  CHECK(cmd->text == "ab");
}

TEST_CASE("framing: a command is at most 16100 bytes, as HAProxy 2.6 answers") {
  const std::string longest(kMaxCommandLength, 'x');
  auto ok = next_command(longest + "\r\n", false);
  REQUIRE(ok);
  CHECK_FALSE(ok->too_long);
  CHECK(ok->text.size() == kMaxCommandLength);
  CHECK_FALSE(next_command(longest, false));  // its LF may still come
  CHECK(next_command(longest + "x\n", false)->too_long);
  CHECK(next_command(longest + "xx", false)->too_long);  // known before any terminator
  CHECK(next_command(std::string(1 << 20, 'x'), false)->too_long);
  // The limit is per command: a long list of short ones is fine.
  std::string list;
  for (int i = 0; i < 3000; ++i)
    list += "show info;";
  CHECK(commands(list + "\n").size() == 3001);
}

}  // namespace
}  // namespace ferry::stats::test
