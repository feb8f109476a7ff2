// Self-signed TLS certificates made at test time with OpenSSL, so no key
// material is kept in the repository.
#pragma once

#include <string>

namespace vigil::testing {

struct TestCertificate {
  std::string cert_file;  // PEM; as its own issuer it is also the CA to trust
  std::string key_file;   // PEM, unencrypted
};

// Writes DIR/NAME.crt and DIR/NAME.key: an EC P-256 key and a certificate
// valid for a day with the given subjectAltName (OpenSSL's syntax). Fails
// the test (ADD_FAILURE) if OpenSSL refuses.
TestCertificate MakeSelfSignedCertificate(
    const std::string& dir, const std::string& name,
    const std::string& subject_alt_names = "IP:127.0.0.1,DNS:localhost");

}  // namespace vigil::testing
