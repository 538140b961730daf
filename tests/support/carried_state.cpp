#include "tests/support/carried_state.hpp"

#include <regex>

namespace ferry::test {

std::string carried_state_backend(const std::string& echo_path) {
  std::string out = "backend be\n";
  for (const char* s : {"s1", "s2", "s3", "s4"})
    out += "    server " + std::string(s) + " unix@" + echo_path + "\n";
  for (const char* s : {"s5", "s6"})
    out += "    server " + std::string(s) + " unix@" + echo_path + " check inter 1h\n";
  return out;
}

void set_runtime_state(const AdminTarget& admin) {
  admin_query(admin,
              "disable server be/s2; set server be/s3 weight 5; set server be/s4 state drain; "
              "set server be/s5 health down");
}

std::string carried_states(const AdminTarget& admin) {
  return std::regex_replace(server_states(admin, "be"), std::regex(" \\d+/\\d+ "), " ");
}

}  // namespace ferry::test
