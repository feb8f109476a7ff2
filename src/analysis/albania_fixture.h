// Test support: turnout by prefecture in the Albania 2013 fixture
// (tests/data/README.md), as ballots cast and ballots / registered.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/digit_tests.h"

namespace vigil::analysis {

inline std::map<std::string, std::vector<CountAndShare>> AlbaniaTurnout() {
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  std::ifstream in(std::string(source != nullptr ? source : ".") +
                   "/tests/data/albania2013_berat_fier.csv");
  EXPECT_TRUE(in.good()) << "fixture not found; is VIGIL_SOURCE_DIR set?";
  std::map<std::string, std::vector<CountAndShare>> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string prefecture, precinct, ballots, registered;
    std::getline(fields, prefecture, ',');
    std::getline(fields, precinct, ',');
    std::getline(fields, ballots, ',');
    std::getline(fields, registered, ',');
    const double b = std::stod(ballots);
    out[prefecture].push_back({static_cast<std::int64_t>(b), b / std::stod(registered)});
  }
  return out;
}

// The shares alone.
inline std::vector<double> Shares(const std::vector<CountAndShare>& stations) {
  std::vector<double> out;
  for (const CountAndShare& s : stations) out.push_back(s.share);
  return out;
}

}  // namespace vigil::analysis
