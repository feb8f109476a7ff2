// The forensics report as one self-contained HTML file (inline SVG, no
// scripts, nothing loaded from the network), for people: each section says
// what its method measures, where it misleads, and cites it.
#pragma once

#include <string>

#include "analysis/forensics.h"
#include "core/results.h"

namespace vigil::service {

struct ForensicsSource {
  std::string file;    // as given on the command line
  std::string format;  // "generic", "ru-cec"
};

std::string ForensicsHtml(const core::ResultsTable& table, const analysis::ForensicsReport& report,
                          const ForensicsSource& source);

}  // namespace vigil::service
