// A scripted HTTP application on UNIX sockets for the tests in mode http
// (tests/support/scripted_http_app.py, a python3 process of its own): every request is answered
// 200, or the status its path starts with (`/404` answers 404), with a body from a template naming
// the socket, the path and request fields; `/slow` answers after a second, `/garbage` with a bad
// status line; request fields `X-Set` and `X-CC` come back as `Set-Cookie` and `Cache-Control`.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/admin_programs.hpp"
#include "tests/support/client_conn.hpp"
#include "tests/support/temp_dir.hpp"

namespace ferry::test {

class ScriptedHttpApp {
 public:
  // Listens on `path` (in `dir`, which must outlive it); each answer has the status its path
  // starts with (200 for others) and the path and a newline as its body. Throws if it does not
  // come up.
  ScriptedHttpApp(const TempDir& dir, const std::string& path);
  // Listens on each {name, path} of `sockets`; each answer is a 200 (with `status_from_path`,
  // the status the path starts with) whose body is `body` with `{name}` the socket's name,
  // `{path}` the request's path and `{field}` a request field's value (its name in lower case;
  // `-` when absent). Throws if a socket does not come up.
  ScriptedHttpApp(const TempDir& dir,
                  const std::vector<std::pair<std::string, std::string>>& sockets,
                  const std::string& body, bool status_from_path = false);

 private:
  std::unique_ptr<Program> program_;
};

// A GET request for `path`, with `extra` header lines.
std::string http_get(const std::string& path, const std::string& extra = "");

}  // namespace ferry::test
