// Field credentials (service/field_credentials.h): Digest HA1 against the
// RFC 2617 example, the rules for logins and PINs, and how an SMS sender is
// identified, on a real store.
#include "service/field_credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "service/admin.h"
#include "support/test_mission.h"

namespace vigil::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// RFC 2617 section 3.5.
constexpr char kRfcUser[] = "Mufasa";
constexpr char kRfcRealm[] = "testrealm@host.com";
constexpr char kRfcPassword[] = "Circle Of Life";

TEST(DigestHa1, MatchesTheRfc2617Example) {
  EXPECT_EQ(service::DigestHa1(kRfcUser, kRfcRealm, kRfcPassword),
            "939e7578ed9e3c518a452acee763bce9");
}

// What the OpenRosa endpoint will compute from a stored HA1: with qop=auth,
// response = MD5(HA1:nonce:nc:cnonce:qop:MD5(method:uri)).
TEST(DigestHa1, GivesTheRfc2617ResponseForQopAuth) {
  const std::string ha1 = service::DigestHa1(kRfcUser, kRfcRealm, kRfcPassword);
  const std::string ha2 = Md5Hex("GET:/dir/index.html");
  const std::string response =
      Md5Hex(ha1 + ":dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:0a4f113b:auth:" + ha2);
  EXPECT_EQ(response, "6629fae49393a05397450978507c4ef1");
}

TEST(DigestHa1, DependsOnTheRealm) {
  EXPECT_NE(service::DigestHa1(kRfcUser, "vigil", kRfcPassword),
            service::DigestHa1(kRfcUser, kRfcRealm, kRfcPassword));
}

TEST(CheckDigestRealm, AcceptsPrintableAsciiAndRefusesWhatBreaksTheHeader) {
  EXPECT_TRUE(service::CheckDigestRealm("vigil").ok());
  EXPECT_TRUE(service::CheckDigestRealm(kRfcRealm).ok());
  EXPECT_TRUE(service::CheckDigestRealm("Mission 2026: field").ok());
  for (const char* bad : {"", "say \"hi\"", "back\\slash", "tab\there", "caf\xc3\xa9"}) {
    const Status s = service::CheckDigestRealm(bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(service::CheckDigestRealm(std::string(65, 'r')).ok());
}

TEST(GenerateFieldPassword, IsFourGroupsOfUnambiguousCharactersAndLongEnough) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    const std::string password = service::GenerateFieldPassword();
    EXPECT_TRUE(
        std::regex_match(password, std::regex("([2-9a-hjkmnp-z]{4}-){3}[2-9a-hjkmnp-z]{4}")))
        << password;
    EXPECT_TRUE(service::CheckNewPassword(password).ok());
    seen.insert(password);
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST(CheckSmsPin, AcceptsFourToEightDigitsOnly) {
  EXPECT_TRUE(service::CheckSmsPin("0000").ok());
  EXPECT_TRUE(service::CheckSmsPin("12345678").ok());
  for (const char* bad : {"", "123", "123456789", "12a4", " 1234", "１２３４"}) {
    const Status s = service::CheckSmsPin(bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message(), "an SMS PIN is 4 to 8 digits");
  }
}

TEST(GenerateSmsPin, IsSixDigits) {
  for (int i = 0; i < 20; ++i) {
    const std::string pin = service::GenerateSmsPin();
    EXPECT_TRUE(std::regex_match(pin, std::regex("[0-9]{6}"))) << pin;
  }
}

TEST(NormalizePhone, KeepsDigitsAndALeadingPlus) {
  EXPECT_EQ(service::NormalizePhone("+373 69-123 456"), "+37369123456");
  EXPECT_EQ(service::NormalizePhone("(069) 123.456"), "069123456");
  EXPECT_EQ(service::NormalizePhone(" +1 (555) 0001"), "+15550001");
  EXPECT_EQ(service::NormalizePhone("37369+123"), "37369123");  // a '+' inside is no prefix
  EXPECT_EQ(service::NormalizePhone(""), "");
}

// The test mission's observers OBS-1..OBS-4 have the phones +155500001..4.
class FieldCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(mission_.Create());
    store_ = mission_.OpenStore();
    ASSERT_NE(store_, nullptr);
  }

  Result<std::string> Sender(std::string_view phone, std::string_view pin) {
    auto mission = service::LoadMission(*store_);
    if (!mission) return Fail(mission.error());
    return service::CheckSmsSender(*mission, *store_, phone, pin);
  }

  static void ExpectRefused(const Result<std::string>& sender) {
    ASSERT_FALSE(sender.has_value()) << *sender;
    EXPECT_EQ(sender.error().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(sender.error().message(), "unknown phone number or wrong PIN");
  }

  TestMission mission_;
  std::unique_ptr<storage::Store> store_;
  const storage::Actor admin_{"cli:test"};
};

TEST_F(FieldCredentialsTest, SetFieldLoginStoresOnlyHa1ForTheRealm) {
  ASSERT_TRUE(
      service::SetFieldLogin(*store_, "OBS-2", kRfcUser, kRfcRealm, kRfcPassword, admin_).ok());
  auto login = store_->FindFieldLogin(kRfcUser, kRfcRealm);
  ASSERT_TRUE(login.has_value() && login->has_value());
  EXPECT_EQ((*login)->observer_code, "OBS-2");
  EXPECT_EQ((*login)->ha1, "939e7578ed9e3c518a452acee763bce9");
}

TEST_F(FieldCredentialsTest, SetFieldLoginRefusesABadUsernameRealmOrPasswordAndStoresNothing) {
  const Status name =
      service::SetFieldLogin(*store_, "OBS-1", "has space", "vigil", "long enough pw", admin_);
  EXPECT_EQ(name.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(name.message(), HasSubstr("'has space'"));
  // A ':' would make HA1's input ambiguous.
  EXPECT_FALSE(
      service::SetFieldLogin(*store_, "OBS-1", "a:b", "vigil", "long enough pw", admin_).ok());
  EXPECT_EQ(
      service::SetFieldLogin(*store_, "OBS-1", "ana", "a\"b", "long enough pw", admin_).code(),
      StatusCode::kInvalidArgument);
  const Status weak = service::SetFieldLogin(*store_, "OBS-1", "ana", "vigil", "short", admin_);
  EXPECT_EQ(weak.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(weak.message(), HasSubstr("at least 10 characters"));
  auto listed = store_->ListFieldCredentials();
  ASSERT_TRUE(listed.has_value());
  for (const storage::FieldCredentials& c : *listed) EXPECT_FALSE(c.login_set_at.has_value());
}

TEST_F(FieldCredentialsTest, SetSmsPinStoresASaltedHashThatVerifies) {
  EXPECT_EQ(service::SetSmsPin(*store_, "OBS-1", "12", admin_).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(service::SetSmsPin(*store_, "OBS-9", "1234", admin_).code(), StatusCode::kNotFound);
  ASSERT_TRUE(service::SetSmsPin(*store_, "OBS-1", "482915", admin_).ok());
  auto hash = store_->FindSmsPinHash("OBS-1");
  ASSERT_TRUE(hash.has_value() && hash->has_value());
  EXPECT_THAT(**hash, Not(HasSubstr("482915")));
  EXPECT_TRUE(VerifyPin(**hash, "482915"));
}

TEST_F(FieldCredentialsTest, ARegisteredPhoneWithoutAPinIdentifiesItsObserver) {
  EXPECT_EQ(Sender("+155500003", ""), "OBS-3");
  EXPECT_EQ(Sender("+1 555 000 03", "9999"), "OBS-3");  // no PIN set: any PIN is ignored
}

TEST_F(FieldCredentialsTest, AnObserverWithAPinMustSendIt) {
  ASSERT_TRUE(service::SetSmsPin(*store_, "OBS-2", "482915", admin_).ok());
  EXPECT_EQ(Sender("+155500002", "482915"), "OBS-2");
  ExpectRefused(Sender("+155500002", "482916"));
  ExpectRefused(Sender("+155500002", ""));
}

TEST_F(FieldCredentialsTest, AnUnknownPhoneIsRefusedAsAWrongPinIs) {
  ASSERT_TRUE(service::SetSmsPin(*store_, "OBS-2", "482915", admin_).ok());
  ExpectRefused(Sender("+155500009", "482915"));
  ExpectRefused(Sender("155500002", "482915"));  // without the '+' it is another number
  ExpectRefused(Sender("", ""));
}

TEST_F(FieldCredentialsTest, AClearedPinIsNoLongerAsked) {
  ASSERT_TRUE(service::SetSmsPin(*store_, "OBS-2", "482915", admin_).ok());
  ASSERT_TRUE(store_->ClearSmsPin("OBS-2", admin_).ok());
  EXPECT_EQ(Sender("+155500002", ""), "OBS-2");
}

TEST_F(FieldCredentialsTest, ASharedPhoneIdentifiesOnlyTheObserverWhosePinMatches) {
  core::Observer a{.code = "OBS-5", .name = "A", .phones = {"+37369000000"}};
  core::Observer b{.code = "OBS-6", .name = "B", .phones = {"+37369111111", "+37369000000"}};
  const std::vector<core::Observer> shared = {a, b};
  ASSERT_TRUE(store_->UpsertObservers(shared, admin_, "test").ok());
  ExpectRefused(Sender("+37369000000", ""));  // two observers, no PIN to tell them apart
  ASSERT_TRUE(service::SetSmsPin(*store_, "OBS-5", "1111", admin_).ok());
  ASSERT_TRUE(service::SetSmsPin(*store_, "OBS-6", "2222", admin_).ok());
  EXPECT_EQ(Sender("+37369000000", "1111"), "OBS-5");
  EXPECT_EQ(Sender("+37369000000", "2222"), "OBS-6");
  ExpectRefused(Sender("+37369000000", "3333"));
  EXPECT_EQ(Sender("+37369111111", "2222"), "OBS-6");
  ExpectRefused(Sender("+37369111111", "1111"));  // OBS-5's PIN from OBS-6's own phone
}

}  // namespace
}  // namespace vigil::testing
