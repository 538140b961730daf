#include "tests/support/http_response.hpp"

#include <cstring>

namespace ferry::test {

Response read_response(ClientConn& c, std::string& extra, Millis timeout) {
  Deadline deadline(timeout);
  Response r;
  size_t end;
  while ((end = extra.find("\r\n\r\n")) == std::string::npos) {
    if (c.read_some(extra, deadline) != ReadStatus::Data) return r;
  }
  r.head = extra.substr(0, end + 4);
  extra.erase(0, end + 4);
  r.status = std::stoi(r.head.substr(9, 3));
  size_t length = 0;
  for (const char* name : {"Content-Length: ", "content-length: ", "Content-length: "}) {
    const size_t at = r.head.find(name);
    if (at != std::string::npos) length = std::stoul(r.head.substr(at + std::strlen(name)));
  }
  while (extra.size() < length) {
    if (c.read_some(extra, deadline) != ReadStatus::Data) return r;
  }
  r.body = extra.substr(0, length);
  extra.erase(0, length);
  return r;
}

Response read_response(ClientConn& c, Millis timeout) {
  std::string extra;
  return read_response(c, extra, timeout);
}

}  // namespace ferry::test
