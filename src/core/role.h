// Roles of people and API tokens. What each role may do is decided in the
// service layer; this is only the vocabulary.
#pragma once

#include <optional>
#include <string_view>

namespace vigil::core {

enum class Role { kAdmin, kAnalyst, kCoordinator, kObserver, kViewer };

std::string_view RoleName(Role role);  // "admin", "analyst", ...
std::optional<Role> ParseRole(std::string_view text);

}  // namespace vigil::core
