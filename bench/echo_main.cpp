// bench-echo: writes back every byte it reads, on every connection, until the peer closes or
// half-closes; then it closes. The backend of the rr, connrate and idle scenarios.
#include <sys/socket.h>

#include <cerrno>

#include "bench/backend_server.hpp"

using namespace ferry::bench;

namespace {

constexpr size_t kScratch = 64 * 1024;

class EchoConn final : public BackendConn {
 public:
  using BackendConn::BackendConn;

 private:
  void readable() override {
    for (int round = 0; round < 4 && !closing(); ++round) {
      const ssize_t n = ::recv(fd(), server().scratch(), server().scratch_size(), 0);
      if (n > 0) {
        send_or_queue(server().scratch(), static_cast<size_t>(n));
        if (static_cast<size_t>(n) < server().scratch_size()) return;  // drained for now
        continue;
      }
      if (n == 0) return close_after_flush();
      if (errno != EAGAIN && errno != EINTR) close_now();
      return;
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  return run_backend(argc, argv, "bench-echo", kScratch,
                     [](BackendServer& s, int fd) { return std::make_unique<EchoConn>(s, fd); });
}
