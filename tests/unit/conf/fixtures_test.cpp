// Walks tests/conf/good and tests/conf/bad: every config there is loaded and its diagnostics
// compared, line for line, with the sibling `.expected` file (see tests/conf/README.md).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(FERRY_SOURCE_DIR) / "tests" / "conf";

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> expected_lines(const fs::path& config) {
  fs::path expected = config;
  expected.replace_extension(".expected");
  std::vector<std::string> out;
  if (!fs::exists(expected)) return out;
  std::istringstream in(read(expected));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

std::vector<fs::path> configs(const std::string& folder) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(kFixtures / folder)) {
    const auto ext = entry.path().extension();
    if (ext == ".cfg" || ext == ".yaml" || ext == ".yml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Loads a fixture under its name relative to tests/conf, as the .expected files spell it.
LoadResult load_fixture(const std::string& folder, const fs::path& path) {
  return load_string(folder + "/" + path.filename().string(), read(path));
}

TEST_CASE("fixtures: every good config loads, with exactly the expected warnings") {
  const auto files = configs("good");
  REQUIRE(files.size() >= 5);
  for (const auto& path : files) {
    CAPTURE(path.string());
    const LoadResult r = load_fixture("good", path);
    CHECK(r.ok());
    CHECK(lines(r) == expected_lines(path));
  }
}

TEST_CASE("fixtures: every bad config fails, with exactly the expected messages") {
  const auto files = configs("bad");
  REQUIRE(files.size() >= 10);
  for (const auto& path : files) {
    CAPTURE(path.string());
    fs::path expected = path;
    REQUIRE_MESSAGE(fs::exists(expected.replace_extension(".expected")),
                    "a bad fixture needs its .expected file");
    const LoadResult r = load_fixture("bad", path);
    CHECK_FALSE(r.ok());
    CHECK(lines(r) == expected_lines(path));
  }
}

}  // namespace
}  // namespace ferry::conf::test
