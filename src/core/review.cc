#include "core/review.h"

#include <array>
#include <utility>

namespace vigil::core {

namespace {

constexpr std::array<std::pair<ReviewStatus, std::string_view>, 4> kNames = {{
    {ReviewStatus::kUnreviewed, "unreviewed"},
    {ReviewStatus::kVerified, "verified"},
    {ReviewStatus::kQuarantined, "quarantined"},
    {ReviewStatus::kRejected, "rejected"},
}};

}  // namespace

std::string_view ReviewStatusName(ReviewStatus status) {
  for (const auto& [s, name] : kNames) {
    if (s == status) return name;
  }
  return "unreviewed";
}

std::optional<ReviewStatus> ParseReviewStatus(std::string_view text) {
  for (const auto& [s, name] : kNames) {
    if (name == text) return s;
  }
  return std::nullopt;
}

}  // namespace vigil::core
