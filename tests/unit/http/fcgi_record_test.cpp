// FastCGI records: what ferry writes (checked byte by byte against the spec's layout), reading
// records whole and in pieces, name-value pairs, and an answer's STDOUT taken out of its records.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "http/fcgi_record.hpp"
#include "http/fcgi_stream.hpp"

namespace ferry::http::fcgi {
namespace {

using namespace std::string_literals;

struct Read {
  std::vector<RecordReader::Record> records;
  std::vector<std::string> contents;
  bool at_boundary = false;
  std::string error;
};

// Reads `in` in pieces of `step` bytes.
Read read_records(std::string_view in, size_t step) {
  RecordReader r;
  Read out;
  for (size_t pos = 0; pos < in.size();) {
    std::string_view window = in.substr(pos, step);
    while (!window.empty()) {
      const auto piece = r.next(window);
      if (piece.size == 0) break;
      if (piece.begins) {
        out.records.push_back(r.record());
        out.contents.emplace_back();
      }
      if (piece.kind == RecordReader::Piece::Content)
        out.contents.back().append(window.substr(0, piece.size));
      window.remove_prefix(piece.size);
      pos += piece.size;
    }
    if (r.failed()) break;
  }
  out.at_boundary = r.at_boundary();
  out.error = r.error();
  return out;
}

std::string stdout_record(std::string_view s, uint8_t padding = 0, uint16_t id = 1) {
  std::string out;
  append_header(out, Type::Stdout, id, static_cast<uint16_t>(s.size()), padding);
  out.append(s).append(padding, '\0');
  return out;
}

std::string end_record(uint32_t app_status, uint16_t id = 1) {
  std::string out;
  append_header(out, Type::EndRequest, id, 8);
  out += {static_cast<char>(app_status >> 24),
          static_cast<char>(app_status >> 16),
          static_cast<char>(app_status >> 8),
          static_cast<char>(app_status),
          0,
          0,
          0,
          0};
  return out;
}

TEST_CASE("fcgi: BEGIN_REQUEST for the responder role with and without keep-conn") {
  std::string out;
  append_begin_request(out, 1, true);
  CHECK(out ==
        "\x01\x01\x00\x01\x00\x08\x00\x00"
        "\x00\x01\x01\x00\x00\x00\x00\x00"s);
  out.clear();
  append_begin_request(out, 0x1234, false);
  CHECK(out ==
        "\x01\x01\x12\x34\x00\x08\x00\x00"
        "\x00\x01\x00\x00\x00\x00\x00\x00"s);
}

TEST_CASE("fcgi: a stream is cut into records of at most 65535 bytes and ends empty") {
  const std::string body(70000, 'x');
  std::string out;
  append_stream(out, Type::Stdin, 1, body);
  append_stream_end(out, Type::Stdin, 1);
  CHECK(out.size() == body.size() + 3 * kHeaderSize);
  const Read r = read_records(out, out.size());
  REQUIRE(r.records.size() == 3);
  CHECK(r.records[0].content_length == 65535);
  CHECK(r.records[1].content_length == 70000 - 65535);
  CHECK(r.records[2].content_length == 0);
  CHECK(r.records[2].type == Type::Stdin);
  CHECK(r.contents[0] + r.contents[1] == body);
  CHECK(r.at_boundary);
  std::string none;
  append_stream(none, Type::Stdin, 1, "");
  CHECK(none.empty());
}

TEST_CASE("fcgi: name-value pairs with short and long lengths") {
  std::string out;
  append_name_value(out, "SCRIPT_NAME", "/index.php");
  CHECK(out == "\x0b\x0aSCRIPT_NAME/index.php"s);
  const std::string long_value(300, 'v');
  append_name_value(out, "Q", long_value);
  std::string_view in = out, name, value;
  REQUIRE(take_name_value(in, name, value));
  CHECK(name == "SCRIPT_NAME");
  CHECK(value == "/index.php");
  const std::string_view before = in;
  CHECK(before.substr(0, 5) == "\x01\x80\x00\x01\x2c"s);  // 300 takes 4 bytes, high bit set
  REQUIRE(take_name_value(in, name, value));
  CHECK(value == long_value);
  CHECK(in.empty());
  std::string_view cut = std::string_view(out).substr(0, out.size() - 1);
  cut.remove_prefix(2 + 11 + 10);
  CHECK_FALSE(take_name_value(cut, name, value));
  CHECK(cut.size() == 5 + 1 + 299);  // unchanged
}

TEST_CASE("fcgi: records read the same whole and one byte at a time") {
  const std::string in =
      stdout_record("Status: 200\r\n\r\nhi", 6) + stdout_record("") + end_record(0);
  for (size_t step : {in.size(), size_t{1}, size_t{3}}) {
    CAPTURE(step);
    const Read r = read_records(in, step);
    REQUIRE(r.records.size() == 3);
    CHECK(r.contents[0] == "Status: 200\r\n\r\nhi");
    CHECK(r.records[0].padding == 6);
    CHECK(r.records[2].type == Type::EndRequest);
    CHECK(r.at_boundary);
  }
  const Read cut = read_records(in.substr(0, 5), 5);
  CHECK_FALSE(cut.at_boundary);
}

TEST_CASE("fcgi: a record of another version is refused") {
  std::string in = stdout_record("x");
  in[0] = 2;
  const Read r = read_records(in, in.size());
  CHECK(r.error == "FastCGI record of version 2 (1 expected)");
  CHECK(r.records.empty());
}

TEST_CASE("fcgi: END_REQUEST's status") {
  EndRequest e;
  CHECK(parse_end_request(end_record(0x01020304).substr(kHeaderSize), e));
  CHECK(e.app_status == 0x01020304);
  CHECK(e.protocol_status == ProtocolStatus::RequestComplete);
  CHECK_FALSE(parse_end_request("1234567", e));
}

// Unwraps `in` in reads of `step` bytes, as a buffer would get them.
std::string unwrap_all(AnswerRecords& a, std::string in, size_t step) {
  std::string out;
  for (size_t pos = 0; pos < in.size(); pos += step) {
    std::string piece = in.substr(pos, step);
    out.append(piece.data(), a.unwrap(piece.data(), piece.size()));
  }
  return out;
}

TEST_CASE("fcgi: an answer's STDOUT is taken out of its records and STDERR kept apart") {
  std::string err;
  append_stream(err, Type::Stderr, 1, "PHP Warning: x");
  std::string other;  // a management record and another request's output are not ours
  append_stream(other, Type::UnknownType, 0, "abcdefgh");
  const std::string in = stdout_record("Status: 404\r\n", 3) + err + other +
                         stdout_record("x", 0, 7) + stdout_record("\r\nbody") + end_record(5);
  for (size_t step : {in.size(), size_t{1}, size_t{7}}) {
    CAPTURE(step);
    AnswerRecords a;
    CHECK(unwrap_all(a, in, step) == "Status: 404\r\n\r\nbody");
    CHECK(a.ended());
    CHECK(a.end().app_status == 5);
    CHECK_FALSE(a.failed());
    CHECK(a.take_stderr() == "PHP Warning: x");
    CHECK(a.take_stderr().empty());
  }
}

TEST_CASE("fcgi: bytes after END_REQUEST and unexpected records fail the answer") {
  AnswerRecords a;
  std::string in = stdout_record("ok") + end_record(0) + "junk";
  CHECK(unwrap_all(a, in, in.size()) == "ok");
  CHECK(a.failed());
  CHECK(a.error() ==
        "bytes after END_REQUEST (the application does not wait for the next request)");

  AnswerRecords b;
  std::string params;
  append_stream(params, Type::Params, 1, "zz");
  CHECK(unwrap_all(b, params, params.size()).empty());
  CHECK(b.error() == "unexpected FastCGI record of type 4");

  AnswerRecords c;
  std::string short_end;
  append_header(short_end, Type::EndRequest, 1, 2);
  short_end += "ab";
  unwrap_all(c, short_end, 1);
  CHECK(c.error() == "END_REQUEST of 2 bytes (8 expected)");
}

TEST_CASE("fcgi: GET_VALUES asks for each name with an empty value on request id 0") {
  std::string out;
  append_get_values(out, {"FCGI_MAX_CONNS", "FCGI_MPXS_CONNS"});
  CHECK(out ==
        "\x01\x09\x00\x00\x00\x21\x00\x00"s
        "\x0e\x00"
        "FCGI_MAX_CONNS"
        "\x0f\x00"
        "FCGI_MPXS_CONNS"s);
}

TEST_CASE("fcgi: GET_VALUES_RESULT before the answer gives the application's values") {
  std::string result;
  std::string pairs;
  append_name_value(pairs, "FCGI_MPXS_CONNS", "0");  // PHP-FPM 8.2 answers this one only
  append_name_value(pairs, "FCGI_MAX_REQS", "50");   // not asked for: skipped
  append_name_value(pairs, "FCGI_MAX_CONNS", "4");
  append_stream(result, Type::GetValuesResult, 0, pairs);
  const std::string in = result + stdout_record("\r\nok") + end_record(0);
  for (size_t step : {in.size(), size_t{1}, size_t{5}}) {
    CAPTURE(step);
    AnswerRecords a;
    CHECK(unwrap_all(a, in, step) == "\r\nok");
    CHECK_FALSE(a.failed());
    REQUIRE(a.values().has_value());
    CHECK(a.values()->max_conns == 4u);
    CHECK(a.values()->mpxs_conns == false);
  }
  AnswerRecords none;
  unwrap_all(none, stdout_record("\r\nok") + end_record(0), 3);
  CHECK_FALSE(none.values().has_value());
}

TEST_CASE("fcgi: a GET_VALUES_RESULT that is not whole pairs or numbers fails the answer") {
  const auto error_of = [](std::string_view pairs) {
    AppValues v;
    std::string error;
    CHECK_FALSE(parse_get_values_result(pairs, v, error));
    return error;
  };
  std::string p;
  append_name_value(p, "FCGI_MAX_CONNS", "0");
  CHECK(error_of(p) ==
        "GET_VALUES_RESULT gives FCGI_MAX_CONNS '0' (a number from 1 to "
        "4294967295 expected)");
  p.clear();
  append_name_value(p, "FCGI_MPXS_CONNS", "yes");
  CHECK(error_of(p) ==
        "GET_VALUES_RESULT gives FCGI_MPXS_CONNS 'yes' (a number from 0 to 1 expected)");
  CHECK(error_of("\x0e\x05"
                 "FCGI_MAX") == "GET_VALUES_RESULT ends inside a name-value pair");

  std::string in;
  append_stream(in, Type::GetValuesResult, 0,
                "\x0e\x05"
                "FCGI_MAX");
  AnswerRecords a;
  unwrap_all(a, in + stdout_record("x"), 2);
  CHECK(a.error() == "GET_VALUES_RESULT ends inside a name-value pair");
}

TEST_CASE("fcgi: a STDERR line split across records and reads comes whole") {
  std::string in;
  append_stream(in, Type::Stderr, 1, "PHP Warning: the first ");
  append_stream(in, Type::Stderr, 1, "line\nthe sec");
  append_stream(in, Type::Stderr, 1, "ond line\nunfinished");
  for (size_t step : {in.size(), size_t{1}, size_t{9}}) {
    CAPTURE(step);
    AnswerRecords a;
    std::string lines;
    for (size_t pos = 0; pos < in.size(); pos += step) {
      std::string piece = in.substr(pos, step);
      a.unwrap(piece.data(), piece.size());
      const std::string got = a.take_stderr();
      CHECK((got.empty() || got.back() == '\n'));
      lines += got;
    }
    CHECK(lines == "PHP Warning: the first line\nthe second line\n");
    CHECK(a.take_stderr(true) == "unfinished");
  }
  // A line that does not end is given once it is kStderrLineMax bytes long.
  AnswerRecords b;
  std::string long_line;
  append_stream(long_line, Type::Stderr, 1, std::string(AnswerRecords::kStderrLineMax - 1, 'x'));
  unwrap_all(b, long_line, long_line.size());
  CHECK(b.take_stderr().empty());
  std::string more;
  append_stream(more, Type::Stderr, 1, "yz");
  unwrap_all(b, more, more.size());
  CHECK(b.take_stderr().size() == AnswerRecords::kStderrLineMax + 1);
}

}  // namespace
}  // namespace ferry::http::fcgi
