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
    {400, "Bad request", "Your browser sent an invalid request.", true},
    {403, "Forbidden", "Request forbidden by administrative rules.", false},
    {408, "Request Time-out", "Your browser didn't send a complete request in time.", true},
    {500, "Internal Server Error", "An internal server error occurred.", false},
    {502, "Bad Gateway", "The server returned an invalid or incomplete response.", false},
    {503, "Service Unavailable", "No server is available to handle this request.", false},
    {504, "Gateway Time-out", "The server didn't respond in time.", false},
};

const ErrorText& find(int status) {
  for (const ErrorText& e : kTable) {
    if (e.status == status) return e;
  }
  assert(false && "not one of kErrorStatuses");
  return kTable[4];  // 502
}

}  // namespace

bool error_always_closes(int status) {
  return find(status).early;
}

std::string error_reply(int status, bool closing) {
  const ErrorText& e = find(status);
  const std::string code = std::to_string(status);
  const std::string body = "<html><body><h1>" + code + " " + std::string(e.reason) + "</h1>\n" +
                           std::string(e.message) + "\n</body></html>\n";
  std::string out = "HTTP/1.1 " + code + " " + std::string(e.reason) + "\r\n";
  const std::string length = std::to_string(body.size());
  if (e.early) {
    out += "Content-length: " + length +
           "\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n";
  } else {
    out +=
        "content-length: " + length + "\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n";
    if (closing) out += "connection: close\r\n";
  }
  return out + "\r\n" + body;
}

std::string errorfile_reply(const conf::ErrorFile& file) {
  if (file.version.empty()) return "";
  std::string out = file.version + " " + file.status_text + "\r\n";
  for (const auto& [name, value] : file.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out += lower + ": " + value + "\r\n";
  }
  if (file.version == "HTTP/1.1") out += "connection: close\r\n";
  return out + "\r\n" + file.body;
}

}  // namespace ferry::http
