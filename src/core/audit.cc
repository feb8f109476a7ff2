#include "core/audit.h"

#include <cstring>

namespace vigil::core {

namespace {

// Netstring-like framing ("<length>:<bytes>\n") makes the encoding
// unambiguous whatever the fields contain.
void AppendField(std::string* out, std::string_view field) {
  out->append(std::to_string(field.size()));
  out->push_back(':');
  out->append(field);
  out->push_back('\n');
}

}  // namespace

Sha256 ComputeAuditHash(const AuditEntry& e) {
  std::string encoded = "vigil-audit-v1\n";
  encoded.append(reinterpret_cast<const char*>(e.prev_hash.data()), e.prev_hash.size());
  AppendField(&encoded, std::to_string(e.seq));
  AppendField(&encoded, FormatRfc3339(e.at));
  AppendField(&encoded, e.actor);
  AppendField(&encoded, e.action);
  AppendField(&encoded, e.subject);
  AppendField(&encoded, e.detail);
  return HashSha256(encoded);
}

void ChainAuditEntry(const AuditEntry* previous, AuditEntry* entry) {
  entry->seq = previous == nullptr ? 1 : previous->seq + 1;
  entry->prev_hash = previous == nullptr ? Sha256{} : previous->hash;
  entry->hash = ComputeAuditHash(*entry);
}

bool AuditChainVerifier::Add(const AuditEntry& e) {
  if (first_break_) return false;
  std::string problem;
  if (e.seq != last_seq_ + 1) {
    problem = e.seq <= last_seq_ ? "sequence number repeats or goes backwards (after " +
                                       std::to_string(last_seq_) + ")"
                                 : "entries " + std::to_string(last_seq_ + 1) + " to " +
                                       std::to_string(e.seq - 1) + " are missing";
  } else if (e.prev_hash != head_) {
    problem = "previous-hash link does not match entry " + std::to_string(last_seq_);
  } else if (ComputeAuditHash(e) != e.hash) {
    problem = "content does not match its hash (entry was altered)";
  }
  if (!problem.empty()) {
    first_break_ = AuditBreak{e.seq, std::move(problem)};
    return false;
  }
  ++entries_;
  last_seq_ = e.seq;
  head_ = e.hash;
  return true;
}

}  // namespace vigil::core
