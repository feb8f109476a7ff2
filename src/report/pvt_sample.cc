#include "report/pvt_sample.h"

#include <map>
#include <string>

#include "report/csv.h"

namespace vigil::report {

void WritePvtSampleCsv(std::ostream& out, const core::PvtSample& sample) {
  out << "station,stratum,role,rank,stratum_stations,stratum_registered,seed\r\n";
  std::map<std::string, const core::StratumSummary*> strata;
  for (const core::StratumSummary& s : sample.strata) strata[s.stratum] = &s;
  const std::string seed = std::to_string(sample.seed);
  for (const core::DrawnStation& d : sample.stations) {
    const core::StratumSummary& s = *strata.at(d.stratum);
    WriteCsvField(out, d.code);
    out << ',';
    WriteCsvField(out, d.stratum);
    out << ',' << (d.reserve ? "reserve" : "sample") << ',' << d.rank << ',' << s.stations << ','
        << s.registered << ',' << seed << "\r\n";
  }
}

}  // namespace vigil::report
