#include "http/error_reply.hpp"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <string_view>

namespace ferry::http {

namespace {

struct ErrorText {
  int status;
  std::string_view reason;
  std::string_view message;  // the body's second line
  bool early;                // written before a request exists: HAProxy's older form, closing
};

constexpr ErrorText kTable[] = {
    {200, "OK", "Service ready.", false},
    {400, "Bad request", "Your browser sent an invalid request.", true},
    {401, "Unauthorized", "You need a valid user and password to access this content.", false},
    {403, "Forbidden", "Request forbidden by administrative rules.", false},
    {404, "Not Found", "The resource could not be found.", false},
    {405, "Method Not Allowed",
     "A request was made of a resource using a request method not supported by that resource",
     false},
    {407, "Unauthorized", "You need a valid user and password to access this content.", false},
    {408, "Request Time-out", "Your browser didn't send a complete request in time.", true},
    {410, "Gone", "The resource is no longer available and will not be available again.", false},
    {413, "Payload Too Large", "The request entity exceeds the maximum allowed.", false},
    {425, "Too Early", "Your browser sent early data.", false},
    {429, "Too Many Requests", "You have sent too many requests in a given amount of time.", false},
    {500, "Internal Server Error", "An internal server error occurred.", false},
    {501, "Not Implemented",
     ".The server does not support the functionality required to fulfill the request.", false},
    {502, "Bad Gateway", "The server returned an invalid or incomplete response.", false},
    {503, "Service Unavailable", "No server is available to handle this request.", false},
    {504, "Gateway Time-out", "The server didn't respond in time.", false},
};

const ErrorText& find(int status) {
  for (const ErrorText& e : kTable) {
    if (e.status == status) return e;
  }
  assert(false && "not one of kErrorStatuses");
  return kTable[0];
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string Reply::render(bool closing, bool request_http10) const {
  if (head.empty()) return {};
  std::string out = head;
  if (!always_closes) {
    if (closing && !http10)
      out += "connection: close\r\n";
    else if (!closing && (http10 || request_http10))
      out += "connection: keep-alive\r\n";
  }
  return out + "\r\n" + body;
}

Reply error_reply(int status) {
  const ErrorText& e = find(status);
  if (!e.early) return deny_reply(status);
  Reply r = deny_reply(status);
  r.head = "HTTP/1.1 " + std::to_string(status) + " " + std::string(e.reason) +
           "\r\nContent-length: " + std::to_string(r.body.size()) +
           "\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n";
  r.always_closes = true;
  return r;
}

Reply deny_reply(int status) {
  const ErrorText& e = find(status);
  const std::string code = std::to_string(status);
  Reply r;
  r.body = "<html><body><h1>" + code + " " + std::string(e.reason) + "</h1>\n" +
           std::string(e.message) + "\n</body></html>\n";
  r.head = "HTTP/1.1 " + code + " " + std::string(e.reason) +
           "\r\ncontent-length: " + std::to_string(r.body.size()) +
           "\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n";
  // As HAProxy 2.6 (observed): after a 400 or a 408 the connection closes.
  r.has_length = !e.early;
  return r;
}

Reply errorfile_reply(const conf::ErrorFile& file) {
  Reply r;
  if (file.version.empty()) return r;
  r.head = file.version + " " + file.status_text + "\r\n";
  for (const auto& [name, value] : file.headers) {
    const std::string lower = lowercase(name);
    r.has_length = r.has_length || lower == "content-length";
    r.head += lower + ": " + value + "\r\n";
  }
  r.http10 = file.version == "HTTP/1.0";
  r.body = file.body;
  return r;
}

}  // namespace ferry::http
