#include "conf/keyword_table.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "conf/did_you_mean.hpp"
#include "conf/duration.hpp"
#include "conf/number.hpp"

namespace ferry::conf {

namespace {

const std::vector<std::span<const Keyword>>& all_tables() {
  static const std::vector<std::span<const Keyword>> tables{
      global_keywords(),     proxy_keywords(),      bind_keywords(),      server_keywords(),
      log_keywords(),        check_keywords(),      http_keywords(),      http_backend_keywords(),
      stats_page_keywords(), acl_keywords(),        http_rule_keywords(), fcgi_keywords(),
      cookie_keywords(),     unsupported_keywords()};
  return tables;
}

bool has_space(std::string_view s) {
  return s.find(' ') != std::string_view::npos;
}

// The global section, an fcgi-app, or all proxy sections: suggestions and fallbacks stay within
// it.
unsigned family(unsigned section) {
  return section == kGlobal || section == kFcgiApp ? section : kAnyProxy;
}

bool matches(const Keyword& kw, std::span<const std::string> words, size_t& consumed) {
  if (kw.prefix) {
    consumed = 1;
    return words[0].starts_with(kw.name);
  }
  if (has_space(kw.name)) {
    consumed = 2;
    return words.size() >= 2 && kw.name == words[0] + " " + words[1];
  }
  consumed = 1;
  return kw.name == words[0];
}

// Two-word names starting with `first` (`option`, `timeout`, ...), or empty if it is no group.
std::vector<std::string_view> group_members(std::string_view first, unsigned section) {
  std::vector<std::string_view> out;
  bool group = false;
  for (const auto& table : all_tables()) {
    for (const auto& kw : table) {
      if (!has_space(kw.name) || kw.name.substr(0, kw.name.find(' ')) != first) continue;
      group = true;
      if (kw.handler && (kw.sections & family(section))) out.push_back(kw.name);
    }
  }
  if (group && out.empty()) out.push_back("");  // still a group, nothing to suggest
  return out;
}

std::vector<std::string_view> first_words(unsigned section) {
  std::vector<std::string_view> out;
  for (const auto& table : all_tables())
    for (const auto& kw : table)
      if (kw.handler && (kw.sections & family(section)) && !kw.prefix)
        out.push_back(kw.name.substr(0, kw.name.find(' ')));
  return out;
}

void report_unknown(ParseContext& ctx, const Statement& st, std::span<const std::string> words) {
  const unsigned section = ctx.section();
  auto members = group_members(words[0], section);
  std::string written = words[0];
  if (!members.empty() && words.size() >= 2) written += " " + words[1];
  if (members.empty()) members = first_words(section);
  ctx.error(st.pos, "unknown keyword '" + written + "' in '" + section_name(section) + "' section" +
                        did_you_mean(written, members));
}

void report_misplaced(ParseContext& ctx, const Call& call, const Keyword& kw) {
  const bool as_error =
      kw.misplaced == Misplaced::Error || ctx.section() == kGlobal || kw.sections == kGlobal;
  const std::string name(call.keyword);
  if (as_error)
    return ctx.error(call.pos(), "'" + name + "' is not allowed in " + ctx.where() +
                                     " (it belongs in " + sections_phrase(kw.sections) + ")");
  ctx.warning(call.pos(), "'" + name + "' is ignored in " + ctx.where() + " (it applies to " +
                              sections_phrase(kw.sections) + ")");
}

bool check_arg_count(ParseContext& ctx, const Call& call, const Keyword& kw) {
  const int n = static_cast<int>(call.args.size());
  const std::string usage = "; usage: " + std::string(kw.usage);
  if (n < kw.min_args) {
    fail(ctx, call, "missing argument for '" + std::string(call.keyword) + "'" + usage);
    return false;
  }
  if (kw.max_args >= 0 && n > kw.max_args) {
    fail(ctx, call,
         "unexpected argument '" + call.args[kw.max_args] + "' after '" +
             std::string(call.keyword) + "'" + usage);
    return false;
  }
  return true;
}

}  // namespace

const Keyword* find_keyword(std::span<const std::string> words, unsigned section,
                            size_t& consumed) {
  const Keyword* fallback = nullptr;
  size_t fallback_consumed = 0;
  // Exact names before prefixes, two words before one; a row for this section wins.
  for (int pass = 0; pass < 3; ++pass) {
    for (const auto& table : all_tables()) {
      for (const auto& kw : table) {
        const bool wanted =
            pass == 2 ? kw.prefix : (!kw.prefix && has_space(kw.name) == (pass == 0));
        size_t n = 0;
        if (!wanted || !matches(kw, words, n)) continue;
        if (kw.sections & section) {
          consumed = n;
          return &kw;
        }
        // Out of place: prefer a row of the same family (a proxy's `maxconn` in a backend
        // rather than the global one).
        if (!fallback ||
            ((kw.sections & family(section)) && !(fallback->sections & family(section))))
          fallback = &kw, fallback_consumed = n;
      }
    }
    if (fallback) break;
  }
  consumed = fallback_consumed;
  return fallback;
}

void dispatch(ParseContext& ctx, const Statement& st) {
  std::span<const std::string> words(st.words);
  const bool negated = words.size() > 1 && words[0] == "no";
  if (negated) words = words.subspan(1);
  size_t consumed = 0;
  const Keyword* kw = find_keyword(words, ctx.section(), consumed);
  if (!kw) return report_unknown(ctx, st, words);
  const std::string written = consumed == 2 ? words[0] + " " + words[1] : words[0];
  const Call call{st, kw->prefix ? std::string_view(words[0]) : kw->name, words.subspan(consumed),
                  negated};
  if (!kw->handler)
    return fail(ctx, call,
                "'" + written + "' is not supported by ferry; " + std::string(kw->usage));
  if (!(kw->sections & ctx.section())) return report_misplaced(ctx, call, *kw);
  if (negated && !kw->negatable)
    return fail(ctx, call,
                "'no' cannot be used with '" + written +
                    "'; only boolean options such as 'no option redispatch' take it");
  if (check_arg_count(ctx, call, *kw)) kw->handler(ctx, call);
}

bool is_section_keyword(const std::vector<std::string>& words, unsigned section) {
  size_t consumed = 0;
  const Keyword* kw = find_keyword(std::span<const std::string>(words), section, consumed);
  return kw && (kw->sections & section);
}

void fail(ParseContext& ctx, const Call& call, const std::string& message) {
  ctx.error(call.pos(), ctx.where() + ": " + message);
}

void warn(ParseContext& ctx, const Call& call, const std::string& message) {
  ctx.warning(call.pos(), ctx.where() + ": " + message);
}

bool int_arg(ParseContext& ctx, const Call& call, size_t i, long long min, long long max,
             int& out) {
  if (auto err = parse_int(call.args[i], call.keyword, min, max, out)) {
    fail(ctx, call, *err);
    return false;
  }
  return true;
}

bool duration_arg(ParseContext& ctx, const Call& call, size_t i, Millis& out) {
  if (auto err = parse_duration(call.args[i], call.keyword, out)) {
    fail(ctx, call, *err);
    return false;
  }
  return true;
}

bool condition_arg(ParseContext& ctx, const Call& call, size_t i, Condition& out) {
  std::span<const Acl> acls;
  if (ctx.section() & (kFrontend | kBackend | kListen)) acls = ctx.proxy().acls;
  if (auto err = parse_condition(call.args.subspan(i), call.pos(), acls, out)) {
    fail(ctx, call, *err);
    return false;
  }
  return true;
}

// Opened without blocking, so that a FIFO or a device named by mistake cannot hang the load.
std::optional<std::string> read_small_file(const std::string& path, size_t limit,
                                           std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return std::strerror(errno);
  struct stat st {};
  std::optional<std::string> error;
  if (::fstat(fd, &st) != 0) {
    error = std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    error = "not a regular file";
  } else {
    out.resize(limit);
    size_t got = 0;
    while (got < limit) {
      const ssize_t n = ::read(fd, out.data() + got, limit - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) error = std::strerror(errno);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    out.resize(got);
  }
  ::close(fd);
  return error;
}

}  // namespace ferry::conf
