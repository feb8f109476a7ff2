// Tests for hashing, hex encoding and randomness (common/crypto.h).
#include "common/crypto.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>
#include <string>

namespace vigil {
namespace {

// FIPS 180-2, appendix B.1.
constexpr char kSha256OfAbc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
// SHA-256 of the empty message (FIPS 180-2 test vectors, NIST CAVP).
constexpr char kSha256OfEmpty[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

TEST(HashSha256, MatchesKnownVectorForAbc) { EXPECT_EQ(ToHex(HashSha256("abc")), kSha256OfAbc); }

TEST(HashSha256, MatchesKnownVectorForEmptyInput) {
  EXPECT_EQ(ToHex(HashSha256("")), kSha256OfEmpty);
}

TEST(HashSha256, MatchesKnownVectorForTwoBlockMessage) {
  // FIPS 180-2, appendix B.2.
  EXPECT_EQ(ToHex(HashSha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(HashSha256, HashesEmbeddedNulBytes) {
  EXPECT_NE(HashSha256(std::string_view("a\0b", 3)), HashSha256("a"));
}

// RFC 4231 test case 2.
TEST(HmacSha256, MatchesRfc4231Vector) {
  EXPECT_EQ(ToHex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 7617 section 2's example credentials.
TEST(DecodeBase64, DecodesPaddedAndUnpaddedAndRefusesGarbage) {
  std::string out;
  ASSERT_TRUE(DecodeBase64("QWxhZGRpbjpvcGVuIHNlc2FtZQ==", &out));
  EXPECT_EQ(out, "Aladdin:open sesame");
  ASSERT_TRUE(DecodeBase64("QWxhZGRpbjpvcGVuIHNlc2FtZQ", &out));
  EXPECT_EQ(out, "Aladdin:open sesame");
  EXPECT_FALSE(DecodeBase64("QWxh*GRp", &out));
  EXPECT_FALSE(DecodeBase64("QWxhZGRp bjpv", &out));
}

TEST(ToHex, WritesSixtyFourLowerCaseDigits) {
  const std::string hex = ToHex(HashSha256("vigil"));
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_TRUE(std::all_of(hex.begin(), hex.end(), IsLowerHex)) << hex;
}

TEST(FromHex, RoundTripsToHex) {
  const Sha256 digest = HashSha256("abc");
  Sha256 parsed{};
  ASSERT_TRUE(FromHex(ToHex(digest), &parsed));
  EXPECT_EQ(parsed, digest);
}

TEST(FromHex, AcceptsUpperCaseDigits) {
  std::string upper = kSha256OfAbc;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  Sha256 parsed{};
  ASSERT_TRUE(FromHex(upper, &parsed));
  EXPECT_EQ(parsed, HashSha256("abc"));
}

TEST(FromHex, RejectsTooShortText) {
  Sha256 parsed{};
  EXPECT_FALSE(FromHex(std::string(kSha256OfAbc).substr(0, 62), &parsed));
}

TEST(FromHex, RejectsTooLongText) {
  Sha256 parsed{};
  EXPECT_FALSE(FromHex(std::string(kSha256OfAbc) + "00", &parsed));
}

TEST(FromHex, RejectsEmptyText) {
  Sha256 parsed{};
  EXPECT_FALSE(FromHex("", &parsed));
}

TEST(FromHex, RejectsNonHexCharacterAtEvenPosition) {
  std::string text = kSha256OfAbc;
  text[10] = 'g';
  Sha256 parsed{};
  EXPECT_FALSE(FromHex(text, &parsed));
}

TEST(FromHex, RejectsNonHexCharacterAtOddPosition) {
  std::string text = kSha256OfAbc;
  text[11] = 'x';
  Sha256 parsed{};
  EXPECT_FALSE(FromHex(text, &parsed));
}

TEST(FromHex, RejectsNonHexCharacterAtEnd) {
  std::string text = kSha256OfAbc;
  text.back() = ' ';
  Sha256 parsed{};
  EXPECT_FALSE(FromHex(text, &parsed));
}

TEST(FromHex, RejectsSeparators) {
  std::string text = kSha256OfAbc;
  text[2] = ':';
  Sha256 parsed{};
  EXPECT_FALSE(FromHex(text, &parsed));
}

TEST(RandomUuid, HasCanonicalVersion4Form) {
  for (int i = 0; i < 100; ++i) {
    const std::string uuid = RandomUuid();
    ASSERT_EQ(uuid.size(), 36u) << uuid;
    for (std::size_t k = 0; k < uuid.size(); ++k) {
      if (k == 8 || k == 13 || k == 18 || k == 23) {
        ASSERT_EQ(uuid[k], '-') << uuid;
      } else {
        ASSERT_TRUE(IsLowerHex(uuid[k])) << uuid;
      }
    }
    EXPECT_EQ(uuid[14], '4') << uuid;                                          // version
    EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos) << uuid;  // RFC 4122 variant
  }
}

TEST(RandomUuid, DiffersBetweenCalls) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(RandomUuid());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RandomToken, HasUnpaddedBase64UrlLength) {
  // ceil(bytes * 4 / 3) characters without '=' padding.
  EXPECT_EQ(RandomToken(32).size(), 43u);
  EXPECT_EQ(RandomToken(30).size(), 40u);
  EXPECT_EQ(RandomToken(1).size(), 2u);
  EXPECT_EQ(RandomToken(2).size(), 3u);
  EXPECT_EQ(RandomToken(3).size(), 4u);
}

TEST(RandomToken, IsEmptyForZeroBytes) { EXPECT_EQ(RandomToken(0), ""); }

TEST(RandomToken, UsesOnlyBase64UrlAlphabet) {
  for (int i = 0; i < 200; ++i) {
    const std::string token = RandomToken(32);
    EXPECT_TRUE(std::all_of(token.begin(), token.end(), IsBase64UrlChar)) << token;
  }
}

TEST(RandomToken, DiffersBetweenCalls) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(RandomToken(16));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RandomBelow, StaysBelowUpperBound) {
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t r = RandomBelow(7);
    ASSERT_LT(r, 7u);
    seen.insert(r);
  }
  // With 1000 draws, missing any one of 7 values has probability ~7 * (6/7)^1000.
  EXPECT_EQ(seen.size(), 7u);
}

TEST(ConstantTimeEquals, TrueForEqualText) {
  EXPECT_TRUE(ConstantTimeEquals("s3cret-token", "s3cret-token"));
}

TEST(ConstantTimeEquals, TrueForTwoEmptyStrings) { EXPECT_TRUE(ConstantTimeEquals("", "")); }

TEST(ConstantTimeEquals, FalseWhenLastByteDiffers) {
  EXPECT_FALSE(ConstantTimeEquals("s3cret-token", "s3cret-tokeN"));
}

TEST(ConstantTimeEquals, FalseWhenFirstByteDiffers) {
  EXPECT_FALSE(ConstantTimeEquals("s3cret-token", "S3cret-token"));
}

TEST(ConstantTimeEquals, FalseWhenOneIsPrefixOfOther) {
  EXPECT_FALSE(ConstantTimeEquals("s3cret", "s3cret-token"));
  EXPECT_FALSE(ConstantTimeEquals("s3cret-token", "s3cret"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
}

TEST(ConstantTimeEquals, ComparesBytesAfterNul) {
  EXPECT_FALSE(ConstantTimeEquals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST(HashPassword, IsArgon2idWithInteractiveLimitsAndVerifies) {
  const std::string hash = HashPassword("correct horse");
  // $argon2id$v=19$m=65536,t=2,p=1$salt$hash
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << hash;
  EXPECT_TRUE(VerifyPassword(hash, "correct horse"));
  EXPECT_FALSE(VerifyPassword(hash, "correct horsE"));
  EXPECT_FALSE(VerifyPassword(hash, ""));
  EXPECT_FALSE(VerifyPassword("not a hash", "correct horse"));
}

TEST(HashPassword, SaltsEachHash) { EXPECT_NE(HashPassword("same"), HashPassword("same")); }

// RFC 1321, appendix A.5.
TEST(Md5Hex, MatchesTheRfc1321TestSuite) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Md5Hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
}

TEST(HashPin, VerifiesOnlyTheSamePin) {
  const std::string hash = HashPin("482915");
  EXPECT_TRUE(VerifyPin(hash, "482915"));
  EXPECT_FALSE(VerifyPin(hash, "482916"));
  EXPECT_FALSE(VerifyPin(hash, "48291"));
  EXPECT_FALSE(VerifyPin(hash, ""));
}

TEST(HashPin, IsSaltedAndKeepsNoPinInTheClear) {
  const std::string a = HashPin("1234");
  const std::string b = HashPin("1234");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("blake2b$", 0), 0u) << a;
  EXPECT_EQ(a.size(), 8u + 32 + 1 + 64) << a;
  EXPECT_EQ(a.find("1234"), std::string::npos) << a;
}

TEST(HashPin, MalformedHashVerifiesNothing) {
  const std::string hash = HashPin("1234");
  EXPECT_FALSE(VerifyPin("", "1234"));
  EXPECT_FALSE(VerifyPin("1234", "1234"));
  EXPECT_FALSE(VerifyPin(hash.substr(0, hash.size() - 2), "1234"));
  EXPECT_FALSE(VerifyPin("argon2" + hash.substr(7), "1234"));
}

}  // namespace
}  // namespace vigil
