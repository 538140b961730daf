// Framing of the runtime API (HAProxy 2.6 CLI), as a pure function over the bytes received so
// far: a command ends at an LF or an unescaped `;`, a CR just before the end is dropped, a
// backslash escapes the next byte (`\;`, `\\`, `\ `), and words are split on blanks. No I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::stats {

// The longest command HAProxy 2.6 answers: 16100 bytes before its LF. It gives no reply to a
// longer one (and never closes that connection); ferry answers kLineTooLong and closes.
inline constexpr size_t kMaxCommandLength = 16100;
inline constexpr std::string_view kLineTooLong =
    "Command line too long (more than 16100 bytes before its newline or ';'); closing.\n";

struct CliCommand {
  size_t consumed = 0;             // bytes of input used, terminator included
  std::string_view text;           // the raw command, without its terminator (and CR)
  std::vector<std::string> words;  // split and unescaped
  bool too_long = false;           // over kMaxCommandLength (nothing else is set)
};

// The first complete command in `input`, or nothing while the terminator has not arrived.
// `eof`: the peer will send no more. As in HAProxy, an unterminated tail is then dropped, except
// a tail that ends with an escaped LF (`\` + LF), which still runs. A first command longer than
// kMaxCommandLength, terminated or not yet, is reported `too_long` as soon as that is known; the
// work is bounded by that length, however much input is given.
std::optional<CliCommand> next_command(std::string_view input, bool eof);

// Splits one command line into words: blanks (space, tab) separate them, a backslash makes the
// next byte literal (`\\` is one backslash), a lone trailing backslash vanishes.
std::vector<std::string> split_words(std::string_view line);

}  // namespace ferry::stats
