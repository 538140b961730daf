// Classification of failed check connections (reference 1.5, OBS table).
#include <doctest/doctest.h>

#include <cerrno>

#include "healthcheck/connect_errors.hpp"

namespace ferry::healthcheck::test {

using core::CheckStatus;

TEST_CASE("UNIX: a missing path is a socket error") {
  const CheckResult r = connect_failure(ENOENT, ConnectPhase::Immediate);
  CHECK(r.status == CheckStatus::SockErr);
  CHECK(r.text == "General socket error (No such file or directory)");
  CHECK(r.code == -1);
}

TEST_CASE("UNIX: nobody listening is a socket error, not L4CON") {
  const CheckResult r = connect_failure(ECONNREFUSED, ConnectPhase::Immediate);
  CHECK(r.status == CheckStatus::SockErr);
  CHECK(r.text == "General socket error (Connection refused)");
}

TEST_CASE("UNIX: a full backlog reads as out of source ports, without the errno text") {
  const CheckResult r = connect_failure(EAGAIN, ConnectPhase::Immediate);
  CHECK(r.status == CheckStatus::SockErr);
  CHECK(r.text == "Out of local source ports on the system");
}

TEST_CASE("TCP: refused after EINPROGRESS is a layer-4 connection problem") {
  const CheckResult r = connect_failure(ECONNREFUSED, ConnectPhase::Deferred);
  CHECK(r.status == CheckStatus::L4Con);
  CHECK(r.text == "Connection refused");
}

TEST_CASE("resource exhaustion texts") {
  CHECK(connect_failure(EMFILE, ConnectPhase::Immediate).text ==
        "Too many sockets on the process (Too many open files)");
  CHECK(connect_failure(ENFILE, ConnectPhase::Immediate).text ==
        "Too many sockets on the system (Too many open files in system)");
  CHECK(connect_failure(EACCES, ConnectPhase::Immediate).text ==
        "General socket error (Permission denied)");
}

TEST_CASE("a connect that never completes is L4TOUT with no text") {
  const CheckResult r = connect_timeout();
  CHECK(r.status == CheckStatus::L4Tout);
  CHECK(r.text.empty());
}

}  // namespace ferry::healthcheck::test
