// An analyst's verdict on a submission version. The analytics count what is
// not rejected; "verified only" and "quarantined excluded" are filters over
// this status. How it is set and kept (with notes and history) is the
// service's business; this is only the vocabulary.
#pragma once

#include <optional>
#include <string_view>

namespace vigil::core {

enum class ReviewStatus {
  kUnreviewed,   // as it arrived
  kVerified,     // an analyst checked it (e.g. called the observer)
  kQuarantined,  // held back from the figures until checked
  kRejected,     // wrong; kept in history, never counted
};

std::string_view ReviewStatusName(ReviewStatus status);  // "unreviewed", "verified", ...
std::optional<ReviewStatus> ParseReviewStatus(std::string_view text);

}  // namespace vigil::core
