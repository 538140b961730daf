// The FastCGI codec on untrusted bytes (what an application sends back is not trusted).
// Byte 0 seeds the sizes of the pieces, the rest is the input. Aborts when
//   - RecordReader reads the input differently in pieces than whole (records, contents, error);
//   - AnswerRecords gives other STDOUT, STDERR, end, GET_VALUES_RESULT values or error in pieces
//     than whole, or more STDOUT than it was given;
//   - the values parse_get_values_result takes from the input do not parse back the same once
//     written again;
//   - name-value pairs taken from the input do not come back the same once written again;
//   - the input written as a stream of records does not read back as itself.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/fcgi_record.hpp"
#include "http/fcgi_stream.hpp"

namespace {

using namespace ferry::http::fcgi;

[[noreturn]] void fail(const char* what, int line) {
  std::fprintf(stderr, "fcgi_record.cpp:%d: check failed: %s\n", line, what);
  std::abort();
}
#define check(ok) ((ok) ? void() : fail(#ok, __LINE__))

// The sizes of successive pieces, from a seed.
struct Steps {
  uint32_t state;
  size_t next() {
    state = state * 1103515245u + 12345u;
    return 1 + (state >> 16) % 23;
  }
};

struct Reading {
  std::string trace;  // each record's header fields and content
  std::string error;
  bool operator==(const Reading&) const = default;
};

Reading read(std::string_view in, uint8_t seed, bool whole) {
  RecordReader r;
  Reading out;
  Steps steps{seed};
  size_t pos = 0;
  while (pos < in.size() && !r.failed()) {
    std::string_view window = in.substr(pos, whole ? in.size() : steps.next());
    while (!window.empty()) {
      const auto piece = r.next(window);
      if (piece.size == 0) break;
      if (piece.begins) {
        const auto& rec = r.record();
        out.trace += "|" + std::to_string(int(rec.type)) + "," + std::to_string(rec.id) + "," +
                     std::to_string(rec.content_length) + "," + std::to_string(rec.padding) + ":";
      }
      if (piece.kind == RecordReader::Piece::Content)
        out.trace.append(window.substr(0, piece.size));
      window.remove_prefix(piece.size);
      pos += piece.size;
    }
  }
  out.error = r.error();
  return out;
}

struct Answer {
  std::string out, err, error;
  bool ended = false;
  uint32_t app_status = 0;
  std::optional<AppValues> values;
  bool operator==(const Answer&) const = default;
};

Answer unwrap(std::string_view in, uint8_t seed, bool whole) {
  AnswerRecords a;
  Answer out;
  Steps steps{seed};
  for (size_t pos = 0; pos < in.size();) {
    std::string piece(in.substr(pos, whole ? in.size() : steps.next()));
    pos += piece.size();
    const size_t n = a.unwrap(piece.data(), piece.size());
    check(n <= piece.size());
    out.out.append(piece.data(), n);
    out.err += a.take_stderr();
  }
  out.err += a.take_stderr(true);
  out.ended = a.ended();
  out.app_status = a.end().app_status;
  out.values = a.values();
  out.error = a.error();
  return out;
}

void pairs_round_trip(std::string_view in) {
  std::string_view name, value;
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  while (take_name_value(in, name, value))
    pairs.emplace_back(name, value);
  std::string written;
  for (const auto& [n, v] : pairs)
    append_name_value(written, n, v);
  std::string_view again = written;
  for (const auto& [n, v] : pairs) {
    check(take_name_value(again, name, value));
    check(name == n && value == v);
  }
  check(again.empty());
}

void values_round_trip(std::string_view in) {
  AppValues v;
  std::string error;
  if (!parse_get_values_result(in, v, error)) {
    check(!error.empty());
    return;
  }
  std::string written;
  if (v.max_conns) append_name_value(written, "FCGI_MAX_CONNS", std::to_string(*v.max_conns));
  if (v.mpxs_conns) append_name_value(written, "FCGI_MPXS_CONNS", *v.mpxs_conns ? "1" : "0");
  AppValues again;
  check(parse_get_values_result(written, again, error));
  check(again == v);
}

void stream_round_trip(std::string_view in) {
  std::string written;
  append_stream(written, Type::Stdout, 1, in);
  append_stream_end(written, Type::Stdout, 1);
  std::string copy = written;
  AnswerRecords a;
  const size_t n = a.unwrap(copy.data(), copy.size());
  check(std::string_view(copy.data(), n) == in);
  check(!a.failed());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t seed = data[0];
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  check(read(in, seed, true) == read(in, seed, false));
  check(unwrap(in, seed, true) == unwrap(in, seed, false));
  pairs_round_trip(in);
  values_round_trip(in);
  stream_round_trip(in);
  return 0;
}
