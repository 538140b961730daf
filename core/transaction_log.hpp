// What a session's protocol knows of one HTTP transaction, for its log line (`option httplog`,
// or `option tcplog` in mode http: one line per transaction, as HAProxy 2.6 logs a stream).
// The session adds what it knows itself: the client, the queue and connect times of the
// transaction's server pick, the connection counts.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ferry::core {

class Server;

struct TransactionLog {
  // When the transaction began: the connection's accept, or the end of the transaction before
  // it on the same connection (wall clock in µs, and the loop's clock).
  int64_t start_wall_us = 0;
  std::chrono::milliseconds start{0};
  // From `start` to the request's first byte (HAProxy's Th + Ti), 0 when it was there already.
  int64_t idle_ms = 0;
  int64_t head_ms = -1;      // TR: first byte to the head's end; -1: no complete head
  int64_t response_ms = -1;  // Tr: server connected to the response head; -1: none
  int status = -1;           // the status sent to the client; -1: none
  uint64_t bytes_out = 0;    // bytes sent to the client in this transaction
  std::string request_line;  // as received; empty: HAProxy's "<BADREQ>"
  bool routed = false;       // the request was read and given to the backend
  Server* server = nullptr;  // the server that took it, if any
  char who = '-', phase = '-';
  // The persistence cookie's characters of the termination state ('-': no `cookie` in use).
  char cookie_request = '-', cookie_response = '-';
};

}  // namespace ferry::core
