// Reads official polling-station results files into core::ResultsTable.
//
// Formats:
//   generic  CSV with a header naming each column: `station` (required),
//            `area:LEVEL` for each area level from the top (e.g.
//            area:region,area:district), any of registered,
//            ballots_received, issued, cancelled, in_boxes, valid, invalid,
//            and `vote:NAME` for each contestant. Other columns are ignored
//            (and listed as notes).
//   ru-cec   the Russian CEC layout of github.com/dkobak/elections: Russian
//            headers, one row per station (uik) under region, [oik,] tik;
//            "Число ..." columns are protocol lines (the three "issued"
//            columns and the two "in boxes" columns are summed); every other
//            column but name, level and url is a contestant. Rows without a
//            uik (remote electronic voting in 2021) are aggregates, not
//            stations, and are skipped. Where the layout has "ballots in the
//            boxes" but no "ballots issued" columns (the 2020 vote), the
//            ballots issued are taken from them, as Kobak et al. do.
//   openelections  OpenElections precinct files (openelections.net): one
//            row per candidate and precinct with county, precinct, office,
//            district, party, candidate, votes. One office is read (the
//            only one, or the one named); a station is county/precinct;
//            "Registered Voters" and "Ballots Cast" pseudo-offices give
//            the registered voters and the ballots cast (used as issued).
//
// A file may be a ZIP archive holding one .csv file, which is read directly.
// Empty, "nan" and "NA" cells are missing values; a station without votes is
// skipped (and counted). Any malformed cell fails the whole read with the
// file, line and column of each problem (up to 20), so a partial table is
// never analysed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/results.h"

namespace vigil::ingest {

enum class ResultsFormat { kGeneric, kRuCec, kOpenElections };

std::optional<ResultsFormat> ParseResultsFormat(std::string_view name);

struct ResultsRead {
  core::ResultsTable table;
  std::size_t skipped_without_votes = 0;
  // ru-cec rows without a station number: aggregates such as remote
  // electronic voting, which are not polling stations.
  std::size_t skipped_aggregates = 0;
  std::vector<std::string> notes;  // e.g. ignored columns
};

// `name` is used in messages (usually the file's path).
// `office` chooses the office of an openelections file (required when the
// file has several); other formats ignore it.
Result<ResultsRead> ParseResults(std::string_view content, const std::string& name,
                                 ResultsFormat format, const std::string& office = "");
Result<ResultsRead> ReadResultsFile(const std::string& path, ResultsFormat format,
                                    const std::string& office = "");

}  // namespace vigil::ingest
