// Writing CSV (RFC 4180) safely for spreadsheets.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace vigil::report {

// One field: quoted when it holds a comma, quote or line break. Text
// starting with = + - @ is prefixed with ' so that spreadsheets do not run
// it as a formula (CSV injection); numbers (`is_number`) are left alone.
void WriteCsvField(std::ostream& out, std::string_view field, bool is_number = false);
// The same, appended to `out`: for writers that fill a buffer rather than
// pay for a stream call per field.
void AppendCsvField(std::string& out, std::string_view field, bool is_number = false);

}  // namespace vigil::report
