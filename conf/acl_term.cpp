// One ACL criterion with its flags and values: `hdr(host) -i -m dom example.com`.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "conf/acl.hpp"
#include "conf/did_you_mean.hpp"
#include "conf/number.hpp"

namespace ferry::conf {

namespace {

enum class Args : uint8_t {
  None,
  Header,       // (name[,occurrence])
  HeaderCount,  // ([name])
  Param,        // (name[,delimiter])
  Backend,      // ([backend])
};

struct Criterion {
  std::string_view name;
  AclFetch fetch;
  AclMatch match;
  Args args = Args::None;
};

using F = AclFetch;
using M = AclMatch;
constexpr Criterion kCriteria[] = {
    {"path", F::Path, M::Str},
    {"path_beg", F::Path, M::Beg},
    {"path_end", F::Path, M::End},
    {"path_sub", F::Path, M::Sub},
    {"path_dir", F::Path, M::Dir},
    {"path_dom", F::Path, M::Dom},
    {"path_reg", F::Path, M::Reg},
    {"path_len", F::Path, M::Len},
    {"url", F::Url, M::Str},
    {"url_beg", F::Url, M::Beg},
    {"url_end", F::Url, M::End},
    {"url_sub", F::Url, M::Sub},
    {"url_dir", F::Url, M::Dir},
    {"url_dom", F::Url, M::Dom},
    {"url_reg", F::Url, M::Reg},
    {"url_len", F::Url, M::Len},
    {"url_param", F::UrlParam, M::Str, Args::Param},
    {"urlp", F::UrlParam, M::Str, Args::Param},
    {"urlp_beg", F::UrlParam, M::Beg, Args::Param},
    {"urlp_end", F::UrlParam, M::End, Args::Param},
    {"urlp_sub", F::UrlParam, M::Sub, Args::Param},
    {"urlp_dir", F::UrlParam, M::Dir, Args::Param},
    {"urlp_dom", F::UrlParam, M::Dom, Args::Param},
    {"urlp_reg", F::UrlParam, M::Reg, Args::Param},
    {"urlp_len", F::UrlParam, M::Len, Args::Param},
    {"urlp_val", F::UrlParam, M::Int, Args::Param},
    {"query", F::Query, M::Str},
    {"hdr", F::Hdr, M::Str, Args::Header},
    {"hdr_beg", F::Hdr, M::Beg, Args::Header},
    {"hdr_end", F::Hdr, M::End, Args::Header},
    {"hdr_sub", F::Hdr, M::Sub, Args::Header},
    {"hdr_dir", F::Hdr, M::Dir, Args::Header},
    {"hdr_dom", F::Hdr, M::Dom, Args::Header},
    {"hdr_reg", F::Hdr, M::Reg, Args::Header},
    {"hdr_len", F::Hdr, M::Len, Args::Header},
    {"hdr_val", F::Hdr, M::Int, Args::Header},
    {"hdr_ip", F::Hdr, M::Ip, Args::Header},
    {"hdr_cnt", F::HdrCnt, M::Int, Args::HeaderCount},
    {"req.hdr", F::Hdr, M::Str, Args::Header},
    {"req.hdr_cnt", F::HdrCnt, M::Int, Args::HeaderCount},
    {"req.hdr_ip", F::Hdr, M::Ip, Args::Header},
    {"req.hdr_val", F::Hdr, M::Int, Args::Header},
    {"method", F::Method, M::Str},
    {"src", F::Src, M::Ip},
    {"src_port", F::SrcPort, M::Int},
    {"dst", F::Dst, M::Ip},
    {"dst_port", F::DstPort, M::Int},
    {"always_true", F::AlwaysTrue, M::Bool},
    {"always_false", F::AlwaysFalse, M::Bool},
    {"nbsrv", F::Nbsrv, M::Int, Args::Backend},
};

// The fetches a sample expression (`%[...]`, conf/sample.hpp) may start with.
constexpr Criterion kFetches[] = {
    {"path", F::Path, M::Str},
    {"url", F::Url, M::Str},
    {"query", F::Query, M::Str},
    {"url_param", F::UrlParam, M::Str, Args::Param},
    {"urlp", F::UrlParam, M::Str, Args::Param},
    {"hdr", F::Hdr, M::Str, Args::Header},
    {"req.hdr", F::Hdr, M::Str, Args::Header},
    {"hdr_cnt", F::HdrCnt, M::Int, Args::HeaderCount},
    {"req.hdr_cnt", F::HdrCnt, M::Int, Args::HeaderCount},
    {"method", F::Method, M::Str},
    {"src", F::Src, M::Ip},
    {"src_port", F::SrcPort, M::Int},
    {"dst", F::Dst, M::Ip},
    {"dst_port", F::DstPort, M::Int},
    {"always_true", F::AlwaysTrue, M::Bool},
    {"always_false", F::AlwaysFalse, M::Bool},
    {"nbsrv", F::Nbsrv, M::Int, Args::Backend},
    {"unique-id", F::UniqueId, M::Str},
};

struct MethodName {
  std::string_view name;
  AclMatch match;
};
constexpr MethodName kMethods[] = {
    {"found", M::Found}, {"bool", M::Bool}, {"int", M::Int}, {"ip", M::Ip},
    {"str", M::Str},     {"beg", M::Beg},   {"end", M::End}, {"sub", M::Sub},
    {"dir", M::Dir},     {"dom", M::Dom},   {"reg", M::Reg}, {"len", M::Len},
};

enum class SampleType { Str, Int, Ip, Bool };

SampleType sample_type(AclFetch f) {
  switch (f) {
    case F::HdrCnt:
    case F::SrcPort:
    case F::DstPort:
    case F::Nbsrv:
      return SampleType::Int;
    case F::Src:
    case F::Dst:
      return SampleType::Ip;
    case F::AlwaysTrue:
    case F::AlwaysFalse:
      return SampleType::Bool;
    default:
      return SampleType::Str;
  }
}

// Whether samples of `type` can be compared by `m` (ferry converts strings to integers and
// addresses, integers to booleans; nothing else).
bool method_fits(SampleType type, AclMatch m) {
  if (m == M::Found) return true;
  switch (type) {
    case SampleType::Str:
      return m != M::Bool;
    case SampleType::Int:
      return m == M::Int || m == M::Bool;
    case SampleType::Ip:
      return m == M::Ip;
    case SampleType::Bool:
      return m == M::Bool;
  }
  return false;
}

std::string_view method_name(AclMatch m) {
  for (const auto& n : kMethods)
    if (n.match == m) return n.name;
  return "?";
}

std::string unknown_fetch(const std::string& name) {
  std::vector<std::string_view> names;
  for (const auto& c : kCriteria)
    names.push_back(c.name);
  return "ACL criterion '" + name + "' is not supported by ferry" + did_you_mean(name, names) +
         " (README.md, 'ACL criteria', lists those it supports)";
}

// `name(a,b)` into name and arguments; an error for unbalanced parentheses.
std::optional<std::string> split_call(const std::string& word, std::string& name,
                                      std::vector<std::string>& args) {
  const size_t open = word.find('(');
  name = word.substr(0, open);
  args.clear();
  if (open == std::string::npos) return std::nullopt;
  if (word.back() != ')')
    return "missing ')' after the arguments of '" + name + "' in '" + word + "'";
  const std::string inner = word.substr(open + 1, word.size() - open - 2);
  size_t start = 0;
  while (start <= inner.size()) {
    size_t comma = inner.find(',', start);
    if (comma == std::string::npos) comma = inner.size();
    args.push_back(inner.substr(start, comma - start));
    start = comma + 1;
  }
  if (args.size() == 1 && args[0].empty()) args.clear();
  return std::nullopt;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::optional<std::string> header_args(const Criterion& c, const std::vector<std::string>& args,
                                       AclTerm& out) {
  const std::string usage = std::string(c.name) + "(<name>[,<occurrence>])";
  if (args.empty() || args[0].empty())
    return "'" + std::string(c.name) + "' needs a header name: " + usage;
  if (args.size() > 2) return "too many arguments; use " + usage;
  out.arg = lower(args[0]);
  if (args.size() == 2) {
    const auto occ = parse_integer(args[1], -1000000, 1000000);
    if (!occ) return "'" + args[1] + "' is not an occurrence number; use " + usage;
    out.occurrence = static_cast<int>(*occ);
  }
  return std::nullopt;
}

std::optional<std::string> fetch_args(const Criterion& c, const std::vector<std::string>& args,
                                      AclTerm& out) {
  const std::string name(c.name);
  switch (c.args) {
    case Args::None:
      if (!args.empty()) return "'" + name + "' takes no argument";
      return std::nullopt;
    case Args::Header:
      return header_args(c, args, out);
    case Args::HeaderCount:
      if (args.size() > 1) return "too many arguments; use " + name + "([<name>])";
      if (!args.empty()) out.arg = lower(args[0]);
      return std::nullopt;
    case Args::Backend:
      if (args.size() > 1) return "too many arguments; use " + name + "([<backend>])";
      if (!args.empty()) out.arg = args[0];
      return std::nullopt;
    case Args::Param:
      if (args.empty() || args[0].empty())
        return "'" + name + "' needs a parameter name: " + name + "(<name>[,<delimiter>])";
      if (args.size() > 2 || (args.size() == 2 && args[1].size() != 1))
        return "use " + name + "(<name>[,<delimiter>]) with a one-character delimiter";
      out.arg = args[0];
      if (args.size() == 2) out.delimiter = args[1][0];
      return std::nullopt;
  }
  return std::nullopt;
}

// The criterion word (`hdr(host)`) into out.fetch/arg/match.
std::optional<std::string> parse_criterion(const std::string& word, AclTerm& out) {
  if (word.find(',') != std::string::npos && word.find(',') > word.find(')'))
    return "converters ('" + word.substr(word.rfind(')') + 1) +
           "') are not supported by ferry in ACLs; use the '-i' flag for a case-insensitive match";
  if (word.find(',') != std::string::npos && word.find('(') == std::string::npos)
    return "converters ('" + word.substr(word.find(',')) +
           "') are not supported by ferry in ACLs; use the '-i' flag for a case-insensitive match";
  std::string name;
  std::vector<std::string> args;
  if (auto err = split_call(word, name, args)) return err;
  const auto* c = std::find_if(std::begin(kCriteria), std::end(kCriteria),
                               [&](const Criterion& k) { return k.name == name; });
  if (c == std::end(kCriteria)) return unknown_fetch(name);
  out.fetch = c->fetch;
  out.match = c->match;
  return fetch_args(*c, args, out);
}

// Reads pattern lines of `-f FILE`: blank lines and lines starting with '#' are skipped, blanks
// around a pattern removed.
std::optional<std::string> read_pattern_file(const std::string& path,
                                             std::vector<std::string>& values) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return "cannot read the pattern file '" + path + "' (-f): " + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return "the pattern file '" + path + "' (-f) is not a regular file";
  std::ifstream in(path);
  if (!in) return "cannot read the pattern file '" + path + "' (-f)";
  std::string line;
  while (std::getline(in, line)) {
    const size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    const size_t e = line.find_last_not_of(" \t\r");
    values.push_back(line.substr(b, e - b + 1));
  }
  return std::nullopt;
}

// `-i`, `-m M`, `-f FILE`, `-n`, `--`, then values. `i` ends at the first value.
std::optional<std::string> parse_flags(std::span<const std::string> words, size_t& i, AclTerm& out,
                                       std::vector<std::string>& values) {
  for (; i < words.size() && words[i].size() > 1 && words[i][0] == '-'; ++i) {
    const std::string& f = words[i];
    if (f == "--") {
      ++i;
      break;
    }
    if (f == "-i") {
      out.icase = true;
    } else if (f == "-n") {
      // ferry never resolves names: nothing to forbid.
    } else if (f == "-m" || f == "-f") {
      if (i + 1 >= words.size()) return "missing argument after '" + f + "'";
      const std::string& v = words[++i];
      if (f == "-f") {
        if (auto err = read_pattern_file(v, values)) return err;
        continue;
      }
      const auto* m = std::find_if(std::begin(kMethods), std::end(kMethods),
                                   [&](const MethodName& n) { return n.name == v; });
      if (m == std::end(kMethods))
        return "unknown match method '" + v +
               "' after '-m'; use found, bool, int, ip, str, beg, end, sub, dir, dom, reg or len";
      out.match = m->match;
    } else if (f == "-u" || f == "-M") {
      return "the ACL flag '" + f + "' is not supported by ferry; remove it";
    } else if (std::isdigit(static_cast<unsigned char>(f[1]))) {
      break;  // a negative number is a value
    } else {
      return "'" + f +
             "' is not a valid ACL flag (use -i, -m, -f, -n); write '--' before a value that "
             "begins with '-'";
    }
  }
  return std::nullopt;
}

// An integer value (`N`, `N:M`, `:M`, `N:`), after an optional operator word already applied.
std::optional<std::string> parse_int_value(const std::string& v, std::string_view op,
                                           std::vector<IntRange>& out) {
  const std::string bad = "'" + v + "' is not an integer or a range (N, N:M, :M, N:)";
  auto num = [](std::string_view s) { return parse_integer(s, INT64_MIN + 1, INT64_MAX - 1); };
  IntRange r;
  const size_t colon = v.find(':');
  if (colon != std::string::npos) {
    if (!op.empty()) return "an operator ('" + std::string(op) + "') cannot precede a range";
    const std::string lo = v.substr(0, colon), hi = v.substr(colon + 1);
    if (!lo.empty()) {
      if (auto n = num(lo))
        r.min = *n;
      else
        return bad;
    }
    if (!hi.empty()) {
      if (auto n = num(hi))
        r.max = *n;
      else
        return bad;
    }
    out.push_back(r);
    return std::nullopt;
  }
  const auto n = num(v);
  if (!n) return bad;
  if (op.empty() || op == "eq")
    r.min = r.max = *n;
  else if (op == "ge")
    r.min = *n;
  else if (op == "gt")
    r.min = *n + 1;
  else if (op == "le")
    r.max = *n;
  else
    r.max = *n - 1;  // lt
  out.push_back(r);
  return std::nullopt;
}

bool is_int_operator(std::string_view w) {
  return w == "eq" || w == "ge" || w == "gt" || w == "le" || w == "lt";
}

std::optional<std::string> add_values(const std::vector<std::string>& values, AclTerm& out) {
  std::string_view op;
  for (const std::string& v : values) {
    switch (out.match) {
      case M::Found:
      case M::Bool:
        return "'-m " + std::string(method_name(out.match)) + "' takes no value (got '" + v + "')";
      case M::Int:
      case M::Len:
        if (is_int_operator(v)) {
          op = v;
          continue;
        }
        if (auto err = parse_int_value(v, op, out.ints)) return err;
        op = {};
        break;
      case M::Ip: {
        Network net;
        if (auto err = parse_network(v, net)) return err;
        out.networks.push_back(std::move(net));
        break;
      }
      case M::Reg: {
        std::string error;
        auto re = Regex::compile(v, out.icase, error);
        if (!re) return "invalid regular expression '" + v + "': " + error;
        out.regexes.push_back(std::move(re));
        break;
      }
      default:
        out.strings.push_back(v);
    }
  }
  if (!op.empty()) return "missing value after the operator '" + std::string(op) + "'";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_fetch(const std::string& word, AclTerm& out) {
  std::string name;
  std::vector<std::string> args;
  if (auto err = split_call(word, name, args)) return err;
  const auto* c = std::find_if(std::begin(kFetches), std::end(kFetches),
                               [&](const Criterion& k) { return k.name == name; });
  if (c == std::end(kFetches)) {
    std::vector<std::string_view> names;
    for (const auto& f : kFetches)
      names.push_back(f.name);
    return "the sample fetch '" + name + "' is not supported by ferry" + did_you_mean(name, names) +
           " (README.md, 'Rules and samples', lists those it supports)";
  }
  out.fetch = c->fetch;
  out.match = c->match;
  return fetch_args(*c, args, out);
}

std::string fetch_names() {
  std::string out;
  for (const auto& f : kFetches)
    out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

bool AclTerm::needs_request() const {
  switch (fetch) {
    case F::Path:
    case F::Url:
    case F::UrlParam:
    case F::Query:
    case F::Hdr:
    case F::HdrCnt:
    case F::Method:
      return true;
    default:
      return false;
  }
}

std::optional<std::string> parse_acl_term(std::span<const std::string> words, const SourcePos& pos,
                                          AclTerm& out) {
  out = AclTerm{};
  out.pos = pos;
  if (words.empty()) return "missing ACL criterion (such as 'path_beg /api')";
  for (const auto& w : words)
    out.text += (out.text.empty() ? "" : " ") + w;
  if (auto err = parse_criterion(words[0], out)) return err;
  size_t i = 1;
  std::vector<std::string> values;
  if (auto err = parse_flags(words, i, out, values)) return err;
  if (!method_fits(sample_type(out.fetch), out.match))
    return "'-m " + std::string(method_name(out.match)) + "' cannot compare the values of '" +
           words[0] + "'";
  values.insert(values.end(), words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
  return add_values(values, out);
}

}  // namespace ferry::conf
