// Sample expressions as HAProxy 2.6 writes them inside `%[...]` of a log-format value:
//
//   fetch[(args)][,converter[(args)]]...      e.g.  req.hdr(host),lower   url_param(id),base64
//
// The fetches are the ACL criteria's (conf/acl.hpp: path, url, query, url_param, hdr, req.hdr,
// hdr_cnt, method, src, src_port, dst, dst_port, nbsrv, always_true/false) plus `unique-id`; the
// converters those of kConverters below. Parsed once into plain data; evaluated by
// http/sample_eval.hpp. Anything else is refused with the closest known name.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/acl.hpp"
#include "conf/regex.hpp"

namespace ferry::conf {

enum class ConverterKind : uint8_t {
  Lower,   // lower-case ASCII letters
  Upper,   // upper-case ASCII letters
  Base64,  // RFC 4648 base64 of the bytes
  Hex,     // the bytes as upper-case hexadecimal
  Length,  // the number of bytes, an integer
  Regsub,  // regsub(regex,replacement[,flags]): each match (the first without 'g') replaced
};

struct Converter {
  ConverterKind kind = ConverterKind::Lower;
  std::shared_ptr<const Regex> regex;  // regsub's
  std::string replacement;             // regsub's, with \0..\9 group references
  bool global = false;                 // regsub's 'g' flag
};

struct SampleExpr {
  std::string text;  // as written, for messages and --dump-config
  // The fetch, its argument, occurrence and delimiter, as an ACL criterion holds them (`match`
  // and the values are unused). `hdr` without an occurrence reads the last value, `url_param` the
  // first, as HAProxy's sample fetches do.
  AclTerm fetch;
  std::vector<Converter> converters;
};

// `fetch[(args)][,converter...]` (the text between `%[` and `]`) into `out`; the message naming
// what is wrong and the closest supported name, or nullopt.
std::optional<std::string> parse_sample(std::string_view text, SampleExpr& out);

}  // namespace ferry::conf
