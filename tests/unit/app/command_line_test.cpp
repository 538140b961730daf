#include "app/command_line.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace ferry::app::test {
namespace {

// Parses `args` (after the program name); the error, or "" with `out` filled.
std::string parse(std::vector<std::string> args, CommandLine& out) {
  args.insert(args.begin(), "ferry");
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  std::string error;
  parse_command_line(static_cast<int>(argv.size()), argv.data(), out, error);
  return error;
}

TEST_CASE("-sf and -st take every following number as a pid") {
  CommandLine c;
  CHECK(parse({"-f", "x.cfg", "-sf", "12", "34", "-st", "56", "-db"}, c).empty());
  CHECK(c.soft_stop_pids == std::vector<pid_t>{12, 34});
  CHECK(c.hard_stop_pids == std::vector<pid_t>{56});
  CHECK(c.foreground);
}

// atoi("99999999999") is undefined (glibc wraps it to some other process's pid), and pid 0 would
// signal ferry's whole process group.
TEST_CASE("-sf refuses a number that is no process id") {
  CommandLine c;
  CHECK(parse({"-sf", "99999999999"}, c) ==
        "'99999999999' after -sf is not a process id (1 to 2147483647)");
  CommandLine d;
  CHECK(parse({"-st", "7", "0"}, d) == "'0' after -st is not a process id (1 to 2147483647)");
  CommandLine e;
  CHECK(parse({"-f", "x.cfg", "-sf", "2147483647"}, e).empty());
  CHECK(e.soft_stop_pids == std::vector<pid_t>{2147483647});
}

}  // namespace
}  // namespace ferry::app::test
