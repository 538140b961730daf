// A datagram socket standing in for systemd's $NOTIFY_SOCKET in tests: collects every message
// a process sends there, in order.
#pragma once

#include <string>
#include <vector>

#include "tests/support/deadline.hpp"

namespace ferry::test {

class NotifyListener {
 public:
  // `name`: a path, or "@name" for an abstract socket.
  explicit NotifyListener(std::string name);
  ~NotifyListener();
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  const std::string& name() const { return name_; }
  // Waits until `count` messages have arrived in total; returns them all (fewer on timeout).
  std::vector<std::string> wait_messages(size_t count, Millis timeout = 10s);

 private:
  std::string name_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

}  // namespace ferry::test
