#include "tests/support/scripted_http_app.hpp"

#include <stdexcept>

namespace ferry::test {

ScriptedHttpApp::ScriptedHttpApp(const TempDir& dir, const std::string& path)
    : ScriptedHttpApp(dir, {{"app", path}}, "{path}\n", true) {}

ScriptedHttpApp::ScriptedHttpApp(const TempDir& dir,
                                 const std::vector<std::pair<std::string, std::string>>& sockets,
                                 const std::string& body, bool status_from_path) {
  std::vector<std::string> argv{"python3", FERRY_SOURCE_DIR "/tests/support/scripted_http_app.py",
                                body, status_from_path ? "from-path" : "200"};
  for (const auto& [name, path] : sockets)
    argv.push_back(name + "=" + path);
  program_ = std::make_unique<Program>(dir, "app", ProgramSpec{argv, "", {}});
  for (const auto& [name, path] : sockets)
    if (!poll_until([&] { return ClientConn::unix_socket(path).ok(); }, 10s))
      throw std::runtime_error("the scripted HTTP app did not start on " + path + ": " +
                               program_->err());
}

std::string http_get(const std::string& path, const std::string& extra) {
  return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
}

}  // namespace ferry::test
