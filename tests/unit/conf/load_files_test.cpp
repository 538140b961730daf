#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "conf_test.hpp"

namespace ferry::conf::test {
namespace {

namespace fs = std::filesystem;
using V = std::vector<std::string>;

// A fresh temporary directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "ferry-conf-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

TEST_CASE("load_files: several files share defaults, in order") {
  TempDir dir;
  const auto a = dir.write("a.cfg", kTimeouts + "  retries 6\n");
  const auto b = dir.write("b.cfg", "backend b\n  server s /s.sock\n");
  const auto r = load_files({a, b});
  CHECK(lines(r) == V{});
  CHECK(proxy(r, "b").retries == 6);
  CHECK(proxy(r, "b").pos.file == b);
}

TEST_CASE("load_files: a file starts outside any section") {
  TempDir dir;
  const auto a = dir.write("a.cfg", "global\n  daemon\n");
  const auto b = dir.write("b.cfg", "  maxconn 5\n");
  CHECK(lines(load_files({a, b})) ==
        V{b + ":1: error: 'maxconn' is outside any section; start one with 'global', "
              "'defaults', 'frontend', 'backend' or 'listen'"});
}

TEST_CASE("load_files: a directory loads its config files sorted by name") {
  TempDir dir;
  dir.write("20-backend.cfg", "backend b\n  server s /s.sock\n");
  dir.write("10-defaults.cfg", kTimeouts);
  // A YAML file does not inherit the defaults of the files before it.
  dir.write(
      "30-frontend.yaml",
      "frontends: [ { name: f, bind: ':1', default_backend: b, timeout: { client: 2s } } ]\n");
  dir.write("README.md", "not a config");
  dir.write(".hidden.cfg", "garbage");
  fs::create_directory(dir.path / "sub.cfg");
  const auto r = load_files({dir.path.string()});
  CHECK(lines(r) == V{});
  REQUIRE(r.config.proxies.size() == 2);
  CHECK(r.config.proxies[0].name == "b");
  CHECK(r.config.proxies[0].timeouts.connect == Millis(1000));
  CHECK(r.config.proxies[1].name == "f");
  CHECK_FALSE(r.config.proxies[1].timeouts.connect);
}

TEST_CASE("load_files: unreadable files and empty directories") {
  TempDir dir;
  const std::string missing = (dir.path / "missing.cfg").string();
  fs::create_directory(dir.path / "empty");
  const std::string empty = (dir.path / "empty").string();
  const auto r = load_files({missing, empty});
  CHECK(lines(r) == V{
                        missing + ": error: cannot open config file: No such file or directory",
                        empty + ": warning: config directory has no *.cfg, *.yaml or *.yml file",
                    });
  if (geteuid() != 0) {  // root reads anything
    const auto locked = dir.write("locked.cfg", "global\n");
    chmod(locked.c_str(), 0);
    CHECK(lines(load_files({locked})) ==
          V{locked + ": error: cannot open config file: Permission denied"});
  }
  CHECK(lines(load_files({})) == V{"error: no configuration file given; use -f <file>"});
}

TEST_CASE("load_files: errors of every file are reported, in load order") {
  TempDir dir;
  const auto a = dir.write("a.cfg", "global\n  maxconn x\n");
  const auto b = dir.write("b.yaml", "global: { nbthread: 0 }\n");
  CHECK(lines(load_files({b, a})) ==
        V{
            b + ":1:21: error: global section: 'nbthread' expects an integer between 1 and 64 (got "
                "'0')",
            a + ":2: error: global section: 'maxconn' expects a non-negative integer (got 'x')",
        });
}

}  // namespace
}  // namespace ferry::conf::test
