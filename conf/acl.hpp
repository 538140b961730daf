// ACLs and conditions as HAProxy 2.6 writes them, parsed once into plain data (evaluated by
// http/acl_eval.hpp):
//
//   acl NAME CRITERION [-i] [-m METHOD] [-f FILE]... [-n] [--] [VALUE...]
//   ... if|unless [!]NAME [!]{ CRITERION [flags] [VALUE...] } or|'||' ...
//
// Several `acl` lines with one name OR together; in a condition, terms side by side AND together,
// `or`/`||` separates alternatives, `!` negates the term after it. A named ACL must be declared
// before a condition uses it (HAProxy's rule); `TRUE`, `FALSE`, `LOCALHOST`, `METH_*`,
// `HTTP_URL_SLASH` and `HTTP_URL_STAR` are predefined.
//
// Using conditions from a keyword handler (`stats admin if ...`, `http-request ... if ...`):
//   Condition cond;
//   if (!condition_arg(ctx, call, i, cond)) return;       // keyword_table.hpp: reports file:line
// or, outside a proxy section (no named ACLs there), the pure
//   if (auto err = parse_condition(words_from_if, pos, {}, cond)) report(*err);
// then at run time: http::evaluate(cond, request_context) (http/acl_eval.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "conf/network.hpp"
#include "conf/regex.hpp"
#include "conf/source_pos.hpp"

namespace ferry::conf {

// What a criterion reads. Request* fetches need the HTTP request head; the others are known from
// the connection (or the runtime, for nbsrv).
enum class AclFetch : uint8_t {
  Path,         // the path of the request target (no query)
  Url,          // the request target as sent
  UrlParam,     // each value of a query parameter (`url_param(name[,delim])`)
  Query,        // what follows the first '?' of the target
  Hdr,          // each comma-separated value of a request header (`hdr(name[,occ])`)
  HdrCnt,       // how many values a header has (all headers without a name)
  Method,       // the request method
  Src,          // the client's address (PROXY header's when accept-proxy); none for UNIX clients
  SrcPort,      // its port
  Dst,          // the address the client connected to; none for UNIX listeners
  DstPort,      // its port
  AlwaysTrue,   // a boolean true
  AlwaysFalse,  // a boolean false
  Nbsrv,        // usable servers of a backend (`nbsrv([backend])`)
  UniqueId,     // the request's unique-id-format id (sample expressions only)
};

// How samples are compared with the values (HAProxy's `-m` methods).
enum class AclMatch : uint8_t {
  Found,  // the fetch returned something
  Bool,   // a non-zero sample
  Int,    // integer in one of the ranges
  Ip,     // address in one of the networks
  Str,    // equal
  Beg,    // prefix
  End,    // suffix
  Sub,    // substring
  Dir,    // a '/'-delimited part
  Dom,    // a '.'-delimited part
  Reg,    // regular expression search
  Len,    // the sample's length in one of the ranges
};

struct IntRange {
  int64_t min = INT64_MIN;
  int64_t max = INT64_MAX;  // inclusive
};

// One criterion with its values: `path_beg -i /api /static`.
struct AclTerm {
  SourcePos pos;
  std::string text;  // as written, for messages and --dump-config
  AclFetch fetch = AclFetch::AlwaysTrue;
  std::string arg;       // header or parameter name (header names lowercase), nbsrv's backend
  int occurrence = 0;    // hdr(name,N): 0 all values, N > 0 the Nth, N < 0 the Nth from the last
  char delimiter = '&';  // url_param's parameter separator
  AclMatch match = AclMatch::Bool;
  bool icase = false;                                 // -i
  std::vector<std::string> strings;                   // Str .. Dom (as written)
  std::vector<IntRange> ints;                         // Int, Len
  std::vector<Network> networks;                      // Ip
  std::vector<std::shared_ptr<const Regex>> regexes;  // Reg
  bool needs_request() const;                         // reads the HTTP request head
};

// `acl NAME ...` lines of a proxy, one entry per name. The terms are shared with the conditions
// that refer to the name, so a later `acl` line of the same name applies to them too (as in
// HAProxy, where a condition points at the ACL).
struct Acl {
  SourcePos pos;  // the first line
  std::string name;
  std::shared_ptr<std::vector<AclTerm>> terms;  // OR together
};

// A named or anonymous ACL in a condition, possibly negated.
struct AclOperand {
  bool negate = false;
  std::string name;  // empty for `{ ... }`
  std::shared_ptr<const std::vector<AclTerm>> terms;
};

// `if|unless COND`: true when some alternative has all its operands true (inverted by unless).
// An empty condition (no if/unless written) is always true.
struct Condition {
  SourcePos pos;
  bool unless = false;
  std::vector<std::vector<AclOperand>> alternatives;
  std::string text;  // "if a !b || { path /x }", for --dump-config

  bool empty() const { return alternatives.empty(); }
  bool needs_request() const;  // some term reads the HTTP request head
  // The first term that reads the HTTP request head, for "needs an HTTP request" messages.
  const AclTerm* first_request_term() const;
};

// Parses an `acl` line's words after the name (`CRITERION [flags] VALUE...`) into `out`; the
// error message (naming the bad word and how to fix it) or nullopt.
std::optional<std::string> parse_acl_term(std::span<const std::string> words, const SourcePos& pos,
                                          AclTerm& out);

// Parses `words`, which start with `if` or `unless`, into `out`; `acls` are the named ACLs the
// condition may use. The error message or nullopt.
std::optional<std::string> parse_condition(std::span<const std::string> words, const SourcePos& pos,
                                           std::span<const Acl> acls, Condition& out);

// A sample fetch with its arguments (`hdr(host,-1)`, `src`; conf/sample.hpp) into
// out.fetch/arg/occurrence/delimiter; the message (with the closest known fetch) or nullopt.
std::optional<std::string> parse_fetch(const std::string& word, AclTerm& out);
// The names parse_fetch knows, comma-separated, for messages.
std::string fetch_names();

// ACL names: letters, digits, '-', '_', '.', ':'. The message for a bad one, or nullopt.
std::optional<std::string> check_acl_name(const std::string& name);

}  // namespace ferry::conf
