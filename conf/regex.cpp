#include "conf/regex.hpp"

namespace ferry::conf {

std::shared_ptr<const Regex> Regex::compile(const std::string& pattern, bool icase,
                                            std::string& error, bool groups) {
  std::shared_ptr<Regex> re(new Regex);
  const int flags = REG_EXTENDED | (groups ? 0 : REG_NOSUB) | (icase ? REG_ICASE : 0);
  if (const int rc = ::regcomp(&re->re_, pattern.c_str(), flags); rc != 0) {
    char buf[256];
    ::regerror(rc, &re->re_, buf, sizeof buf);
    error = buf;
    return nullptr;
  }
  re->compiled_ = true;
  re->pattern_ = pattern;
  return re;
}

Regex::~Regex() {
  if (compiled_) ::regfree(&re_);
}

bool Regex::search(std::string_view text) const {
  regmatch_t m{};
  m.rm_so = 0;
  m.rm_eo = static_cast<regoff_t>(text.size());
  // REG_STARTEND: the bounds come from `m`, the text needs no terminating NUL.
  const char* data = text.empty() ? "" : text.data();
  return ::regexec(&re_, data, 1, &m, REG_STARTEND) == 0;
}

bool Regex::match(std::string_view text, regmatch_t* groups, size_t ngroups) const {
  groups[0].rm_so = 0;
  groups[0].rm_eo = static_cast<regoff_t>(text.size());
  const char* data = text.empty() ? "" : text.data();
  return ::regexec(&re_, data, ngroups, groups, REG_STARTEND) == 0;
}

}  // namespace ferry::conf
