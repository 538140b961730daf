// The records that answer one FastCGI request, turned back into the script's output where they
// arrived: after each read, the STDOUT content of the new bytes is moved to their front (record
// headers and padding dropped), STDERR text is kept apart for the log, and END_REQUEST ends the
// answer. Pure: it works on the caller's bytes and holds only a record header and STDERR text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "http/fcgi_record.hpp"

namespace ferry::http::fcgi {

class AnswerRecords {
 public:
  explicit AnswerRecords(uint16_t id = 1) : id_(id) {}

  // Takes `data[0..size)`, bytes just read from the application: its STDOUT content is moved to
  // the front of `data`, in order; returns how many bytes that is. After END_REQUEST, or once
  // failed(), the rest is dropped.
  size_t unwrap(char* data, size_t size);

  bool ended() const { return ended_; }  // END_REQUEST arrived
  const EndRequest& end() const { return end_; }
  // The application broke the protocol (see error()): a bad record, bytes after END_REQUEST.
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  // The STDERR lines completed since the last call, each with its '\n' (a line the application
  // wrote in several records or that arrived in several reads comes whole); once END_REQUEST
  // came, or with `flush` (the connection ends), the last line too, unfinished. An unfinished line
  // of kStderrLineMax bytes or more is given as it is, so a script that never ends its line cannot
  // grow the connection.
  static constexpr size_t kStderrLineMax = 16384;
  std::string take_stderr(bool flush = false);
  // What a GET_VALUES_RESULT (id 0) said, once one arrived (before the answer, when ferry sent
  // GET_VALUES ahead of the request).
  const std::optional<AppValues>& values() const { return values_; }

 private:
  void record_content(const char* p, size_t n, char* data, size_t& out);
  void record_ended();

  uint16_t id_;
  RecordReader reader_;
  std::string end_body_;     // END_REQUEST's content as it arrives
  std::string values_body_;  // GET_VALUES_RESULT's content as it arrives
  std::optional<AppValues> values_;
  std::string stderr_;
  EndRequest end_;
  bool ended_ = false;
  std::string error_;
};

}  // namespace ferry::http::fcgi
