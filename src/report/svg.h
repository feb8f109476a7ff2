// Small, dependency-free SVG charts for self-contained HTML reports (no
// scripts, no network): a histogram, line series and a heatmap. Callers
// pass plain numbers, so any module's results can be drawn.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::report {

// Text escaped for HTML and SVG (& < > " ').
std::string HtmlEscape(std::string_view text);

struct Axes {
  double x_min = 0, x_max = 1;  // the data range along x
  std::string x_label, y_label;
  int width = 720, height = 260;
};

struct LineSeries {
  std::string label;
  std::string colour;     // CSS colour
  std::vector<double> y;  // evenly spaced from x_min to x_max
  bool dashed = false;
};

// Bars of equal width over [x_min, x_max), one per count.
std::string SvgHistogram(const std::vector<double>& counts, const Axes& axes,
                         std::string_view colour = "#2b6cb0");

// Lines over [x_min, x_max], with a legend.
std::string SvgLines(const std::vector<LineSeries>& series, const Axes& axes);

// cells[row][column]: rows go up the y axis from y_min to y_max, columns
// along x. Colour on a log scale from white (0) to dark blue (the maximum).
std::string SvgHeatmap(const std::vector<std::vector<double>>& cells, const Axes& axes,
                       double y_min, double y_max);

}  // namespace vigil::report
