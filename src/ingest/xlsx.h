// The cells of an .xlsx workbook (Office Open XML, ECMA-376 part 1): the
// sheets by name, as workbook.xml and its relationships list them, with each
// cell's value as text. Shared strings, inline strings (rich text runs
// joined), numbers, booleans and cached formula results are read; styles,
// dates and formulas themselves are not (a number formatted as a date reads
// as its serial number).
//
// A pure function of the bytes, so it can be fuzzed: no file system, no
// state, and limits on what a hostile file can make it allocate.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vigil::ingest {

struct XlsxCell {
  int column = 0;  // 0-based: A = 0
  std::string text;
};

struct XlsxRow {
  int number = 0;               // 1-based, as Excel shows it
  std::vector<XlsxCell> cells;  // left to right; empty cells may be missing
};

struct XlsxSheet {
  std::string name;
  std::vector<XlsxRow> rows;  // top to bottom; empty rows may be missing
};

// Each part is at most this large once decompressed.
inline constexpr std::size_t kMaxXlsxPartBytes = 64u << 20;

// The sheets in workbook order; with `want`, only the sheets whose name it
// accepts are read (the others are not decompressed). InvalidArgument naming
// the part and the problem for anything that is not a readable workbook (not
// a zip, a missing part, malformed XML, a bad cell reference).
Result<std::vector<XlsxSheet>> ReadXlsx(
    std::string_view bytes, const std::function<bool(std::string_view name)>& want = {});

// "A", "B", ..., "Z", "AA", ... for a 0-based column.
std::string XlsxColumnName(int column);

}  // namespace vigil::ingest
