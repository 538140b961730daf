#include "app/build_info.hpp"

#include <ev.h>

#include <nlohmann/json.hpp>
#include <string>

// Set by CMakeLists.txt for this file only.
#ifndef FERRY_BUILD_TYPE
#error \
    "FERRY_BUILD_TYPE, FERRY_SANITIZERS, FERRY_COMPILER and FERRY_YAML_CPP_VERSION come from CMake"
#endif

namespace ferry::app {

std::string build_info_text() {
  const std::string ev_built =
      std::to_string(EV_VERSION_MAJOR) + "." + std::to_string(EV_VERSION_MINOR);
  const std::string ev_running =
      std::to_string(ev_version_major()) + "." + std::to_string(ev_version_minor());
  return std::string("Build options :\n") +
         "  BUILD_TYPE = " FERRY_BUILD_TYPE
         "\n"
         "  SANITIZERS = " FERRY_SANITIZERS
         "\n"
         "  COMPILER   = " FERRY_COMPILER
         "\n"
         "  CXX_STD    = C++" +
         std::to_string(__cplusplus / 100 % 100) +
         "\n"
         "\n"
         "Built with libev version : " +
         ev_built + "\n" + "Running on libev version : " + ev_running + "\n" +
         "Built with yaml-cpp version : " FERRY_YAML_CPP_VERSION
         "\n"
         "Built with nlohmann/json version : " +
         std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
         std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
         std::to_string(NLOHMANN_JSON_VERSION_PATCH) + "\n" +
         "Built without OpenSSL (ferry links no TLS library)\n";
}

}  // namespace ferry::app
