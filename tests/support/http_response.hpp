// Reading HTTP/1 responses as a test client: one response with a Content-Length body at a time,
// the bytes past it kept for the next.
#pragma once

#include <string>

#include "tests/support/client_conn.hpp"

namespace ferry::test {

struct Response {
  int status = 0;  // 0: no complete head arrived
  std::string head;
  std::string body;
};

// Reads one response with a Content-Length body (or none) from `c` (bytes past it stay in
// `extra`); what came (status 0 without a whole head) if it is cut short.
Response read_response(ClientConn& c, std::string& extra, Millis timeout = 10s);
// The same when nothing is expected past the response.
Response read_response(ClientConn& c, Millis timeout = 10s);

}  // namespace ferry::test
