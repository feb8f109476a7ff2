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
#include <utility>
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

// Which columns of a file in another layout hold what, for the generic
// format (`--mapping FILE`): a JSON object such as
//   {"station": ["Communes", "Precincts"],
//    "areas": [["prefecture", "Prefectures"], ["commune", "Communes"]],
//    "registered": "Registered", "issued": "Ballots",
//    "contestants": ["C035", "C050"]}
// "station" is one column or several (joined with '/'); "areas" lists
// [level, column] pairs from the top down; the figures are registered,
// ballots_received, issued, cancelled, in_boxes, valid and invalid;
// "contestants" lists columns, or is "*" for every column not named
// otherwise (columns with empty names are skipped).
struct ResultsMapping {
  std::vector<std::string> station;
  std::vector<std::pair<std::string, std::string>> areas;    // level, column
  std::vector<std::pair<std::string, std::string>> figures;  // figure, column
  std::vector<std::string> contestants;
  bool all_other_columns_are_contestants = false;
};

// `name` is used in messages.
Result<ResultsMapping> ParseResultsMapping(std::string_view json, const std::string& name);
Result<ResultsMapping> ReadResultsMappingFile(const std::string& path);

// `name` is used in messages (usually the file's path). `office` chooses
// the office of an openelections file (required when the file has
// several); `mapping` replaces the generic format's column names.
// Other formats ignore them.
Result<ResultsRead> ParseResults(std::string_view content, const std::string& name,
                                 ResultsFormat format, const std::string& office = "",
                                 const ResultsMapping* mapping = nullptr);
Result<ResultsRead> ReadResultsFile(const std::string& path, ResultsFormat format,
                                    const std::string& office = "",
                                    const ResultsMapping* mapping = nullptr);

}  // namespace vigil::ingest
