#include "service/permissions.h"

#include <iterator>

namespace vigil::service {

using core::Role;

// A permission added to the enum must be listed in kAllPermissions too.
static_assert(std::size(kAllPermissions) ==
              static_cast<std::size_t>(Permission::kHandleAlerts) + 1);

std::string_view PermissionName(Permission p) {
  switch (p) {
    case Permission::kSubmit:
      return "submit";
    case Permission::kReadSubmissions:
      return "read_submissions";
    case Permission::kReadForms:
      return "read_forms";
    case Permission::kReadSetup:
      return "read_setup";
    case Permission::kReadStatistics:
      return "read_statistics";
    case Permission::kReadMetrics:
      return "read_metrics";
    case Permission::kRunAnalyses:
      return "run_analyses";
    case Permission::kReadFindings:
      return "read_findings";
    case Permission::kExport:
      return "export";
    case Permission::kSignedIn:
      return "signed_in";
    case Permission::kReview:
      return "review";
    case Permission::kManageRules:
      return "manage_rules";
    case Permission::kReadConflicts:
      return "read_conflicts";
    case Permission::kResolveConflicts:
      return "resolve_conflicts";
    case Permission::kHandleAlerts:
      return "handle_alerts";
  }
  return "";
}

bool RoleHas(Role role, Permission p) {
  switch (p) {
    case Permission::kSubmit:
      return role == Role::kAdmin || role == Role::kObserver;
    case Permission::kReadSubmissions:
      return role == Role::kAdmin || role == Role::kAnalyst || role == Role::kCoordinator ||
             role == Role::kObserver;
    case Permission::kReadForms:
      return true;
    case Permission::kReadSetup:
      return role == Role::kAdmin || role == Role::kAnalyst || role == Role::kCoordinator;
    case Permission::kReadStatistics:
      return role != Role::kObserver;
    case Permission::kReadMetrics:
      return role == Role::kAdmin || role == Role::kAnalyst;
    case Permission::kRunAnalyses:
      // Not coordinators: a report covers the whole country, beyond their
      // regions.
      return role == Role::kAdmin || role == Role::kAnalyst;
    case Permission::kReadFindings:
      // Findings stay inside the mission until its statement: not viewers.
      return role == Role::kAdmin || role == Role::kAnalyst || role == Role::kCoordinator;
    case Permission::kExport:
      return role != Role::kObserver;
    case Permission::kSignedIn:
      return true;
    case Permission::kReview:
      return role == Role::kAdmin || role == Role::kAnalyst || role == Role::kCoordinator;
    case Permission::kManageRules:
      // Not coordinators: a rule applies to every region.
      return role == Role::kAdmin || role == Role::kAnalyst;
    case Permission::kReadConflicts:
      // Observers' answers side by side, with who gave them: not for viewers.
      return role == Role::kAdmin || role == Role::kAnalyst || role == Role::kCoordinator;
    case Permission::kResolveConflicts:
      // The master record feeds the mission's figures: analysts decide, not
      // coordinators, who see only their regions.
      return role == Role::kAdmin || role == Role::kAnalyst;
    case Permission::kHandleAlerts:
      // The core team and the regions' coordinators; viewers only watch.
      return role == Role::kAdmin || role == Role::kAnalyst || role == Role::kCoordinator;
  }
  return false;
}

}  // namespace vigil::service
