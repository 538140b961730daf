#include "tests/support/scripted_http_app.hpp"

#include <stdexcept>

namespace ferry::test {

namespace {

constexpr const char* kApp = R"(import os, socket, sys, threading, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(64)
def serve(c):
    buf = b''
    while True:
        while b'\r\n\r\n' not in buf:
            d = c.recv(65536)
            if not d:
                c.close()
                return
            buf += d
        head, buf = buf.split(b'\r\n\r\n', 1)
        path = head.split(b' ')[1].decode()
        if path == '/slow':
            time.sleep(1)
        if path == '/garbage':
            c.sendall(b'NOT HTTP\r\n\r\n')
            c.close()
            return
        code = int(path[1:4]) if path[1:4].isdigit() else 200
        body = path.encode() + b'\n'
        try:
            c.sendall(b'HTTP/1.1 %d X\r\nContent-Length: %d\r\n\r\n' % (code, len(body)) + body)
        except OSError:
            return
while True:
    threading.Thread(target=serve, args=(s.accept()[0],), daemon=True).start()
)";

}  // namespace

ScriptedHttpApp::ScriptedHttpApp(const TempDir& dir, const std::string& path)
    : program_(std::make_unique<Program>(
          dir, "app", ProgramSpec{{"python3", dir.write_file("app.py", kApp), path}, "", {}})) {
  if (!poll_until([&] { return ClientConn::unix_socket(path).ok(); }, 10s))
    throw std::runtime_error("the scripted HTTP app did not start: " + program_->err());
}

std::string http_get(const std::string& path, const std::string& extra) {
  return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
}

}  // namespace ferry::test
