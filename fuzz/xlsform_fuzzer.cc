// libFuzzer target: the XLSForm reader (ingest/xlsform.h), from the .xlsx
// bytes down to a checked core::Form.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/xlsform.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<ingest::XlsFormProblem> problems;
  auto form = ingest::ReadXlsForm(bytes, &problems);
  // A workbook is taken whole or refused with its problems listed.
  if (form.has_value() == !problems.empty()) __builtin_trap();
  for (const ingest::XlsFormProblem& p : problems) (void)p.ToString();
  // A form the reader accepts is one the model accepts.
  if (form && !core::FormFromJson(core::FormToJson(*form))) __builtin_trap();
  return 0;
}
