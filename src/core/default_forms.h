// The form set that `vigil init` installs: ODIHR-style checklists whose
// indicators are attested in ODIHR statements and domestic observer
// checklists (NDI, OPORA, ISFED). Missions edit them like any other form.
#pragma once

#include <vector>

#include "core/form.h"

namespace vigil::core {

// At present the voting form "V"; opening, counting, tabulation and incident
// forms follow with the forms issue.
std::vector<Form> DefaultForms();

}  // namespace vigil::core
