// The forensics report's results as one long CSV table, for spreadsheets
// and scripts: one row per number, named by method, area, quantity and
// statistic (docs/forensics.md lists the rows).
#pragma once

#include <string>

#include "analysis/forensics.h"

namespace vigil::service {

std::string ForensicsResultsCsv(const analysis::ForensicsReport& report);

}  // namespace vigil::service
