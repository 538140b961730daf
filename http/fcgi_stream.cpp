#include "http/fcgi_stream.hpp"

#include <cstring>
#include <string_view>
#include <utility>

namespace ferry::http::fcgi {

size_t AnswerRecords::unwrap(char* data, size_t size) {
  size_t in = 0, out = 0;
  while (in < size && !ended_ && !failed()) {
    const RecordReader::Piece piece = reader_.next({data + in, size - in});
    if (reader_.failed()) {
      error_ = reader_.error();
      break;
    }
    if (piece.kind == RecordReader::Piece::Content)
      record_content(data + in, piece.size, data, out);
    in += piece.size;
    if (piece.ends) record_ended();
  }
  if (ended_ && in < size && !failed())
    error_ = "bytes after END_REQUEST (the application does not wait for the next request)";
  return out;
}

std::string AnswerRecords::take_stderr(bool flush) {
  size_t end = flush || ended_ ? stderr_.size() : stderr_.rfind('\n') + 1;  // npos + 1 == 0
  if (stderr_.size() - end >= kStderrLineMax) end = stderr_.size();
  std::string lines = stderr_.substr(0, end);
  stderr_.erase(0, end);
  return lines;
}

void AnswerRecords::record_content(const char* p, size_t n, char* data, size_t& out) {
  const RecordReader::Record& r = reader_.record();
  if (r.id == kManagementId && r.type == Type::GetValuesResult) {
    values_body_.append(p, n);
    return;
  }
  if (r.id != id_) return;  // other management records and other requests: not ours
  switch (r.type) {
    case Type::Stdout:
      std::memmove(data + out, p, n);  // out <= in: the content only moves towards the front
      out += n;
      return;
    case Type::Stderr:
      stderr_.append(p, n);
      return;
    case Type::EndRequest:
      end_body_.append(p, n);
      return;
    default:
      return;
  }
}

void AnswerRecords::record_ended() {
  const RecordReader::Record& r = reader_.record();
  if (r.id == kManagementId && r.type == Type::GetValuesResult) {
    AppValues v;
    if (parse_get_values_result(std::exchange(values_body_, {}), v, error_)) values_ = v;
    return;
  }
  if (r.id != id_) return;
  if (r.type == Type::EndRequest) {
    if (!parse_end_request(end_body_, end_))
      error_ = "END_REQUEST of " + std::to_string(end_body_.size()) + " bytes (8 expected)";
    ended_ = true;
    return;
  }
  if (r.type != Type::Stdout && r.type != Type::Stderr)
    error_ = "unexpected FastCGI record of type " + std::to_string(static_cast<int>(r.type));
}

}  // namespace ferry::http::fcgi
