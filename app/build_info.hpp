// What `ferry -vv` prints after the version: how this binary was built (build type,
// sanitizers, compiler) and the versions of the libraries it was built with and runs with.
#pragma once

#include <string>

namespace ferry::app {

std::string build_info_text();

}  // namespace ferry::app
