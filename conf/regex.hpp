// A compiled POSIX extended regular expression (libc's regcomp/regexec), the flavour HAProxy uses
// when built without PCRE. Compiled once when the config is read; matching is unanchored (a
// search), as HAProxy's `-m reg`, and reads a string_view without copying it (REG_STARTEND).
#pragma once

#include <regex.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::conf {

class Regex {
 public:
  // The compiled pattern, or nullptr with `error` set to libc's reason. `groups`: match() will
  // report the capture groups.
  static std::shared_ptr<const Regex> compile(const std::string& pattern, bool icase,
                                              std::string& error, bool groups = false);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // True when the pattern matches somewhere in `text`.
  bool search(std::string_view text) const;
  // Searches `text`; on a match, groups[0] is the match and groups[1..ngroups) the capture groups
  // (offsets into `text`, -1 for a group that did not take part). Needs `groups` at compile().
  bool match(std::string_view text, regmatch_t* groups, size_t ngroups) const;
  const std::string& pattern() const { return pattern_; }

 private:
  Regex() = default;
  regex_t re_{};
  bool compiled_ = false;  // re_ holds a compiled pattern to free
  std::string pattern_;
};

}  // namespace ferry::conf
