// The form set that `vigil init` installs: ODIHR-style checklists whose
// indicators are attested in ODIHR statements and domestic observer
// checklists (NDI, OPORA, ISFED). Missions edit them like any other form.
#pragma once

#include <string>
#include <vector>

#include "core/form.h"

namespace vigil::core {

// The voting form "V" and the counting form "C" (first, in that order, as
// tests and the demo expect), then opening "O", tabulation "T" and incident
// "I" (SMS prefix "X"). Every question an SMS can carry has a tag.
std::vector<Form> DefaultForms(const std::vector<std::string>& contestants = {});

// The counting form "C": the checklist, the result protocol's figures, and
// one question per contestant (P1, P2, ... in ballot order; SMS tags PA, PB,
// ...) for their votes,
// so that observers' copies of the protocol can be compared with the
// official results and feed the PVT.
Form CountingForm(const std::vector<std::string>& contestants);

}  // namespace vigil::core
