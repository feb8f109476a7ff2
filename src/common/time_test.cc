// Tests for RFC 3339 formatting and parsing (common/time.h).
#include "common/time.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace vigil {
namespace {

using std::chrono::microseconds;
using std::chrono::sys_days;
using namespace std::chrono_literals;

// 2026-11-28T07:05:00Z
Timestamp ElectionMorning() { return sys_days{2026y / 11 / 28} + 7h + 5min; }

Timestamp ParseOrDie(std::string_view text) {
  auto t = ParseRfc3339(text);
  EXPECT_TRUE(t.has_value()) << text << ": " << (t ? "" : t.error().ToString());
  return t.value_or(Timestamp{});
}

void ExpectInvalid(std::string_view text) {
  auto t = ParseRfc3339(text);
  ASSERT_FALSE(t.has_value()) << "accepted '" << text << "' as " << FormatRfc3339(*t);
  EXPECT_EQ(t.error().code(), StatusCode::kInvalidArgument) << text;
  EXPECT_NE(t.error().message().find("RFC 3339"), std::string::npos) << t.error().message();
}

TEST(FormatRfc3339, WritesUtcWithSixFractionDigits) {
  EXPECT_EQ(FormatRfc3339(ElectionMorning() + 123456us), "2026-11-28T07:05:00.123456Z");
}

TEST(FormatRfc3339, WritesZeroFractionAsSixZeros) {
  EXPECT_EQ(FormatRfc3339(ElectionMorning()), "2026-11-28T07:05:00.000000Z");
}

TEST(FormatRfc3339, WritesUnixEpoch) {
  EXPECT_EQ(FormatRfc3339(Timestamp{}), "1970-01-01T00:00:00.000000Z");
}

TEST(FormatRfc3339, WritesTimesBeforeEpoch) {
  EXPECT_EQ(FormatRfc3339(Timestamp{} - 1us), "1969-12-31T23:59:59.999999Z");
}

TEST(ParseRfc3339, ParsesUtcWithoutFraction) {
  EXPECT_EQ(ParseOrDie("2026-11-28T07:05:00Z"), ElectionMorning());
}

TEST(ParseRfc3339, AcceptsLowerCaseSeparators) {
  EXPECT_EQ(ParseOrDie("2026-11-28t07:05:00z"), ElectionMorning());
}

TEST(ParseRfc3339, AppliesPositiveOffset) {
  // 10:35 at +03:30 is 07:05 UTC.
  EXPECT_EQ(ParseOrDie("2026-11-28T10:35:00+03:30"), ElectionMorning());
}

TEST(ParseRfc3339, AppliesNegativeOffset) {
  EXPECT_EQ(ParseOrDie("2026-11-28T02:05:00-05:00"), ElectionMorning());
}

TEST(ParseRfc3339, AppliesOffsetAcrossMidnight) {
  EXPECT_EQ(ParseOrDie("2026-11-27T23:05:00-08:00"), ElectionMorning());
}

TEST(ParseRfc3339, TreatsMinusZeroOffsetAsUtc) {
  EXPECT_EQ(ParseOrDie("2026-11-28T07:05:00-00:00"), ElectionMorning());
}

TEST(ParseRfc3339, ReadsShortFractionAsLeadingDigits) {
  EXPECT_EQ(ParseOrDie("2026-11-28T07:05:00.5Z"), ElectionMorning() + 500ms);
  EXPECT_EQ(ParseOrDie("2026-11-28T07:05:00.012Z"), ElectionMorning() + 12ms);
}

TEST(ParseRfc3339, ReadsSixDigitFraction) {
  EXPECT_EQ(ParseOrDie("2026-11-28T07:05:00.000001Z"), ElectionMorning() + 1us);
}

TEST(ParseRfc3339, TruncatesFractionBeyondMicroseconds) {
  EXPECT_EQ(ParseOrDie("2026-11-28T07:05:00.123456789Z"), ElectionMorning() + 123456us);
}

TEST(ParseRfc3339, ReadsFractionWithOffset) {
  EXPECT_EQ(ParseOrDie("2026-11-28T08:05:00.25+01:00"), ElectionMorning() + 250ms);
}

TEST(ParseRfc3339, AcceptsLeapDayInLeapYear) {
  EXPECT_EQ(ParseOrDie("2024-02-29T00:00:00Z"), sys_days{2024y / 2 / 29});
}

TEST(ParseRfc3339, RejectsThirtiethOfFebruary) { ExpectInvalid("2026-02-30T07:00:00Z"); }

TEST(ParseRfc3339, RejectsLeapDayInCommonYear) { ExpectInvalid("2026-02-29T07:00:00Z"); }

TEST(ParseRfc3339, RejectsThirtyFirstOfApril) { ExpectInvalid("2026-04-31T07:00:00Z"); }

TEST(ParseRfc3339, RejectsMonthZeroAndThirteen) {
  ExpectInvalid("2026-00-10T07:00:00Z");
  ExpectInvalid("2026-13-10T07:00:00Z");
}

TEST(ParseRfc3339, RejectsDayZero) { ExpectInvalid("2026-06-00T07:00:00Z"); }

TEST(ParseRfc3339, RejectsHourTwentyFour) { ExpectInvalid("2026-06-01T24:00:00Z"); }

TEST(ParseRfc3339, RejectsMinuteSixty) { ExpectInvalid("2026-06-01T07:60:00Z"); }

TEST(ParseRfc3339, RejectsSecondSixtyOne) { ExpectInvalid("2026-06-01T07:00:61Z"); }

TEST(ParseRfc3339, RejectsMissingZone) { ExpectInvalid("2026-06-01T07:30:00"); }

TEST(ParseRfc3339, RejectsMissingZoneAfterFraction) { ExpectInvalid("2026-06-01T07:30:00.123"); }

TEST(ParseRfc3339, RejectsDateOnly) { ExpectInvalid("2026-06-01"); }

TEST(ParseRfc3339, RejectsEmptyText) { ExpectInvalid(""); }

TEST(ParseRfc3339, RejectsSpaceSeparator) { ExpectInvalid("2026-06-01 07:30:00Z"); }

TEST(ParseRfc3339, RejectsDotWithoutFractionDigits) { ExpectInvalid("2026-06-01T07:30:00.Z"); }

TEST(ParseRfc3339, RejectsOffsetWithoutColon) { ExpectInvalid("2026-06-01T07:30:00+0300"); }

TEST(ParseRfc3339, RejectsTruncatedOffset) {
  ExpectInvalid("2026-06-01T07:30:00+03");
  ExpectInvalid("2026-06-01T07:30:00+03:");
  ExpectInvalid("2026-06-01T07:30:00+03:0");
}

TEST(ParseRfc3339, RejectsOffsetHoursOutOfRange) { ExpectInvalid("2026-06-01T07:30:00+24:00"); }

TEST(ParseRfc3339, RejectsOffsetMinutesOutOfRange) { ExpectInvalid("2026-06-01T07:30:00+03:60"); }

TEST(ParseRfc3339, RejectsTrailingText) {
  ExpectInvalid("2026-06-01T07:30:00Zjunk");
  ExpectInvalid("2026-06-01T07:30:00+03:00 ");
}

TEST(ParseRfc3339, RejectsNonDigitsInFields) {
  ExpectInvalid("2026-0A-01T07:30:00Z");
  ExpectInvalid("2026-06-01T07:3x:00Z");
  ExpectInvalid("+026-06-01T07:30:00Z");
}

TEST(ParseRfc3339, RejectsWrongFieldSeparators) {
  ExpectInvalid("2026/06/01T07:30:00Z");
  ExpectInvalid("2026-06-01T07.30.00Z");
}

TEST(ParseRfc3339, ErrorQuotesTheInput) {
  auto t = ParseRfc3339("yesterday");
  ASSERT_FALSE(t.has_value());
  EXPECT_NE(t.error().message().find("'yesterday'"), std::string::npos) << t.error().message();
}

TEST(Rfc3339, FormattedTimeParsesBackToSameInstant) {
  for (Timestamp t : {Timestamp{}, ElectionMorning(), ElectionMorning() + 999999us,
                      Timestamp{} - 1us, Timestamp{sys_days{2000y / 2 / 29}} + 23h + 59min + 59s}) {
    EXPECT_EQ(ParseOrDie(FormatRfc3339(t)), t) << FormatRfc3339(t);
  }
}

TEST(Rfc3339, ParsedTextFormatsBackToSameUtcText) {
  const std::string text = "2026-11-28T07:05:00.123456Z";
  EXPECT_EQ(FormatRfc3339(ParseOrDie(text)), text);
}

TEST(Rfc3339, TextOrderIsTimeOrder) {
  const Timestamp times[] = {
      Timestamp{sys_days{999y / 1 / 1}},
      Timestamp{},
      ElectionMorning(),
      ElectionMorning() + 1us,
      ElectionMorning() + 10us,
      ElectionMorning() + 1s,
      ElectionMorning() + 10h,
      Timestamp{sys_days{2026y / 12 / 1}},
      Timestamp{sys_days{9999y / 12 / 31}},
  };
  for (std::size_t i = 0; i + 1 < std::size(times); ++i) {
    ASSERT_LT(times[i], times[i + 1]);
    EXPECT_LT(FormatRfc3339(times[i]), FormatRfc3339(times[i + 1]))
        << FormatRfc3339(times[i]) << " vs " << FormatRfc3339(times[i + 1]);
  }
}

TEST(Rfc3339, OffsetsMeaningTheSameInstantFormatIdentically) {
  EXPECT_EQ(FormatRfc3339(ParseOrDie("2026-11-28T10:05:00+03:00")),
            FormatRfc3339(ParseOrDie("2026-11-28T07:05:00Z")));
}

TEST(Now, IsCloseToSystemClock) {
  const auto before = std::chrono::system_clock::now();
  const Timestamp now = Now();
  const auto after = std::chrono::system_clock::now();
  EXPECT_GE(now, std::chrono::floor<microseconds>(before));
  EXPECT_LE(now, std::chrono::ceil<microseconds>(after));
}

}  // namespace
}  // namespace vigil
