#include "tests/support/test_certs.hpp"

#include "tests/support/admin_programs.hpp"

namespace ferry::test {

namespace {

constexpr const char* kScript = R"(set -e
cd "$1"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca() {  # name cn
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 2 -subj "/CN=$2"
}
cert() {  # name cn ca extension
  key "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2"
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  cat "$1.crt" "$1.key" > "$1.pem"
}
ca ca "ferry test CA"
ca other-ca "another CA"
cert server localhost ca "subjectAltName=DNS:localhost,IP:127.0.0.1"
cert ops ops-alice ca "extendedKeyUsage=clientAuth"
cert monitor monitor-bob ca "extendedKeyUsage=clientAuth"
cert stranger ops-alice other-ca "extendedKeyUsage=clientAuth"
)";

}  // namespace

TestCerts::TestCerts(const TempDir& dir) {
  const ProgramResult made =
      run_program(ProgramSpec{{"sh", "-c", kScript, "sh", dir.path()}, {}, {}}, 20s);
  if (!(made.status == ExitStatus{true, 0, 0})) error = made.describe();
  ca = dir.file("ca.pem");
  server = dir.file("server.pem");
  ops = dir.file("ops.pem");
  monitor = dir.file("monitor.pem");
  ops_crt = dir.file("ops.crt");
  ops_key = dir.file("ops.key");
  other_ca_client = dir.file("stranger.pem");
}

}  // namespace ferry::test
