// A scripted HTTP application on a UNIX socket for the tests that compare ferry with HAProxy in
// mode http: every request is answered with its path as the body and the status its path
// starts with (`/404` answers 404, others 200); `/slow` answers after a second, `/garbage` with
// a bad status line. Runs as a python3 process of its own.
#pragma once

#include <memory>
#include <string>

#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/temp_dir.hpp"

namespace ferry::test {

class ScriptedHttpApp {
 public:
  // Listens on `path` (in `dir`, which must outlive it); throws if it does not come up.
  ScriptedHttpApp(const TempDir& dir, const std::string& path);

 private:
  std::unique_ptr<Program> program_;
};

// A GET request for `path`, with `extra` header lines.
std::string http_get(const std::string& path, const std::string& extra = "");

}  // namespace ferry::test
