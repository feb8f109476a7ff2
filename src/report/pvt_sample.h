// A PVT sample as CSV, one row per drawn station: what a mission publishes
// (with the seed, so that anyone can re-draw it) and what `vigil pvt
// estimate` reads back (ingest::ParsePvtSampleCsv).
#pragma once

#include <ostream>

#include "core/pvt_sample.h"

namespace vigil::report {

// Columns: station, stratum, role (sample or reserve), rank,
// stratum_stations, stratum_registered, seed; CRLF line ends (RFC 4180).
void WritePvtSampleCsv(std::ostream& out, const core::PvtSample& sample);

}  // namespace vigil::report
