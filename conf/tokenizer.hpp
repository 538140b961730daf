// Cuts HAProxy-format text into statements (one logical line each, split into words), the first
// stage of the config pipeline. Pure: no I/O besides reading the environment for `$VAR`.
//
// Rules (HAProxy 2.6, section 2.2 and 2.3 of its configuration manual, plus two extensions):
// - words are split on blanks; an unquoted `#` starts a comment;
// - `"..."` keeps blanks, `#` and `'`, and expands `$VAR`, `${VAR}`, `${VAR-default}` and
//   `${VAR[*]}` (several words); `'...'` keeps everything as written;
// - backslash escapes: `\n`, `\r`, `\t`, `\xNN`, and any other character stands for itself;
// - extension: a `\` at the very end of a line continues the statement on the next line;
// - extension: `$VAR` and `${VAR}` are also expanded outside quotes (`\$` is a literal `$`);
// - `${.FILE}` and `${.LINE}` give the current file name and line number.
// An unset variable without a default expands to nothing, with a warning.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conf/model.hpp"

namespace ferry::conf {

struct Statement {
  SourcePos pos;  // where the statement starts
  std::vector<std::string> words;
};

// Appends errors (unterminated quote, bad escape) and warnings (unset variable) to `diags`; a
// statement with an error is dropped.
std::vector<Statement> tokenize(std::string_view text, const std::string& file,
                                std::vector<Diagnostic>& diags);

}  // namespace ferry::conf
