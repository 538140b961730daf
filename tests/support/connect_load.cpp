#include "tests/support/connect_load.hpp"

#include <cstring>

#include "tests/support/client_conn.hpp"

namespace ferry::test {

ConnectLoad::ConnectLoad(uint16_t port, std::string path, unsigned threads)
    : port_(port), path_(std::move(path)) {
  for (unsigned i = 0; i < threads; ++i) {
    const bool use_tcp = port_ != 0 && (path_.empty() || i % 2 == 0);
    threads_.emplace_back([this, use_tcp] { run(use_tcp); });
  }
}

ConnectLoad::~ConnectLoad() {
  stop();
}

void ConnectLoad::stop() {
  stop_ = true;
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

std::vector<std::string> ConnectLoad::failures() const {
  std::lock_guard lk(mutex_);
  return failures_;
}

void ConnectLoad::record_failure(const std::string& what) {
  ++failed_;
  std::lock_guard lk(mutex_);
  if (failures_.size() < 10) failures_.push_back(what);
}

void ConnectLoad::run(bool use_tcp) {
  const std::string where = use_tcp ? "tcp" : "unix";
  while (!stop_) {
    ClientConn c = use_tcp ? ClientConn::tcp(port_) : ClientConn::unix_socket(path_);
    if (!c.ok()) {
      record_failure(where + " connect: " + std::strerror(c.error()));
      continue;
    }
    if (!c.send_all("ping\n", Deadline(5s))) {
      record_failure(where + ": send failed");
      continue;
    }
    std::string line = c.read_line(Deadline(5s));
    if (line != "ping\n") {
      record_failure(where + ": echo '" + line + "'");
      continue;
    }
    ++ok_;
  }
}

}  // namespace ferry::test
