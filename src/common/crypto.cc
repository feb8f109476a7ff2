#include "common/crypto.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace vigil {

namespace {

std::string BytesToHex(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

bool HexToBytes(std::string_view hex, unsigned char* out, std::size_t size) {
  std::size_t len = 0;
  const char* end = nullptr;
  return hex.size() == size * 2 &&
         sodium_hex2bin(out, size, hex.data(), hex.size(), nullptr, &len, &end) == 0 &&
         len == size && end == hex.data() + hex.size();
}

}  // namespace

void InitCrypto() {
  if (sodium_init() < 0) {
    std::fputs("vigil: libsodium failed to initialise\n", stderr);
    std::abort();
  }
}

Sha256 HashSha256(std::string_view data) {
  Sha256 out;
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return out;
}

std::string ToHex(const Sha256& digest) { return BytesToHex(digest.data(), digest.size()); }

bool FromHex(std::string_view hex, Sha256* out) {
  return HexToBytes(hex, out->data(), out->size());
}

std::string Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr) != 1) {
    std::abort();  // MD5 is in OpenSSL's default provider; only a broken install lacks it
  }
  return BytesToHex(digest, size);
}

Sha256 HmacSha256(std::string_view key, std::string_view data) {
  Sha256 mac;
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return mac;
}

bool DecodeBase64(std::string_view text, std::string* out) {
  out->assign(text.size() / 4 * 3 + 3, '\0');
  std::size_t size = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out->data()), out->size(), text.data(),
                        text.size(), nullptr, &size, &end, sodium_base64_VARIANT_ORIGINAL) != 0 &&
      sodium_base642bin(reinterpret_cast<unsigned char*>(out->data()), out->size(), text.data(),
                        text.size(), nullptr, &size, &end,
                        sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0) {
    return false;
  }
  if (end != text.data() + text.size()) return false;
  out->resize(size);
  return true;
}

std::string RandomToken(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  const std::size_t max =
      sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(max, '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string RandomUuid() {
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

std::uint32_t RandomBelow(std::uint32_t upper_bound) { return randombytes_uniform(upper_bound); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string HashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    std::abort();  // out of memory: nothing sensible to store instead
  }
  return out;
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  const std::string terminated(hash);  // libsodium reads a C string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

namespace {

constexpr std::string_view kPinHashPrefix = "blake2b$";
constexpr std::size_t kPinSaltBytes = crypto_generichash_KEYBYTES_MIN;  // 16
constexpr std::size_t kPinDigestBytes = crypto_generichash_BYTES;       // 32

std::array<unsigned char, kPinDigestBytes> KeyedPinDigest(const unsigned char* salt,
                                                          std::string_view pin) {
  std::array<unsigned char, kPinDigestBytes> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(pin.data()), pin.size(), salt,
                     kPinSaltBytes);
  return digest;
}

}  // namespace

std::string HashPin(std::string_view pin) {
  std::array<unsigned char, kPinSaltBytes> salt{};
  randombytes_buf(salt.data(), salt.size());
  const auto digest = KeyedPinDigest(salt.data(), pin);
  return std::string(kPinHashPrefix) + BytesToHex(salt.data(), salt.size()) + "$" +
         BytesToHex(digest.data(), digest.size());
}

bool VerifyPin(std::string_view hash, std::string_view pin) {
  if (!hash.starts_with(kPinHashPrefix)) return false;
  hash.remove_prefix(kPinHashPrefix.size());
  const std::size_t dollar = hash.find('$');
  if (dollar == std::string_view::npos) return false;
  std::array<unsigned char, kPinSaltBytes> salt{};
  std::array<unsigned char, kPinDigestBytes> stored{};
  if (!HexToBytes(hash.substr(0, dollar), salt.data(), salt.size()) ||
      !HexToBytes(hash.substr(dollar + 1), stored.data(), stored.size())) {
    return false;
  }
  const auto digest = KeyedPinDigest(salt.data(), pin);
  return sodium_memcmp(digest.data(), stored.data(), digest.size()) == 0;
}

}  // namespace vigil
