// FastCGI 1.0 records (https://fastcgi-archives.github.io/FastCGI_Specification.html): writing
// the records a web server sends (BEGIN_REQUEST, PARAMS, STDIN, GET_VALUES), reading the
// records an application sends back as they arrive, and the name-value pair encoding of PARAMS
// and GET_VALUES. Pure: no I/O, nothing held but a record's 8-byte header in the reader.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::http::fcgi {

enum class Type : uint8_t {
  BeginRequest = 1,
  AbortRequest = 2,
  EndRequest = 3,
  Params = 4,
  Stdin = 5,
  Stdout = 6,
  Stderr = 7,
  Data = 8,
  GetValues = 9,
  GetValuesResult = 10,
  UnknownType = 11,
};

inline constexpr uint8_t kVersion = 1;
inline constexpr size_t kHeaderSize = 8;
inline constexpr size_t kMaxContent = 65535;  // a record's content length is 16 bits
inline constexpr uint16_t kManagementId = 0;  // GET_VALUES and UNKNOWN_TYPE use request id 0

// END_REQUEST's protocolStatus.
enum class ProtocolStatus : uint8_t {
  RequestComplete = 0,
  CantMpxConn = 1,
  Overloaded = 2,
  UnknownRole = 3,
};

// Appends one record header.
void append_header(std::string& out, Type type, uint16_t id, uint16_t content_length,
                   uint8_t padding = 0);
// BEGIN_REQUEST for the Responder role; `keep_conn`: the application keeps the connection after
// END_REQUEST (FCGI_KEEP_CONN).
void append_begin_request(std::string& out, uint16_t id, bool keep_conn);
// `content` as records of `type` (as many as its size needs; nothing when it is empty).
void append_stream(std::string& out, Type type, uint16_t id, std::string_view content);
// The empty record that ends a stream (PARAMS, STDIN).
void append_stream_end(std::string& out, Type type, uint16_t id);
// One name-value pair of PARAMS or GET_VALUES (lengths over 127 take 4 bytes).
void append_name_value(std::string& out, std::string_view name, std::string_view value);

// Takes the next name-value pair from the front of `in`; false (and `in` unchanged) when `in`
// does not start with a whole pair.
bool take_name_value(std::string_view& in, std::string_view& name, std::string_view& value);

// GET_VALUES (a management record, id 0) asking the application for `names`.
void append_get_values(std::string& out, std::initializer_list<std::string_view> names);

// What an application tells of itself in GET_VALUES_RESULT (the variables ferry asks for).
struct AppValues {
  std::optional<uint32_t> max_conns;  // FCGI_MAX_CONNS: connections it accepts at once
  std::optional<bool> mpxs_conns;     // FCGI_MPXS_CONNS: it multiplexes requests on a connection
  bool operator==(const AppValues&) const = default;
};
// GET_VALUES_RESULT's content: false (and the reason in `error`) when it is not a list of whole
// name-value pairs, or a value ferry asked for is not a number (1 to 2^32-1 for MAX_CONNS, 0 or
// 1 for MPXS_CONNS). Variables ferry did not ask for are skipped.
bool parse_get_values_result(std::string_view content, AppValues& out, std::string& error);

struct EndRequest {
  uint32_t app_status = 0;
  ProtocolStatus protocol_status = ProtocolStatus::RequestComplete;
};
// END_REQUEST's body; false when it is not 8 bytes.
bool parse_end_request(std::string_view content, EndRequest& out);

// Reads records as they arrive, in pieces of any size: each call looks at the front of the
// bytes not yet taken and says what the first of them are (part of a header, of a record's
// content, of its padding). The caller drops `size` bytes and calls again.
class RecordReader {
 public:
  struct Piece {
    enum Kind : uint8_t {
      Header,   // header bytes, kept by the reader; when done, record() describes the record
      Content,  // bytes of the current record's content
      Padding,  // bytes of its padding
    } kind;
    size_t size;          // 0: nothing to take (empty input, or failed())
    bool begins = false;  // this piece completed a header: record() is the new record
    bool ends = false;    // this piece ended the record (its content and padding are in)
  };
  Piece next(std::string_view in);

  struct Record {
    Type type{};
    uint16_t id = 0;
    uint16_t content_length = 0;
    uint8_t padding = 0;
  };
  // The record whose content or padding is being read (valid once its header is whole).
  const Record& record() const { return record_; }
  // Content bytes of the current record still to come.
  uint16_t content_left() const { return content_left_; }
  // Between records: the last one ended exactly here.
  bool at_boundary() const { return state_ == State::Header && have_ == 0; }
  bool failed() const { return state_ == State::Error; }
  const std::string& error() const { return error_; }

 private:
  enum class State : uint8_t { Header, Content, Padding, Error };
  void header_complete();

  State state_ = State::Header;
  std::array<uint8_t, kHeaderSize> header_{};
  uint8_t have_ = 0;  // header bytes held
  uint16_t content_left_ = 0;
  uint8_t padding_left_ = 0;
  Record record_;
  std::string error_;
};

}  // namespace ferry::http::fcgi
