#include "app/guarded_main.hpp"

#include <exception>
#include <string>

namespace ferry::app {

namespace {

void report(std::ostream& err, const std::string& what) noexcept {
  try {
    err << "ferry: internal error: " << what
        << "; this is a bug in ferry, please report it with the command line and configuration "
           "that caused it\n"
        << std::flush;
  } catch (...) {  // the stream itself failed: nothing more can be said
  }
}

}  // namespace

int guarded_main(const std::function<int()>& body, std::ostream& err) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    report(err, e.what());
  } catch (...) {
    report(err, "an exception that is not a std::exception");
  }
  return kInternalErrorStatus;
}

}  // namespace ferry::app
