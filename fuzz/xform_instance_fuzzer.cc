// libFuzzer target: the XForm instance reader (ingest/xform.h), as
// POST /openrosa/submission uses it. Besides crashes and sanitizer reports,
// it checks what the reader promises: an accepted instance names its form
// and instance, and becomes a submission JSON object that serialises.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/default_forms.h"
#include "ingest/xform.h"

namespace {

const vigil::core::Form& VotingForm() {
  static const vigil::core::Form form = [] {
    for (vigil::core::Form& f : vigil::core::DefaultForms({"Alpha", "Beta"})) {
      if (f.code == "V") return f;
    }
    __builtin_trap();
  }();
  return form;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil;
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto instance = ingest::ParseXFormInstance(xml);
  if (!instance) {
    if (instance.error().message().empty()) __builtin_trap();
    return 0;
  }
  if (instance->form_id.empty() || instance->instance_id.empty()) __builtin_trap();
  const boost::json::value submission =
      ingest::InstanceToSubmissionJson(*instance, VotingForm(), "OBS-1");
  if (!submission.is_object() || !submission.as_object().contains("answers")) __builtin_trap();
  (void)boost::json::serialize(submission);
  return 0;
}
