// The tamper-evident audit log. Every write appends an entry; each entry's
// hash covers the previous entry's hash and a canonical encoding of the entry
// (SHA-256, libsodium), so changing, inserting or deleting an entry breaks the
// chain from that point on. The chain proves integrity relative to its head:
// publish `vigil audit verify`'s head hash to make later rewrites evident too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/crypto.h"
#include "common/time.h"

namespace vigil::core {

struct AuditEntry {
  std::int64_t seq = 0;  // 1, 2, 3, ... without gaps
  Timestamp at;
  std::string actor;    // who: "token:3/admin", "cli:root"
  std::string action;   // what: "submission.create", "stations.import", ...
  std::string subject;  // about what: an instance id, a file name, a token id
  std::string detail;   // JSON with the facts needed to check the write later
  Sha256 prev_hash{};   // zero for the first entry
  Sha256 hash{};
};

// The hash of `entry` given its prev_hash (entry.hash is not read).
Sha256 ComputeAuditHash(const AuditEntry& entry);

// Fills seq, prev_hash and hash so that `entry` follows `previous` (or starts
// the chain when previous is null).
void ChainAuditEntry(const AuditEntry* previous, AuditEntry* entry);

struct AuditBreak {
  std::int64_t seq;     // the first entry that does not verify
  std::string problem;  // what is wrong with it
};

// Checks a chain entry by entry, in seq order, without holding it in memory.
class AuditChainVerifier {
 public:
  // Returns false from the first broken entry on.
  bool Add(const AuditEntry& entry);
  const std::optional<AuditBreak>& first_break() const { return first_break_; }
  std::int64_t entries() const { return entries_; }
  const Sha256& head() const { return head_; }

 private:
  std::optional<AuditBreak> first_break_;
  std::int64_t entries_ = 0;
  std::int64_t last_seq_ = 0;
  Sha256 head_{};
};

}  // namespace vigil::core
