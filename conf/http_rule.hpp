// `http-request` and `http-response` rules as HAProxy 2.6 writes them (the part ferry
// implements), parsed by conf/keywords_http_rules.cpp and applied by http/http_rules.hpp:
//
//   http-request set-header|add-header NAME FMT | del-header NAME
//                | replace-header NAME REGEX FMT | set-path FMT | replace-path REGEX FMT
//                | set-query FMT | set-method FMT | set-uri FMT
//                | redirect location|prefix|scheme TEXT [code N] [drop-query] [append-slash]
//                | deny [deny_status N] | return [status N] [content-type T] [string S |
//                  lf-string FMT | file F] | allow           [if|unless COND]
//   http-response set-header|add-header|del-header|replace-header ... | set-status N [reason R]
//
// FMT is a log-format string (conf/log_format.hpp); REGEX a POSIX extended regular expression
// whose groups FMT refers to as \1..\9.
#pragma once

#include <memory>
#include <string>

#include "conf/acl.hpp"
#include "conf/log_format.hpp"
#include "conf/regex.hpp"
#include "conf/source_pos.hpp"

namespace ferry::conf {

struct HttpRule {
  enum class Action : uint8_t {
    SetHeader,
    AddHeader,
    DelHeader,
    ReplaceHeader,
    SetPath,
    ReplacePath,
    SetQuery,
    SetMethod,
    SetUri,
    Redirect,
    Deny,
    Return,
    Allow,
    SetStatus,
  };
  enum class Redirect : uint8_t { Location, Prefix, Scheme };

  SourcePos pos;
  Action action = Action::Allow;
  std::string name;                    // the header's
  LogFormat value;                     // what is set, added or put in place of a match
  std::shared_ptr<const Regex> regex;  // replace-header, replace-path
  int status = 0;                      // redirect code, deny_status, return/set-status status
  Redirect redirect = Redirect::Location;
  bool drop_query = false;      // redirect prefix: the query is not kept
  bool append_slash = false;    // redirect prefix drop-query: a '/' ends the path
  std::string content_type;     // return's
  bool body_is_format = false;  // return lf-string: `value` is the body
  std::string body;             // return string/file: the body as it is
  std::string reason;           // set-status's
  Condition cond;               // empty: always
  std::string text;             // the line's words, for --dump-config
};

}  // namespace ferry::conf
