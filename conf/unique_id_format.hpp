// `unique-id-format`: the subset of HAProxy's log-format a request id is built from. Literal
// text, `%%`, the variables %ci %cp (client address and port), %fi %fp (the address and port it
// reached), %Ts (accept date, Unix seconds), %rt (the request's number in the process), %pid,
// %f (frontend name), %H (host name), and `%{+X}o` / `%{-X}o` to write the following ones in
// hexadecimal or not (HAProxy's usual `%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid`; the spaces after
// such an option are not part of the id, as in HAProxy).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/model.hpp"

namespace ferry::conf {

// The pieces of `format`, or the reason it is refused (an unknown variable, a sample fetch).
std::optional<std::string> parse_unique_id_format(std::string_view format,
                                                  std::vector<UniqueIdPiece>& out);

}  // namespace ferry::conf
