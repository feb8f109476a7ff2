// Tests for the multipart/form-data parser (ingest/multipart.h).
#include "ingest/multipart.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vigil::ingest {
namespace {

using ::testing::HasSubstr;

std::string ReadFixture(const std::string& name) {
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  const std::string path =
      std::string(source != nullptr ? source : ".") + "/tests/data/openrosa/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(MultipartBoundary, ReadsPlainAndQuotedBoundaries) {
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=abc123").value(), "abc123");
  EXPECT_EQ(MultipartBoundary("Multipart/Form-Data;boundary=\"a b:c\"; charset=utf-8").value(),
            "a b:c");
}

TEST(MultipartBoundary, RefusesOtherTypesAndBadBoundaries) {
  auto other = MultipartBoundary("application/json");
  ASSERT_FALSE(other.has_value());
  EXPECT_THAT(other.error().message(), HasSubstr("expected Content-Type multipart/form-data"));
  auto missing = MultipartBoundary("multipart/form-data");
  ASSERT_FALSE(missing.has_value());
  EXPECT_THAT(missing.error().message(), HasSubstr("has no boundary"));
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=").has_value());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')));
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"a\x01\"").has_value());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"abc").has_value());
}

TEST(ParseMultipart, SplitsTheGoldenCollectSubmission) {
  const std::string body = ReadFixture("collect_submission.multipart");
  auto parts = ParseMultipart(body, "----Boundary7MA4YWxkTrZu0gW");
  ASSERT_TRUE(parts.has_value()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "xml_submission_file");
  EXPECT_EQ((*parts)[0].filename, "V_2026-06-07_09-41-03.xml");
  EXPECT_EQ((*parts)[0].content_type, "text/xml");
  EXPECT_EQ((*parts)[0].body, ReadFixture("voting_instance.xml"));
  EXPECT_EQ((*parts)[1].name, "1717750000123.jpg");
  EXPECT_EQ((*parts)[1].filename, "1717750000123.jpg");
  EXPECT_EQ((*parts)[1].content_type, "image/jpeg");
  // Binary, with line breaks and near-boundaries inside: byte for byte.
  EXPECT_EQ((*parts)[1].body, ReadFixture("protocol.jpg"));
}

TEST(ParseMultipart, IgnoresPreambleEpilogueAndPadding) {
  const std::string body =
      "preamble\r\n--XY  \r\nContent-Disposition: form-data; name=a\r\n\r\none\r\n"
      "--XY\r\ncontent-disposition: FORM-DATA; name=\"b\\\"q\"\r\n\r\n\r\n--XY--\r\nepilogue";
  auto parts = ParseMultipart(body, "XY");
  ASSERT_TRUE(parts.has_value()) << parts.error().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "a");
  EXPECT_EQ((*parts)[0].body, "one");
  EXPECT_EQ((*parts)[0].content_type, "text/plain");
  EXPECT_EQ((*parts)[1].name, "b\"q");
  EXPECT_EQ((*parts)[1].body, "");
}

struct BadBody {
  const char* body;
  StatusCode code;
  const char* problem;
};

class ParseMultipartMalformed : public ::testing::TestWithParam<BadBody> {};

TEST_P(ParseMultipartMalformed, NamesTheProblem) {
  MultipartLimits limits;
  limits.max_parts = 2;
  limits.max_part_bytes = 10;
  limits.max_header_bytes = 100;
  auto parts = ParseMultipart(GetParam().body, "XY", limits);
  ASSERT_FALSE(parts.has_value());
  EXPECT_EQ(parts.error().code(), GetParam().code);
  EXPECT_THAT(parts.error().message(), HasSubstr(GetParam().problem));
}

constexpr StatusCode kBad = StatusCode::kInvalidArgument;
constexpr StatusCode kBig = StatusCode::kResourceExhausted;

INSTANTIATE_TEST_SUITE_P(
    Bodies, ParseMultipartMalformed,
    ::testing::Values(
        BadBody{"", kBad, "byte 0: the boundary 'XY' never occurs"},
        BadBody{"--XZ\r\n", kBad, "never occurs"},
        BadBody{"--XYjunk\r\n", kBad, "byte 4: expected a line break after the boundary"},
        BadBody{"--XY\r\nContent-Disposition: form-data; name=a\r\n", kBad,
                "byte 6: the part's headers do not end with an empty line"},
        BadBody{"--XY\r\nno colon here\r\n\r\nx\r\n--XY--", kBad,
                "byte 6: a header line without 'name:'"},
        BadBody{"--XY\r\nContent-Type: text/xml\r\n\r\nx\r\n--XY--", kBad,
                "byte 6: the part has no Content-Disposition header"},
        BadBody{"--XY\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--XY--", kBad,
                "Content-Disposition must be form-data"},
        BadBody{"--XY\r\nContent-Disposition: form-data; filename=a\r\n\r\nx\r\n--XY--", kBad,
                "Content-Disposition has no name"},
        BadBody{"--XY\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XY--", kBad,
                "unterminated quoted value"},
        BadBody{"--XY\r\nContent-Disposition: form-data; name=a\r\n\r\nx", kBad,
                "byte 48: part 'a' is not ended by a boundary"},
        BadBody{"--XY\r\nContent-Disposition: form-data; name=a\r\n\r\n0123456789A\r\n--XY--", kBig,
                "part 'a' () is larger than 10 bytes"},
        BadBody{"--XY\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n"
                "--XY\r\nContent-Disposition: form-data; name=b\r\n\r\n\r\n"
                "--XY\r\nContent-Disposition: form-data; name=c\r\n\r\n\r\n--XY--",
                kBig, "at most 2 parts"},
        BadBody{
            "--XY\r\nContent-Disposition: form-data; name=a\r\nX-Padding: "
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n\r\n\r\n--XY--",
            kBig, "headers are longer than 100 bytes"}));

}  // namespace
}  // namespace vigil::ingest
