#include "stats/cli_parser.hpp"

#include <algorithm>

namespace ferry::stats {

namespace {

constexpr size_t kMaxWords = 64;  // as HAProxy: further words are ignored

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// The offset of the first unescaped terminator (LF or `;`) within `limit` bytes, or npos.
size_t find_terminator(std::string_view input, size_t limit) {
  for (size_t i = 0; i < std::min(input.size(), limit); ++i) {
    if (input[i] == '\\') {
      ++i;  // the next byte is literal, even an LF
      continue;
    }
    if (input[i] == '\n' || input[i] == ';') return i;
  }
  return std::string_view::npos;
}

std::string unescape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t k = 0; k < raw.size(); ++k) {
    if (raw[k] == '\\') {
      if (k + 1 < raw.size() && raw[k + 1] == '\\') {
        ++k;
      } else {
        continue;
      }
    }
    out += raw[k];
  }
  return out;
}

CliCommand too_long() {
  CliCommand cmd;
  cmd.too_long = true;
  return cmd;
}

}  // namespace

std::optional<CliCommand> next_command(std::string_view input, bool eof) {
  // The longest command may be followed by a CR, then its LF.
  size_t end = find_terminator(input, kMaxCommandLength + 2);
  size_t consumed = end + 1;
  const bool may_be_cr = input.size() == kMaxCommandLength + 1 && input.back() == '\r';
  if (end == std::string_view::npos && input.size() > kMaxCommandLength && !may_be_cr)
    return too_long();
  if (end == std::string_view::npos) {
    // At EOF HAProxy still takes a tail whose last byte is an LF (one that was escaped).
    if (!eof || input.empty() || input.back() != '\n') return std::nullopt;
    end = input.size() - 1;
    consumed = input.size();
  }
  std::string_view line = input.substr(0, end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > kMaxCommandLength) return too_long();
  return CliCommand{consumed, line, split_words(line)};
}

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  size_t p = 0;
  while (p < line.size() && words.size() < kMaxWords) {
    while (p < line.size() && is_blank(line[p]))
      ++p;
    if (p >= line.size()) break;
    const size_t start = p;
    while (p < line.size() && !is_blank(line[p]))
      p += (line[p] == '\\') ? 2 : 1;
    if (p > line.size()) p = line.size();
    words.push_back(unescape(line.substr(start, p - start)));
    ++p;  // the blank that ended the word
  }
  return words;
}

}  // namespace ferry::stats
