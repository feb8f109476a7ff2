// Tests for UTF-8 validation (common/utf8.h).
#include "common/utf8.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace vigil {
namespace {

using namespace std::string_view_literals;

TEST(FindInvalidUtf8, AcceptsEmptyText) { EXPECT_EQ(FindInvalidUtf8(""), std::nullopt); }

TEST(FindInvalidUtf8, AcceptsAscii) {
  EXPECT_EQ(FindInvalidUtf8("PS-101,Central district,1234\n"), std::nullopt);
}

TEST(FindInvalidUtf8, AcceptsEmbeddedNul) { EXPECT_EQ(FindInvalidUtf8("a\0b"sv), std::nullopt); }

TEST(FindInvalidUtf8, AcceptsCyrillic) {
  EXPECT_EQ(FindInvalidUtf8("Избирательный участок №5"), std::nullopt);
}

TEST(FindInvalidUtf8, AcceptsMultilingualText) {
  // Georgian, Armenian, Greek, Arabic, CJK and an emoji (4-byte sequence).
  EXPECT_EQ(FindInvalidUtf8("არჩევნები Ընտրություններ εκλογές انتخابات 选举 "
                            "🗳️"),
            std::nullopt);
}

TEST(FindInvalidUtf8, AcceptsBoundaryCodePoints) {
  EXPECT_EQ(FindInvalidUtf8("\x7F"), std::nullopt);              // U+007F
  EXPECT_EQ(FindInvalidUtf8("\xC2\x80"), std::nullopt);          // U+0080
  EXPECT_EQ(FindInvalidUtf8("\xDF\xBF"), std::nullopt);          // U+07FF
  EXPECT_EQ(FindInvalidUtf8("\xE0\xA0\x80"), std::nullopt);      // U+0800
  EXPECT_EQ(FindInvalidUtf8("\xED\x9F\xBF"), std::nullopt);      // U+D7FF
  EXPECT_EQ(FindInvalidUtf8("\xEE\x80\x80"), std::nullopt);      // U+E000
  EXPECT_EQ(FindInvalidUtf8("\xEF\xBF\xBF"), std::nullopt);      // U+FFFF
  EXPECT_EQ(FindInvalidUtf8("\xF0\x90\x80\x80"), std::nullopt);  // U+10000
  EXPECT_EQ(FindInvalidUtf8("\xF4\x8F\xBF\xBF"), std::nullopt);  // U+10FFFF
}

TEST(FindInvalidUtf8, RejectsOverlongTwoByteForm) {
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);  // '/' as two bytes
  EXPECT_EQ(FindInvalidUtf8("\xC1\xBF"), 0u);
}

TEST(FindInvalidUtf8, RejectsOverlongThreeByteForm) {
  EXPECT_EQ(FindInvalidUtf8("\xE0\x80\xAF"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\xE0\x9F\xBF"), 0u);  // U+07FF as three bytes
}

TEST(FindInvalidUtf8, RejectsOverlongFourByteForm) {
  EXPECT_EQ(FindInvalidUtf8("\xF0\x80\x80\xAF"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\xF0\x8F\xBF\xBF"), 0u);  // U+FFFF as four bytes
}

TEST(FindInvalidUtf8, RejectsSurrogates) {
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);  // U+D800
  EXPECT_EQ(FindInvalidUtf8("\xED\xBF\xBF"), 0u);  // U+DFFF
}

TEST(FindInvalidUtf8, RejectsCodePointsAboveMaximum) {
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // U+110000
  EXPECT_EQ(FindInvalidUtf8("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\xF7\xBF\xBF\xBF"), 0u);
}

TEST(FindInvalidUtf8, RejectsBytesThatNeverAppear) {
  EXPECT_EQ(FindInvalidUtf8("\xF8\x88\x80\x80\x80"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\xFE"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\xFF"), 0u);
}

TEST(FindInvalidUtf8, RejectsLoneContinuationByte) {
  EXPECT_EQ(FindInvalidUtf8("\x80"), 0u);
  EXPECT_EQ(FindInvalidUtf8("\xBF"), 0u);
}

TEST(FindInvalidUtf8, RejectsSequenceTruncatedAtEnd) {
  EXPECT_EQ(FindInvalidUtf8("ab\xD0"), 2u);
  EXPECT_EQ(FindInvalidUtf8("ab\xE2\x82"), 2u);
  EXPECT_EQ(FindInvalidUtf8("ab\xF0\x9F\x97"), 2u);
}

TEST(FindInvalidUtf8, RejectsSequenceInterruptedByAscii) {
  EXPECT_EQ(FindInvalidUtf8("ab\xE2\x82"
                            "c"),
            2u);
  EXPECT_EQ(FindInvalidUtf8("\xD0"
                            "A"),
            0u);
}

TEST(FindInvalidUtf8, RejectsSequenceInterruptedByLeadByte) {
  EXPECT_EQ(FindInvalidUtf8("\xE2\xD0\x98"), 0u);
}

TEST(FindInvalidUtf8, ReportsByteOffsetAfterMultiByteText) {
  // "Да" is four bytes, then a space, then a lone continuation byte.
  EXPECT_EQ(FindInvalidUtf8("Да \x80 нет"), 5u);
}

TEST(FindInvalidUtf8, ReportsFirstOfSeveralProblems) {
  EXPECT_EQ(FindInvalidUtf8("ok \xC0\xAF then \xFF"), 3u);
}

TEST(FindInvalidUtf8, ReportsOffsetOfLatin1Byte) {
  // "café" in Latin-1, as a CSV exported with the wrong encoding would be.
  EXPECT_EQ(FindInvalidUtf8("caf\xE9"), 3u);
}

}  // namespace
}  // namespace vigil
