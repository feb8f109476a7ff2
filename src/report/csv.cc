#include "report/csv.h"

namespace vigil::report {

void WriteCsvField(std::ostream& out, std::string_view field, bool is_number) {
  const bool formula = !is_number && !field.empty() &&
                       (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@');
  const bool quote = formula || field.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out << field;
    return;
  }
  out << '"';
  if (formula) out << '\'';
  for (char c : field) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

void AppendCsvField(std::string& out, std::string_view field, bool is_number) {
  const bool formula = !is_number && !field.empty() &&
                       (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@');
  const bool quote = formula || field.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out.append(field);
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace vigil::report
