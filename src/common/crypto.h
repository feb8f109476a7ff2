// Hashing and randomness, from libsodium (MD5, which libsodium lacks, from
// OpenSSL). InitCrypto() must be called once before any other function here
// (the binary and the test main do so).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace vigil {

using Sha256 = std::array<std::uint8_t, 32>;

// Initialises libsodium; safe to call more than once. Aborts if it fails,
// because without a working random source nothing here is safe to run.
void InitCrypto();

Sha256 HashSha256(std::string_view data);
std::string ToHex(const Sha256& digest);
// Returns false if `hex` is not 64 hexadecimal digits.
bool FromHex(std::string_view hex, Sha256* out);

// MD5 in lower-case hex. Only for protocols that prescribe it (HTTP Digest
// authentication as ODK Collect speaks it); never to protect anything new.
std::string Md5Hex(std::string_view data);

// HMAC-SHA-256 of `data` under `key` (stateless HTTP Digest nonces).
Sha256 HmacSha256(std::string_view key, std::string_view data);

// Decodes standard base64 (padding optional, as HTTP Basic sends it);
// false if `text` is not base64.
bool DecodeBase64(std::string_view text, std::string* out);

// `bytes` random bytes as unpadded base64url (for bearer tokens).
std::string RandomToken(std::size_t bytes);
// A random (version 4) UUID in its canonical lower-case form.
std::string RandomUuid();
// A uniformly random integer in [0, upper_bound).
std::uint32_t RandomBelow(std::uint32_t upper_bound);

// Compares in time independent of where the inputs differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Argon2id password hashes (libsodium crypto_pwhash_str) with the
// INTERACTIVE limits: 2 passes over 64 MiB, about 0.1 s on one core. The
// MODERATE limits (256 MiB, about 0.7 s) would let a few concurrent logins
// exhaust a small server's memory and CPU; failed logins are rate-limited
// instead. The string holds the algorithm, limits and salt, so hashes made
// with other limits still verify.
std::string HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);

// Salted hashes of short PINs: "blake2b$<16-byte salt, hex>$<32-byte keyed
// BLAKE2b, hex>". A slow hash would not help: with at most 10^8 PINs, even
// Argon2id (0.1 s a guess) falls to an offline search within days, so the
// stored hashes must be kept secret like the PINs, and guessing is stopped
// online. The salt still keeps one table of every PIN's hash from serving
// every observer, and hides which observers chose the same PIN.
// Verification compares in constant time; a malformed hash verifies nothing.
std::string HashPin(std::string_view pin);
bool VerifyPin(std::string_view hash, std::string_view pin);

}  // namespace vigil
