// Install and package (issue 11): `cmake --install` and CPack's .deb carry ferry (sbin),
// ferryctl (bin), the three man pages, the examples and the systemd unit; the .deb depends on
// the Debian runtime packages; each man page renders without a warning; `ferry -vv` tells the
// build and the libraries.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/admin_programs.hpp"
#include "tests/support/ferry_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace ferry::test;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const char* const kInstalled[] = {
    "sbin/ferry",
    "bin/ferryctl",
    "share/man/man8/ferry.8",
    "share/man/man8/ferryctl.8",
    "share/man/man5/ferry.cfg.5",
    "share/doc/ferry/examples/quickstart.cfg",
    "share/doc/ferry/examples/service.cfg",
    "share/doc/ferry/examples/logrotate/ferry-logs.logrotate",
};

}  // namespace

TEST_CASE("cmake --install puts ferry in sbin, ferryctl in bin, man pages and examples") {
  TempDir dir;
  const ProgramResult r = run_program(
      ProgramSpec{{"cmake", "--install", FERRY_BUILD_DIR, "--prefix", dir.file("usr")}, "", {}},
      60s);
  REQUIRE_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  const ProgramResult found =
      run_program(ProgramSpec{{"find", dir.file("usr"), "-type", "f", "-printf", "%P\n"}, "", {}});
  const auto files = lines(found.out);
  for (const std::string f : kInstalled) {
    INFO(f);
    CHECK(has(files, f));
  }
}

TEST_CASE(
    "the .deb holds the installed tree under /usr and depends on the Debian runtime libraries") {
  TempDir dir;
  const ProgramResult r = run_program(
      ProgramSpec{{"cpack", "-G", "DEB", "--config",
                   std::string(FERRY_BUILD_DIR) + "/CPackConfig.cmake", "-B", dir.path()},
                  "",
                  {}},
      240s);
  REQUIRE_MESSAGE(r.status == (ExitStatus{true, 0, 0}), r.describe());
  const std::string deb = dir.file("ferry_0.1.0_amd64.deb");
  const ProgramResult list =
      run_program(ProgramSpec{{"sh", "-c", "dpkg-deb -c \"$0\" | awk '{print $6}'", deb}, "", {}});
  const auto files = lines(list.out);
  for (const std::string f : kInstalled) {
    INFO(f);
    CHECK(has(files, "./usr/" + f));
  }
  const ProgramResult depends =
      run_program(ProgramSpec{{"dpkg-deb", "-f", deb, "Depends"}, "", {}});
  INFO(depends.out);
  // libssl3: the TLS of admin sockets (stats socket ... ssl).
  for (const char* package : {"libev4", "libyaml-cpp0.7", "libstdc++6", "libc6", "libssl3"})
    CHECK(depends.out.find(package) != std::string::npos);
}

TEST_CASE("each man page renders without a warning") {
  for (const char* page : {"man/ferry.8", "man/ferryctl.8", "man/ferry.cfg.5"}) {
    const ProgramResult r = run_program(ProgramSpec{
        {"groff", "-man", "-ww", "-z", "-Tutf8", std::string(FERRY_SOURCE_DIR) + "/" + page},
        "",
        {{"LC_ALL", "C.UTF-8"}}});
    INFO(page << ": " << r.describe());
    CHECK(r.status == (ExitStatus{true, 0, 0}));
    CHECK(r.err.empty());
  }
}

TEST_CASE("ferry -vv prints the version, the build options and the libraries' versions") {
  const RunResult r = run_ferry({"-vv"});
  CHECK(r.status == (ExitStatus{true, 0, 0}));
  for (const char* part : {"ferry version 0.1.0\n", "  BUILD_TYPE = ", "  SANITIZERS = ",
                           "  COMPILER   = ", "Built with libev version : ",
                           "Running on libev version : ", "Built with yaml-cpp version : ",
                           "Built with nlohmann/json version : 3.", "Built without OpenSSL"})
    CHECK_MESSAGE(r.out.find(part) != std::string::npos, part << "\n" << r.out);
  CHECK(run_ferry({"-v"}).out == "ferry version 0.1.0\n");
}
