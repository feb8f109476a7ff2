// An immutable, indexed snapshot of a mission's set-up (election, locations,
// observers, forms) against which submissions are validated. Built once per
// change of the set-up and shared read-only between threads.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/election.h"
#include "core/form.h"
#include "core/submission.h"

namespace vigil::core {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

class MissionIndex {
 public:
  MissionIndex(Election election, std::vector<Location> locations, std::vector<Observer> observers,
               std::vector<Form> forms);

  const Election& election() const { return election_; }
  const std::vector<Location>& locations() const { return locations_; }
  const std::vector<Observer>& observers() const { return observers_; }
  const std::vector<Form>& forms() const { return forms_; }  // every version
  std::size_t station_count() const { return station_count_; }

  const Location* FindLocation(std::string_view code) const;
  // True for a location that no other location names as its parent.
  bool IsPollingStation(std::string_view code) const;
  // Codes of the location's ancestors, nearest first (empty for the top level).
  std::vector<std::string> Ancestors(std::string_view code) const;
  // True if `code` is one of `areas` or lies below one of them.
  bool IsWithin(std::string_view code, std::span<const std::string> areas) const;
  const Observer* FindObserver(std::string_view code) const;
  bool IsAssigned(std::string_view observer_code, std::string_view station_code) const;
  // The named version of a form; with an empty version, the current one (the
  // most recently installed).
  const Form* FindForm(std::string_view code, std::string_view version = {}) const;

 private:
  Election election_;
  std::vector<Location> locations_;
  std::vector<Observer> observers_;
  std::vector<Form> forms_;
  StringMap<std::size_t> location_by_code_;
  std::unordered_set<std::string, StringHash, std::equal_to<>> parents_;
  std::size_t station_count_ = 0;
  StringMap<std::size_t> observer_by_code_;
  std::unordered_set<std::string, StringHash, std::equal_to<>> assignments_;  // "observer\nstation"
  StringMap<std::size_t> form_by_key_;                                        // "code\nversion"
  StringMap<std::size_t> current_form_;  // code -> newest version
};

// Checks a submission against its form version and the mission: known form
// and version, station and observer, the assignment rule, and every answer
// (known question, type, bounds, options, required questions). Returns every
// problem found, or nothing if the submission is valid. `s.form_version` must
// be resolved (non-empty) before the call.
std::vector<FieldError> ValidateSubmission(const Submission& s, const MissionIndex& mission);

}  // namespace vigil::core
