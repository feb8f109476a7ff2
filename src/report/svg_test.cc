#include "report/svg.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace vigil::report {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::size_t CountOf(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(Svg, EscapesTextForHtml) {
  EXPECT_EQ(HtmlEscape("<b>\"Единая\" & 'Россия'</b>"),
            "&lt;b&gt;&quot;Единая&quot; &amp; &#39;Россия&#39;&lt;/b&gt;");
}

TEST(Svg, HistogramDrawsOneBarPerNonEmptyBinAndEscapesLabels) {
  Axes axes{.x_min = 0, .x_max = 100, .x_label = "turnout <%>", .y_label = "stations"};
  const std::string svg = SvgHistogram({3, 0, 5, 1}, axes);
  EXPECT_THAT(svg, StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg, EndsWith("</svg>"));
  const std::size_t d = svg.find("<path d=\"") + 9;
  const std::string bars = svg.substr(d, svg.find('"', d) - d);
  EXPECT_EQ(CountOf(bars, "z"), 3u);  // each bar is one closed subpath
  EXPECT_THAT(svg, HasSubstr("turnout &lt;%&gt;"));
  EXPECT_THAT(svg, Not(HasSubstr("turnout <%>")));
}

TEST(Svg, LinesHaveALegendEntryEach) {
  Axes axes{.x_min = 0, .x_max = 1, .x_label = "x", .y_label = "y"};
  const std::string svg =
      SvgLines({{"leader", "#c00", {1, 2, 3}}, {"others", "#00c", {3, 2, 1}, true}}, axes);
  EXPECT_EQ(CountOf(svg, "<polyline"), 2u);
  EXPECT_THAT(svg, HasSubstr(">leader</text>"));
  EXPECT_THAT(svg, HasSubstr("stroke-dasharray"));
}

TEST(Svg, HeatmapDrawsNonEmptyCellsDarkerForMore) {
  Axes axes{.x_min = 0, .x_max = 100, .x_label = "turnout", .y_label = "share"};
  const std::string svg = SvgHeatmap({{0, 1}, {10, 0}}, axes, 0, 100);
  EXPECT_EQ(CountOf(svg, "<rect"), 2u);
  EXPECT_THAT(svg, HasSubstr("fill=\"rgb(40,40,255)\""));  // the maximum
}

}  // namespace
}  // namespace vigil::report
