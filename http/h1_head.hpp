// A strict, incremental HTTP/1 head parser (RFC 9112) over a connection's buffer.
//
// The caller passes everything buffered since the head began, again after each read; the parser
// answers NeedMore until the empty line that ends the head has arrived, remembering how far it
// has looked, so each byte is scanned once. On Done the head's views (method, target, field
// names and values) point into the caller's bytes: they stay valid while those bytes do not
// move. Nothing is copied or unfolded.
//
// Anything a proxy could be made to read differently from the server behind it is an Error with
// a reason for the log (see error()): bare CR or LF, obs-fold, invalid characters in a name or a
// value, both Content-Length and Transfer-Encoding, differing Content-Length values, a
// Transfer-Encoding that does not end in one 'chunked', a line or head over the limits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::http {

struct Limits {
  // Largest head, in bytes. HAProxy 2.6's default: tune.bufsize 16384 less tune.maxrewrite 1024.
  uint32_t max_head = 16384 - 1024;
  uint32_t max_headers = 101;  // header fields per message: HAProxy's tune.http.maxhdr
};

struct Header {
  std::string_view name;   // as received (compare case-insensitively)
  std::string_view value;  // leading and trailing whitespace removed
};

enum class Version : uint8_t { Http10, Http11 };

// How the body after a head ends (RFC 9112 §6.3).
enum class Framing : uint8_t {
  None,        // no body
  Length,      // content_length bytes
  Chunked,     // chunked transfer coding, ends with the last chunk and trailers
  UntilClose,  // a response whose body ends when the server closes
};

struct MessageHead {
  Version version = Version::Http11;
  std::vector<Header> headers;  // in order; reused from one message to the next
  Framing framing = Framing::None;
  uint64_t content_length = 0;
  bool has_content_length = false;
  bool has_transfer_encoding = false;
  // Connection header tokens.
  bool conn_close = false;
  bool conn_keep_alive = false;
  bool conn_upgrade = false;
  bool has_upgrade = false;  // an Upgrade header field
  uint32_t size = 0;         // bytes of the head, through the empty line that ends it

  // The sender wants the connection kept after this message (HTTP/1.1 unless 'close', HTTP/1.0
  // only with 'keep-alive').
  bool keep_alive() const;
  const Header* find(std::string_view name) const;  // the first field of that name
};

struct RequestHead : MessageHead {
  std::string_view method;
  std::string_view target;
  bool expect_continue = false;  // Expect: 100-continue
  uint32_t hosts = 0;            // Host fields seen
  bool is_head() const { return method == "HEAD"; }
  bool is_connect() const { return method == "CONNECT"; }
};

struct ResponseHead : MessageHead {
  int status = 0;
  std::string_view reason;
};

enum class ParseResult : uint8_t { NeedMore, Done, Error };

class HeadParser {
 public:
  explicit HeadParser(Limits limits = {}) : limits_(limits) {}

  // `data`: the bytes since the head began (the same start every call, possibly longer).
  ParseResult parse_request(std::string_view data, RequestHead& head);
  // `request_method_head`: the response answers a HEAD request, so it has no body.
  ParseResult parse_response(std::string_view data, ResponseHead& head, bool request_method_head);
  // What was wrong, for the log; empty unless the last result was Error.
  const std::string& error() const { return error_; }
  // Forgets the progress made: the next call starts a new head.
  void reset();

 private:
  // Finds the end of the head; Done sets end_. Checks bare LF and the size limit as it goes.
  ParseResult scan(std::string_view data, bool skip_leading_empty_lines);
  bool parse_request_line(std::string_view line, RequestHead& head);
  bool parse_status_line(std::string_view line, ResponseHead& head);
  bool parse_version(std::string_view v, Version& out);
  // The field lines between the start line and the empty line.
  bool parse_fields(std::string_view block, MessageHead& head);
  bool parse_field(std::string_view line, MessageHead& head);
  ParseResult fail(std::string reason);

  Limits limits_;
  uint32_t scanned_ = 0;     // bytes looked at by scan()
  uint32_t line_start_ = 0;  // where the line being scanned begins
  uint32_t start_ = 0;       // where the start line begins (after skipped empty lines)
  bool in_start_line_ = true;
  std::string error_;
};

}  // namespace ferry::http
