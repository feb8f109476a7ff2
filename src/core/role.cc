#include "core/role.h"

namespace vigil::core {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kAnalyst:
      return "analyst";
    case Role::kCoordinator:
      return "coordinator";
    case Role::kObserver:
      return "observer";
    case Role::kViewer:
      return "viewer";
  }
  return "";
}

std::optional<Role> ParseRole(std::string_view text) {
  for (Role r :
       {Role::kAdmin, Role::kAnalyst, Role::kCoordinator, Role::kObserver, Role::kViewer}) {
    if (RoleName(r) == text) return r;
  }
  return std::nullopt;
}

}  // namespace vigil::core
