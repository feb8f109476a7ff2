#include "core/election.h"

#include <algorithm>
#include <cctype>

namespace vigil::core {

std::string_view SettlementName(Settlement s) {
  switch (s) {
    case Settlement::kUrban:
      return "urban";
    case Settlement::kRural:
      return "rural";
    case Settlement::kUnknown:
      break;
  }
  return "";
}

std::optional<Settlement> ParseSettlement(std::string_view text) {
  if (text.empty()) return Settlement::kUnknown;
  if (text == "urban") return Settlement::kUrban;
  if (text == "rural") return Settlement::kRural;
  return std::nullopt;
}

std::string_view ObserverRoleName(ObserverRole role) {
  switch (role) {
    case ObserverRole::kShortTerm:
      return "STO";
    case ObserverRole::kLongTerm:
      return "LTO";
    case ObserverRole::kCore:
      return "core";
    case ObserverRole::kCoordinator:
      return "coordinator";
  }
  return "";
}

std::optional<ObserverRole> ParseObserverRole(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "sto") return ObserverRole::kShortTerm;
  if (lower == "lto") return ObserverRole::kLongTerm;
  if (lower == "core") return ObserverRole::kCore;
  if (lower == "coordinator") return ObserverRole::kCoordinator;
  return std::nullopt;
}

}  // namespace vigil::core
