// The HAProxy-format front end: tokenizes one file and feeds its statements, section by section,
// to the keyword tables through a ParseContext shared by all the files of a load.
#pragma once

#include <string>
#include <string_view>

#include "conf/parse_context.hpp"

namespace ferry::conf {

// Parses `text` (the contents of `file`) into ctx. Each file starts outside any section, as in
// HAProxy; `defaults` carry over from earlier files.
void parse_haproxy(ParseContext& ctx, const std::string& file, std::string_view text);

}  // namespace ferry::conf
