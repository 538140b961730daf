// bench-sink: reads and discards everything; when the peer half-closes it answers with the count
// of bytes it read (8 bytes, little-endian) and closes. The backend of the bulk scenario.
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>

#include "bench/backend_server.hpp"

using namespace ferry::bench;

namespace {

constexpr size_t kScratch = 256 * 1024;
constexpr int kRoundsPerWakeup = 16;  // bounds one connection's turn when several stream at once

class SinkConn final : public BackendConn {
 public:
  using BackendConn::BackendConn;

 private:
  void readable() override {
    for (int round = 0; round < kRoundsPerWakeup; ++round) {
      const ssize_t n = ::recv(fd(), server().scratch(), server().scratch_size(), 0);
      if (n > 0) {
        received_ += static_cast<uint64_t>(n);
        continue;
      }
      if (n == 0) return acknowledge();
      if (errno != EAGAIN && errno != EINTR) close_now();
      return;
    }
  }

  void acknowledge() {
    char count[8];
    for (int i = 0; i < 8; ++i)
      count[i] = static_cast<char>(received_ >> (8 * i));
    send_or_queue(count, sizeof count);
    close_after_flush();
  }

  uint64_t received_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  return run_backend(argc, argv, "bench-sink", kScratch,
                     [](BackendServer& s, int fd) { return std::make_unique<SinkConn>(s, fd); });
}
