// The client end of one connection, as a test drives it: connect over TCP or UNIX, send, receive
// with deadlines, half-close. Non-blocking underneath; every call that waits takes a Deadline.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/support/deadline.hpp"
#include "tests/support/socket_address.hpp"

namespace ferry::test {

// What a read saw before its deadline.
enum class ReadStatus { Data, Eof, Reset, Timeout, Error };
const char* to_string(ReadStatus s);

// Everything received until the peer closed (or the deadline passed).
struct Received {
  std::string data;
  bool closed = false;  // the peer closed (FIN or reset) before the deadline
  bool reset = false;   // ... with a reset (ECONNRESET/EPIPE)
};

class ClientConn {
 public:
  // Connects to 127.0.0.1:port. Check ok() / error() for the outcome.
  static ClientConn tcp(uint16_t port, Millis timeout = 2s);
  static ClientConn unix_socket(const UnixAddress& addr, Millis timeout = 2s);
  static ClientConn unix_socket(const std::string& path, Millis timeout = 2s) {
    return unix_socket(UnixAddress::path(path), timeout);
  }

  ClientConn() = default;
  ~ClientConn() { close(); }
  ClientConn(ClientConn&& other) noexcept;
  ClientConn& operator=(ClientConn&& other) noexcept;
  ClientConn(const ClientConn&) = delete;
  ClientConn& operator=(const ClientConn&) = delete;

  bool ok() const { return fd_ >= 0; }
  int error() const { return error_; }  // errno of a failed connect, else 0
  int fd() const { return fd_; }

  // Sends all of `data`; false on error or when the deadline passes first.
  bool send_all(std::string_view data, const Deadline& deadline);
  bool send_all(std::string_view data) { return send_all(data, Deadline(5s)); }
  // Waits for bytes and appends what is available to `out`.
  ReadStatus read_some(std::string& out, const Deadline& deadline);
  // Reads until `out` holds `n` more bytes; false if the peer closes or the deadline passes.
  bool read_exactly(size_t n, std::string& out, const Deadline& deadline);
  // Reads up to and including the first '\n'; "" if none arrives in time.
  std::string read_line(const Deadline& deadline);
  std::string read_line() { return read_line(Deadline(5s)); }
  Received read_until_eof(const Deadline& deadline);
  // True when neither a byte nor a close arrives for `window` (a bounded negative check).
  bool stays_silent(Millis window);
  void shutdown_write();
  // Half-closes, waits for the peer's EOF (the proxy has then finished with the connection), and
  // closes. False if the peer sent more data or did not close before the deadline.
  bool close_gracefully(const Deadline& deadline);
  void close();

 private:
  explicit ClientConn(int fd, int error) : fd_(fd), error_(error) {}
  int fd_ = -1;
  int error_ = 0;
  std::string pending_;  // bytes read past a line by read_line
};

}  // namespace ferry::test
