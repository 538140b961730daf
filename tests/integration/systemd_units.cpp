// The unit files of examples/systemd/: systemd-analyze accepts them (with the ferry under test in
// place of /usr/sbin/ferry), and the proxy unit's command line is one ferry accepts.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/admin_programs.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ferry::test;

namespace {

const std::string kUnits = std::string(FERRY_SOURCE_DIR) + "/examples/systemd/";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The words of the first `ExecStart=` line of a unit (no quoting in our examples).
std::vector<std::string> exec_start(const std::string& unit) {
  const std::string text = read_file(kUnits + unit);
  const size_t at = text.find("\nExecStart=");
  std::vector<std::string> words;
  if (at == std::string::npos) return words;
  const std::string line = text.substr(at + 11, text.find('\n', at + 1) - at - 11);
  for (size_t i = 0; i < line.size();) {
    const size_t end = std::min(line.find(' ', i), line.size());
    if (end > i) words.push_back(line.substr(i, end - i));
    i = end + 1;
  }
  return words;
}

}  // namespace

TEST_CASE("systemd-analyze verify accepts the example units") {
  REQUIRE(!find_program("systemd-analyze").empty());
  TempDir dir;
  std::vector<std::string> argv = {"systemd-analyze", "verify"};
  for (const char* unit :
       {"ferry.service", "ferry.socket", "ferry-proxy.socket", "ferry-proxy.service"}) {
    const std::string text = read_file(kUnits + unit);
    REQUIRE(!text.empty());
    argv.push_back(dir.write_file(unit, replace_all(text, "/usr/sbin/ferry", ferry_binary())));
  }
  const ProgramResult r = run_program({argv, "", {}}, 60s);
  CHECK_MESSAGE((r.status == ExitStatus{true, 0, 0}), r.describe());
  CHECK_MESSAGE(r.output().empty(), r.describe());
}

TEST_CASE("the proxy unit's command line is valid") {
  std::vector<std::string> words = exec_start("ferry-proxy.service");
  REQUIRE(words.size() > 2);
  CHECK(words[0] == "/usr/sbin/ferry");
  words.erase(words.begin());
  words.push_back("-c");
  const RunResult r = run_ferry(words);
  CHECK_MESSAGE((r.status == ExitStatus{true, 0, 0}), r.output());
}
