// `if|unless` conditions over named, predefined and anonymous ACLs.
#include <strings.h>
#include <algorithm>
#include <cctype>

#include "conf/acl.hpp"
#include "conf/did_you_mean.hpp"

namespace ferry::conf {

namespace {

struct Predefined {
  std::string_view name;
  std::string_view term;  // "" when ferry does not provide it
};

// HAProxy 2.6's predefined ACLs, as the terms they stand for.
constexpr Predefined kPredefined[] = {
    {"TRUE", "always_true"},
    {"FALSE", "always_false"},
    {"LOCALHOST", "src 127.0.0.1/8 ::1"},
    {"METH_CONNECT", "method CONNECT"},
    {"METH_DELETE", "method DELETE"},
    {"METH_GET", "method GET HEAD"},
    {"METH_HEAD", "method HEAD"},
    {"METH_OPTIONS", "method OPTIONS"},
    {"METH_POST", "method POST"},
    {"METH_PUT", "method PUT"},
    {"METH_TRACE", "method TRACE"},
    {"HTTP_URL_ABS", "url_reg ^[^/:]*://"},
    {"HTTP_URL_SLASH", "url_beg /"},
    {"HTTP_URL_STAR", "url *"},
    {"HTTP_CONTENT", "hdr_val(content-length) gt 0"},
    {"HTTP", ""},
    {"HTTP_1.0", ""},
    {"HTTP_1.1", ""},
    {"HTTP_2.0", ""},
    {"RDP_COOKIE", ""},
    {"REQ_CONTENT", ""},
    {"WAIT_END", ""},
};

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t e = std::min(text.find(' ', i), text.size());
    out.emplace_back(text.substr(i, e - i));
    i = e + 1;
  }
  return out;
}

std::string no_such_acl(const std::string& name, std::span<const Acl> acls) {
  std::vector<std::string_view> names;
  for (const auto& a : acls)
    names.push_back(a.name);
  for (const auto& p : kPredefined)
    if (!p.term.empty()) names.push_back(p.name);
  return "no such ACL '" + name + "'" + did_you_mean(name, names) +
         " (an ACL must be declared with 'acl " + name + " ...' before the rule that uses it)";
}

// A named or predefined ACL's terms, or the error.
std::optional<std::string> lookup(const std::string& name, const SourcePos& pos,
                                  std::span<const Acl> acls, AclOperand& out) {
  out.name = name;
  for (const auto& a : acls) {
    if (a.name != name) continue;
    out.terms = a.terms;
    return std::nullopt;
  }
  for (const auto& p : kPredefined) {
    if (p.name != name) continue;
    if (p.term.empty())
      return "the predefined ACL '" + name + "' is not supported by ferry; write the test it " +
             "stands for with an 'acl' line";
    auto terms = std::make_shared<std::vector<AclTerm>>(1);
    const auto words = split_words(p.term);
    if (auto err = parse_acl_term(words, pos, terms->front())) return err;
    out.terms = std::move(terms);
    return std::nullopt;
  }
  return no_such_acl(name, acls);
}

// `{ ... }` starting at words[i] == "{"; `i` ends on the closing brace.
std::optional<std::string> anonymous(std::span<const std::string> words, size_t& i,
                                     const SourcePos& pos, AclOperand& out) {
  const size_t open = i;
  while (++i < words.size() && words[i] != "}") {
    if (words[i] == "{") return std::string("'{' cannot be nested inside an anonymous ACL");
  }
  if (i >= words.size()) return std::string("missing '}' to close the anonymous ACL");
  if (i == open + 1) return std::string("empty anonymous ACL '{ }'; write a criterion inside");
  auto terms = std::make_shared<std::vector<AclTerm>>(1);
  if (auto err = parse_acl_term(words.subspan(open + 1, i - open - 1), pos, terms->front()))
    return err;
  out.terms = std::move(terms);
  return std::nullopt;
}

bool is_or(const std::string& w) {
  return w == "||" || ::strcasecmp(w.c_str(), "or") == 0;
}

}  // namespace

std::optional<std::string> check_acl_name(const std::string& name) {
  if (name.empty()) return std::string("missing ACL name");
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':')
      continue;
    return "character '" + std::string(1, c) + "' is not permitted in ACL name '" + name +
           "'; use letters, digits, '-', '_', '.' and ':'";
  }
  return std::nullopt;
}

std::optional<std::string> parse_condition(std::span<const std::string> words, const SourcePos& pos,
                                           std::span<const Acl> acls, Condition& out) {
  out = Condition{};
  out.pos = pos;
  if (words.empty() || (words[0] != "if" && words[0] != "unless"))
    return "expected 'if' or 'unless' before a condition (got '" +
           (words.empty() ? std::string() : words[0]) + "')";
  out.unless = words[0] == "unless";
  for (const auto& w : words)
    out.text += (out.text.empty() ? "" : " ") + w;
  std::vector<AclOperand> all;
  bool negate = false;
  for (size_t i = 1; i < words.size(); ++i) {
    std::string_view w = words[i];
    while (w.starts_with('!')) {
      negate = !negate;
      w.remove_prefix(1);
    }
    if (w.empty()) continue;
    if (is_or(std::string(w))) {
      if (all.empty() || negate) return "'" + std::string(w) + "' needs an ACL on each side";
      out.alternatives.push_back(std::move(all));
      all.clear();
      continue;
    }
    if (w == "}") return std::string("'}' without a matching '{'");
    AclOperand op;
    op.negate = negate;
    negate = false;
    const auto err =
        w == "{" ? anonymous(words, i, pos, op) : lookup(std::string(w), pos, acls, op);
    if (err) return err;
    all.push_back(std::move(op));
  }
  if (negate) return std::string("'!' must be followed by an ACL");
  if (all.empty())
    return "missing condition after '" + words[0] + "'" +
           (out.alternatives.empty() ? "" : std::string(" (nothing after the last 'or')"));
  out.alternatives.push_back(std::move(all));
  return std::nullopt;
}

const AclTerm* Condition::first_request_term() const {
  for (const auto& alt : alternatives)
    for (const auto& op : alt)
      for (const auto& t : *op.terms)
        if (t.needs_request()) return &t;
  return nullptr;
}

bool Condition::needs_request() const {
  return first_request_term() != nullptr;
}

}  // namespace ferry::conf
