// The servers' state a reload must carry over (issue 11), shared by the -W and the -sf -x reload
// tests: a backend `be` of six servers, the admin commands that set their state at run time, and
// what `show stat` then shows.
#pragma once

#include <string>

#include "tests/support/admin_client.hpp"

namespace ferry::test {

// `backend be`: six servers on the echo server at `echo_path`. s1..s4 are unchecked; s5 and s6
// are checked every hour, s5 at once and s6 not for half an hour (staggered first checks).
std::string carried_state_backend(const std::string& echo_path);

// Maintenance (s2), a runtime weight (s3), drain (s4) and a forced DOWN (s5).
void set_runtime_state(const AdminTarget& admin);

// server_states(admin, "be") without check counts (s5 may show "DOWN 1/2" once checked).
std::string carried_states(const AdminTarget& admin);

// What carried_states shows once set_runtime_state ran.
inline constexpr const char* kCarriedStates =
    "s1 no check 1\ns2 MAINT 1\ns3 no check 5\ns4 DRAIN 1\ns5 DOWN 1\ns6 UP 1\n";

}  // namespace ferry::test
