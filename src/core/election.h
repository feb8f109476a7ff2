// The election a mission observes, and the hierarchy of places it covers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::core {

struct Election {
  std::string name;     // "Parliamentary elections 2026"
  std::string country;  // "Freedonia"
  std::string date;     // election day, YYYY-MM-DD
  // When true, an observer may only submit for stations assigned to them.
  bool enforce_assignments = true;
};

enum class Settlement { kUnknown, kUrban, kRural };
std::string_view SettlementName(Settlement s);                     // "", "urban", "rural"
std::optional<Settlement> ParseSettlement(std::string_view text);  // accepts ""/"urban"/"rural"

// One node of the location hierarchy (country, region, district, ... of any
// depth). A location that no other location names as parent is a polling
// station; the station-only fields are empty elsewhere.
struct Location {
  std::string code;
  std::string name;
  std::string parent_code;  // empty at the top level
  std::optional<std::int64_t> registered_voters;
  Settlement settlement = Settlement::kUnknown;
  std::optional<double> lat;
  std::optional<double> lon;
};

enum class ObserverRole { kShortTerm, kLongTerm, kCore, kCoordinator };
std::string_view ObserverRoleName(ObserverRole role);  // "STO", "LTO", "core", "coordinator"
std::optional<ObserverRole> ParseObserverRole(std::string_view text);  // case-insensitive

struct Observer {
  std::string code;
  std::string name;
  std::vector<std::string> phones;  // E.164 where known
  ObserverRole role = ObserverRole::kShortTerm;
  std::string team;                   // observers of one team share this code
  std::string language;               // BCP 47, e.g. "en", "ru"
  std::vector<std::string> stations;  // assigned polling station codes
};

}  // namespace vigil::core
