#include "report/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vigil::report {

namespace {

constexpr int kLeft = 60, kRight = 20, kTop = 20, kBottom = 40;

std::string Num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

// A short tick label: 0.25, 50, 944, 2.8k, 1.38M.
std::string Tick(double v) {
  char buffer[32];
  const double a = std::abs(v);
  if (a >= 1e6) {
    std::snprintf(buffer, sizeof buffer, "%.3gM", v / 1e6);
  } else if (a >= 1e4) {
    std::snprintf(buffer, sizeof buffer, "%.0fk", v / 1e3);
  } else if (a >= 1e3) {
    std::snprintf(buffer, sizeof buffer, "%.2gk", v / 1e3);
  } else if (std::abs(v - std::round(v)) < 1e-9) {
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g", v);
  }
  return buffer;
}

struct Frame {
  const Axes& axes;
  double y_min, y_max;
  double PlotWidth() const { return axes.width - kLeft - kRight; }
  double PlotHeight() const { return axes.height - kTop - kBottom; }
  double X(double x) const {
    return kLeft + (x - axes.x_min) / (axes.x_max - axes.x_min) * PlotWidth();
  }
  double Y(double y) const {
    return kTop + PlotHeight() - (y - y_min) / (y_max - y_min) * PlotHeight();
  }
};

std::string Open(const Axes& a) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" +
         std::to_string(a.width) + "\" height=\"" + std::to_string(a.height) + "\" viewBox=\"0 0 " +
         std::to_string(a.width) + " " + std::to_string(a.height) +
         "\" font-family=\"sans-serif\" font-size=\"11\"><title>" + HtmlEscape(a.y_label) + " by " +
         HtmlEscape(a.x_label) + "</title>";
}

// Axes lines, five ticks on each, and the labels.
std::string DrawFrame(const Frame& f) {
  std::string s;
  const double x0 = kLeft, y0 = kTop + f.PlotHeight();
  s += "<path d=\"M" + Num(x0) + " " + Num(kTop) + "V" + Num(y0) + "H" +
       Num(kLeft + f.PlotWidth()) + "\" stroke=\"#444\" fill=\"none\"/>";
  for (int i = 0; i <= 4; ++i) {
    const double xv = f.axes.x_min + (f.axes.x_max - f.axes.x_min) * i / 4;
    const double yv = f.y_min + (f.y_max - f.y_min) * i / 4;
    s += "<text x=\"" + Num(f.X(xv)) + "\" y=\"" + Num(y0 + 14) + "\" text-anchor=\"middle\">" +
         Tick(xv) + "</text>";
    s += "<text x=\"" + Num(x0 - 4) + "\" y=\"" + Num(f.Y(yv) + 4) + "\" text-anchor=\"end\">" +
         Tick(yv) + "</text>";
  }
  s += "<text x=\"" + Num(kLeft + f.PlotWidth() / 2) + "\" y=\"" + Num(f.axes.height - 6) +
       "\" text-anchor=\"middle\">" + HtmlEscape(f.axes.x_label) + "</text>";
  s += "<text transform=\"translate(12 " + Num(kTop + f.PlotHeight() / 2) +
       ") rotate(-90)\" text-anchor=\"middle\">" + HtmlEscape(f.axes.y_label) + "</text>";
  return s;
}

double MaxOf(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) {
    if (std::isfinite(x)) m = std::max(m, x);
  }
  return m > 0 ? m : 1;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string SvgHistogram(const std::vector<double>& counts, const Axes& axes,
                         std::string_view colour) {
  const Frame f{axes, 0, MaxOf(counts)};
  std::string s = Open(axes);
  // One path for all bars keeps a 1,000-bin histogram small.
  std::string d;
  const double width =
      (axes.x_max - axes.x_min) / static_cast<double>(std::max<std::size_t>(1, counts.size()));
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (!(counts[i] > 0)) continue;
    const double x = f.X(axes.x_min + width * static_cast<double>(i));
    const double w = std::max(0.5, f.X(axes.x_min + width * static_cast<double>(i + 1)) - x);
    d += "M" + Num(x) + " " + Num(f.Y(0)) + "v" + Num(f.Y(counts[i]) - f.Y(0)) + "h" + Num(w) +
         "V" + Num(f.Y(0)) + "z";
  }
  s += "<path d=\"" + d + "\" fill=\"" + std::string(colour) + "\"/>";
  s += DrawFrame(f);
  return s + "</svg>";
}

std::string SvgLines(const std::vector<LineSeries>& series, const Axes& axes) {
  double y_max = 0;
  for (const LineSeries& l : series) y_max = std::max(y_max, MaxOf(l.y));
  const Frame f{axes, 0, y_max};
  std::string s = Open(axes);
  int legend_y = kTop + 4;
  for (const LineSeries& l : series) {
    std::string points;
    for (std::size_t i = 0; i < l.y.size(); ++i) {
      if (!std::isfinite(l.y[i])) continue;
      const double x =
          axes.x_min + (axes.x_max - axes.x_min) * static_cast<double>(i) /
                           static_cast<double>(std::max<std::size_t>(1, l.y.size() - 1));
      points += Num(f.X(x)) + "," + Num(f.Y(l.y[i])) + " ";
    }
    s += "<polyline points=\"" + points + "\" fill=\"none\" stroke=\"" + l.colour +
         "\" stroke-width=\"1.5\"" + (l.dashed ? " stroke-dasharray=\"4 3\"" : "") + "/>";
    // The legend sits top left, where turnout and vote curves are low.
    s += "<text x=\"" + std::to_string(kLeft + 8) + "\" y=\"" + std::to_string(legend_y + 8) +
         "\" fill=\"" + l.colour + "\">" + HtmlEscape(l.label) + "</text>";
    legend_y += 14;
  }
  s += DrawFrame(f);
  return s + "</svg>";
}

std::string SvgHeatmap(const std::vector<std::vector<double>>& cells, const Axes& axes,
                       double y_min, double y_max) {
  const Frame f{axes, y_min, y_max};
  double max = 0;
  for (const auto& row : cells) max = std::max(max, MaxOf(row));
  std::string s = Open(axes);
  const std::size_t rows = cells.size();
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t columns = cells[r].size();
    for (std::size_t c = 0; c < columns; ++c) {
      const double v = cells[r][c];
      if (!(v > 0)) continue;
      const double level = std::log1p(v) / std::log1p(max);  // 0..1
      const int shade = 255 - static_cast<int>(level * 215);
      const double x = f.X(axes.x_min + (axes.x_max - axes.x_min) * static_cast<double>(c) /
                                            static_cast<double>(columns));
      const double x2 = f.X(axes.x_min + (axes.x_max - axes.x_min) * static_cast<double>(c + 1) /
                                             static_cast<double>(columns));
      const double y =
          f.Y(y_min + (y_max - y_min) * static_cast<double>(r + 1) / static_cast<double>(rows));
      const double y2 =
          f.Y(y_min + (y_max - y_min) * static_cast<double>(r) / static_cast<double>(rows));
      s += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(x2 - x + 0.2) +
           "\" height=\"" + Num(y2 - y + 0.2) + "\" fill=\"rgb(" + std::to_string(shade) + "," +
           std::to_string(shade) + ",255)\"/>";
    }
  }
  s += DrawFrame(f);
  return s + "</svg>";
}

}  // namespace vigil::report
