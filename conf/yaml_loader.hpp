// The YAML front end (schema in conf/YAML.md): walks the document with yaml-cpp and turns each
// key into the same keyword call the HAProxy format would make, at the key's line:column, so
// both formats share one set of checks and messages. yaml-cpp exceptions stay inside.
#pragma once

#include <string>

#include "conf/parse_context.hpp"

namespace ferry::conf {

// Loads one YAML document. Its `defaults` (if any) apply to every proxy of this file, and only
// to them.
void load_yaml(ParseContext& ctx, const std::string& file, const std::string& text);

}  // namespace ferry::conf
