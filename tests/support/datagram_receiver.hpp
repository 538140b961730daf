// A syslog listener for log tests: a datagram socket bound to a UNIX path (in a temp dir) or to a
// UDP port on 127.0.0.1 / ::1, receiving what a `log` target sends, one datagram per line.
#pragma once

#include <string>

#include "tests/support/deadline.hpp"

namespace ferry::test {

class DatagramReceiver {
 public:
  static DatagramReceiver unix_path(const std::string& path);  // throws if it cannot bind
  static DatagramReceiver udp(bool ipv6 = false);              // on a free port
  ~DatagramReceiver();
  DatagramReceiver(DatagramReceiver&& other) noexcept;
  DatagramReceiver(const DatagramReceiver&) = delete;
  DatagramReceiver& operator=(const DatagramReceiver&) = delete;

  // As a `log` line names it: the path, `127.0.0.1:PORT` or `[::1]:PORT`.
  const std::string& target() const { return target_; }
  // The next datagram, or "" if none arrives before the deadline.
  std::string receive(const Deadline& deadline);
  std::string receive() { return receive(Deadline(2s)); }
  // The next datagram containing `needle` (others are skipped), or "".
  std::string receive_with(const std::string& needle, const Deadline& deadline);
  // Whether a datagram is waiting now (a UNIX datagram is queued by the sender's sendto()).
  bool has_datagram() const;

 private:
  DatagramReceiver(int fd, std::string target) : fd_(fd), target_(std::move(target)) {}
  int fd_ = -1;
  std::string target_;
};

}  // namespace ferry::test
