// What each role may do. This table is the one place where roles are mapped
// to permissions; every HTTP route and CLI command names the permission it
// needs.
#pragma once

#include <string_view>

#include "core/role.h"

namespace vigil::service {

enum class Permission {
  kSubmit,           // post submissions (observers only for themselves)
  kReadSubmissions,  // read raw submissions (observers only their own)
  kReadForms,        // read form definitions
  kReadSetup,        // read stations and observers (personal data)
  kReadStatistics,   // aggregated figures only
  kReadMetrics,      // operational metrics
  kRunAnalyses,      // run results forensics (findings under embargo)
  kReadFindings,     // observation findings (coordinators their regions'; embargoed from viewers)
  kExport,           // export submissions (coordinators their regions', viewers anonymized)
  kSignedIn,         // any authenticated caller: see or end its own session
  kReview,       // verify, quarantine or reject submissions; list flagged ones (coordinators their
                 // regions')
  kManageRules,  // add, change, enable and disable data-quality rules
  kReadConflicts,  // conflicts between observers and master records (coordinators their regions')
  kResolveConflicts,  // resolve a conflict: choose a report's answer or override it
  kHandleAlerts,  // acknowledge, assign and resolve critical alerts (coordinators their regions')
};

// Every permission, for listing what a role may do (GET /api/v1/session).
inline constexpr Permission kAllPermissions[] = {
    Permission::kSubmit,        Permission::kReadSubmissions,  Permission::kReadForms,
    Permission::kReadSetup,     Permission::kReadStatistics,   Permission::kReadMetrics,
    Permission::kRunAnalyses,   Permission::kReadFindings,     Permission::kExport,
    Permission::kSignedIn,      Permission::kReview,           Permission::kManageRules,
    Permission::kReadConflicts, Permission::kResolveConflicts, Permission::kHandleAlerts};

std::string_view PermissionName(Permission p);
bool RoleHas(core::Role role, Permission p);

}  // namespace vigil::service
