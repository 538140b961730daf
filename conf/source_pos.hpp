// Where a piece of the config came from, carried by every model struct for messages.
#pragma once

#include <string>

namespace ferry::conf {

struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;  // 0 when unknown (the HAProxy format is line-based)
};
// "file:line" or "file:line:col".
std::string to_string(const SourcePos& pos);

}  // namespace ferry::conf
