#include "support/test_certificate.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <memory>

namespace vigil::testing {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

std::string OpenSslError(const std::string& what) {
  char buf[256];
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  return what + ": " + buf;
}

// Adds one X.509v3 extension written in OpenSSL's configuration syntax.
bool AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

}  // namespace

TestCertificate MakeSelfSignedCertificate(const std::string& dir, const std::string& name,
                                          const std::string& subject_alt_names) {
  // Distinct serials, so that two certificates of one test never look alike.
  static std::atomic<long> serial{1};
  const TestCertificate out{dir + "/" + name + ".crt", dir + "/" + name + ".key"};

  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) {
    ADD_FAILURE() << OpenSslError("EC key generation");
    return out;
  }
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);  // v3, for the extensions
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 60 * 60);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  if (!AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !AddExtension(cert.get(), NID_subject_alt_name, subject_alt_names.c_str()) ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    ADD_FAILURE() << OpenSslError("making the certificate");
    return out;
  }

  BioPtr cert_bio(BIO_new_file(out.cert_file.c_str(), "w"));
  BioPtr key_bio(BIO_new_file(out.key_file.c_str(), "w"));
  if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1) {
    ADD_FAILURE() << OpenSslError("writing " + out.cert_file + " and " + out.key_file);
  }
  return out;
}

}  // namespace vigil::testing
