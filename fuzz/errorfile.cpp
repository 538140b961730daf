// The errorfile parser: any bytes are refused with a message or parsed; what ferry sends for a
// parsed file parses back to the same response (field names lowercased, Connection its own).
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "conf/errorfile.hpp"
#include "http/error_reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using ferry::conf::ErrorFile;
  ErrorFile file;
  if (ferry::conf::parse_errorfile({reinterpret_cast<const char*>(data), size}, file)) return 0;
  const std::string reply = ferry::http::errorfile_reply(file).render(true, false);
  if (file.version.empty()) {  // an empty file: no reply at all
    if (!reply.empty()) std::abort();
    return 0;
  }
  // The `connection: close` ferry adds may take the reply past the size limit of a file.
  if (reply.size() > ferry::conf::kErrorfileMaxSize) return 0;
  ErrorFile back;
  if (ferry::conf::parse_errorfile(reply, back)) std::abort();
  if (back.version != file.version || back.status_text != file.status_text ||
      back.body != file.body || back.headers.size() != file.headers.size())
    std::abort();
  for (size_t i = 0; i < file.headers.size(); ++i) {
    std::string lower = file.headers[i].first;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (back.headers[i].first != lower || back.headers[i].second != file.headers[i].second)
      std::abort();
  }
  return 0;
}
