// Error values for the whole code base: a Status says whether an operation
// succeeded and, if not, what kind of failure it was and a message for people.
// Result<T> carries either a value or a failed Status. Errors are values; only
// adapters around third-party libraries catch exceptions.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace vigil {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // the caller's input is malformed or breaks a rule
  kNotFound,           // the named thing does not exist
  kAlreadyExists,      // a different thing with the same identity exists
  kConflict,           // the request contradicts the current state
  kUnauthenticated,    // no or bad credentials
  kPermissionDenied,   // credentials are fine, the action is not allowed
  kResourceExhausted,  // a size limit was exceeded
  kTooManyRequests,    // a rate limit was hit (e.g. too many failed sign-ins)
  kUnavailable,        // try again later (shutting down, overloaded)
  kDataLoss,           // stored data is corrupt or was tampered with
  kInternal,           // a bug or an unexpected library failure
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status Unauthenticated(std::string m) {
    return {StatusCode::kUnauthenticated, std::move(m)};
  }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "NOT_FOUND: station PS-1 does not exist"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
using Result = tl::expected<T, Status>;

inline tl::unexpected<Status> Fail(Status status) {
  return tl::unexpected<Status>(std::move(status));
}

// A failed Status on its way out of a function that returns Status or Result<T>.
struct ErrorReturn {
  Status status;
  operator Status() && { return std::move(status); }  // NOLINT(google-explicit-constructor)
  template <typename T>
  operator Result<T>() && {  // NOLINT(google-explicit-constructor)
    return tl::unexpected<Status>(std::move(status));
  }
};

// Returns early from the enclosing function (returning Status or Result<T>)
// if `expr`, a Status, failed.
#define VIGIL_RETURN_IF_ERROR(expr)                                                 \
  do {                                                                              \
    ::vigil::Status vigil_status_ = (expr);                                         \
    if (!vigil_status_.ok()) return ::vigil::ErrorReturn{std::move(vigil_status_)}; \
  } while (false)

}  // namespace vigil
