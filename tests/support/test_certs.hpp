// Certificates for the TLS tests, made at test time with the openssl CLI in a temporary
// directory: a CA, a server certificate for localhost and 127.0.0.1, and two client certificates
// (CN ops-alice and monitor-bob). P-256 keys, so making them all takes a fraction of a second.
// Each PEM but ca.pem holds the certificate then its key, as `crt` and ferryctl --cert take them.
#pragma once

#include <string>

#include "tests/support/temp_dir.hpp"

namespace ferry::test {

struct TestCerts {
  explicit TestCerts(const TempDir& dir);
  bool ok() const { return error.empty(); }
  std::string error;  // what openssl said when it failed
  std::string ca;     // the CA certificate
  std::string server;
  std::string ops;               // CN=ops-alice
  std::string monitor;           // CN=monitor-bob
  std::string ops_crt, ops_key;  // ops-alice's certificate and key in two files
  std::string other_ca_client;   // CN=ops-alice, signed by another CA
};

}  // namespace ferry::test
