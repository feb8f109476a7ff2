// Tests for the tamper-evident audit chain (core/audit.h).
#include "core/audit.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace vigil::core {
namespace {

using namespace std::chrono_literals;

// A chain of `n` entries, correctly linked.
std::vector<AuditEntry> Chain(int n) {
  std::vector<AuditEntry> chain;
  for (int i = 0; i < n; ++i) {
    AuditEntry e;
    e.at = Timestamp{} + std::chrono::hours(24 * 20785) + std::chrono::minutes(i);
    e.actor = i % 2 == 0 ? "token:3/admin" : "cli:root";
    e.action = "submission.create";
    e.subject = "uuid:0000000" + std::to_string(i);
    e.detail = R"({"station":"PS-)" + std::to_string(100 + i) + R"("})";
    ChainAuditEntry(chain.empty() ? nullptr : &chain.back(), &e);
    chain.push_back(std::move(e));
  }
  return chain;
}

// Feeds `chain` to a verifier and returns it.
AuditChainVerifier Verify(const std::vector<AuditEntry>& chain) {
  AuditChainVerifier verifier;
  for (const AuditEntry& e : chain) verifier.Add(e);
  return verifier;
}

void ExpectBreak(const AuditChainVerifier& verifier, std::int64_t seq, std::string_view problem) {
  ASSERT_TRUE(verifier.first_break().has_value());
  EXPECT_EQ(verifier.first_break()->seq, seq);
  EXPECT_NE(verifier.first_break()->problem.find(problem), std::string::npos)
      << verifier.first_break()->problem;
}

TEST(ChainAuditEntry, StartsAtOneWithZeroPreviousHash) {
  const std::vector<AuditEntry> chain = Chain(1);
  EXPECT_EQ(chain[0].seq, 1);
  EXPECT_EQ(chain[0].prev_hash, Sha256{});
  EXPECT_EQ(chain[0].hash, ComputeAuditHash(chain[0]));
}

TEST(ChainAuditEntry, LinksEachEntryToThePrevious) {
  const std::vector<AuditEntry> chain = Chain(3);
  for (std::size_t i = 1; i < chain.size(); ++i) {
    EXPECT_EQ(chain[i].seq, chain[i - 1].seq + 1);
    EXPECT_EQ(chain[i].prev_hash, chain[i - 1].hash);
  }
}

TEST(ComputeAuditHash, IgnoresStoredHash) {
  AuditEntry e = Chain(1)[0];
  const Sha256 expected = ComputeAuditHash(e);
  e.hash = HashSha256("anything");
  EXPECT_EQ(ComputeAuditHash(e), expected);
}

TEST(ComputeAuditHash, DependsOnEveryField) {
  const AuditEntry base = Chain(2)[1];
  const Sha256 h = ComputeAuditHash(base);
  AuditEntry e = base;
  e.seq = 3;
  EXPECT_NE(ComputeAuditHash(e), h) << "seq";
  e = base;
  e.at += 1us;
  EXPECT_NE(ComputeAuditHash(e), h) << "at";
  e = base;
  e.actor = "token:4/admin";
  EXPECT_NE(ComputeAuditHash(e), h) << "actor";
  e = base;
  e.action = "submission.delete";
  EXPECT_NE(ComputeAuditHash(e), h) << "action";
  e = base;
  e.subject += "x";
  EXPECT_NE(ComputeAuditHash(e), h) << "subject";
  e = base;
  e.detail = "{}";
  EXPECT_NE(ComputeAuditHash(e), h) << "detail";
  e = base;
  e.prev_hash[0] ^= 1;
  EXPECT_NE(ComputeAuditHash(e), h) << "prev_hash";
}

TEST(ComputeAuditHash, SeparatesFieldsUnambiguously) {
  // Moving text from one field to the next must change the hash.
  AuditEntry a = Chain(1)[0];
  AuditEntry b = a;
  a.action = "stations";
  a.subject = ".import";
  b.action = "stations.";
  b.subject = "import";
  EXPECT_NE(ComputeAuditHash(a), ComputeAuditHash(b));
}

TEST(AuditChainVerifier, AcceptsIntactChain) {
  const std::vector<AuditEntry> chain = Chain(5);
  AuditChainVerifier verifier;
  for (const AuditEntry& e : chain) EXPECT_TRUE(verifier.Add(e)) << e.seq;
  EXPECT_FALSE(verifier.first_break().has_value());
  EXPECT_EQ(verifier.entries(), 5);
}

TEST(AuditChainVerifier, HeadIsLastHash) {
  const std::vector<AuditEntry> chain = Chain(5);
  EXPECT_EQ(Verify(chain).head(), chain.back().hash);
}

TEST(AuditChainVerifier, HeadOfEmptyChainIsZero) {
  AuditChainVerifier verifier;
  EXPECT_EQ(verifier.head(), Sha256{});
  EXPECT_EQ(verifier.entries(), 0);
  EXPECT_FALSE(verifier.first_break().has_value());
}

TEST(AuditChainVerifier, DetectsAlteredActor) {
  std::vector<AuditEntry> chain = Chain(5);
  chain[2].actor = "cli:someone-else";
  ExpectBreak(Verify(chain), 3, "entry was altered");
}

TEST(AuditChainVerifier, DetectsAlteredDetail) {
  std::vector<AuditEntry> chain = Chain(5);
  chain[2].detail = R"({"station":"PS-999"})";
  ExpectBreak(Verify(chain), 3, "entry was altered");
}

TEST(AuditChainVerifier, DetectsAlteredTime) {
  std::vector<AuditEntry> chain = Chain(5);
  chain[2].at -= 1us;
  ExpectBreak(Verify(chain), 3, "entry was altered");
}

TEST(AuditChainVerifier, DetectsAlteredEntryWhoseHashWasRecomputed) {
  std::vector<AuditEntry> chain = Chain(5);
  chain[2].detail = "{}";
  chain[2].hash = ComputeAuditHash(chain[2]);
  ExpectBreak(Verify(chain), 4, "previous-hash link does not match entry 3");
}

TEST(AuditChainVerifier, DetectsDeletedMiddleEntry) {
  std::vector<AuditEntry> chain = Chain(5);
  chain.erase(chain.begin() + 2);
  ExpectBreak(Verify(chain), 4, "entries 3 to 3 are missing");
}

TEST(AuditChainVerifier, DetectsDeletedFirstEntry) {
  std::vector<AuditEntry> chain = Chain(3);
  chain.erase(chain.begin());
  ExpectBreak(Verify(chain), 2, "entries 1 to 1 are missing");
}

TEST(AuditChainVerifier, DetectsDeletedEntryAfterRenumbering) {
  // Deleting entry 3 and renumbering the rest still breaks the hash link.
  std::vector<AuditEntry> chain = Chain(5);
  chain.erase(chain.begin() + 2);
  for (std::size_t i = 2; i < chain.size(); ++i) chain[i].seq = static_cast<std::int64_t>(i) + 1;
  ExpectBreak(Verify(chain), 3, "previous-hash link does not match entry 2");
}

TEST(AuditChainVerifier, DetectsSwappedEntries) {
  std::vector<AuditEntry> chain = Chain(5);
  std::swap(chain[1], chain[2]);
  ExpectBreak(Verify(chain), 3, "entries 2 to 2 are missing");
}

TEST(AuditChainVerifier, DetectsSwappedEntriesWithSwappedSequenceNumbers) {
  std::vector<AuditEntry> chain = Chain(5);
  std::swap(chain[1], chain[2]);
  std::swap(chain[1].seq, chain[2].seq);
  ExpectBreak(Verify(chain), 2, "previous-hash link does not match entry 1");
}

TEST(AuditChainVerifier, DetectsRepeatedEntry) {
  std::vector<AuditEntry> chain = Chain(3);
  chain.insert(chain.begin() + 2, chain[1]);
  ExpectBreak(Verify(chain), 2, "sequence number repeats or goes backwards (after 2)");
}

TEST(AuditChainVerifier, DetectsNonZeroPreviousHashOnFirstEntry) {
  std::vector<AuditEntry> chain = Chain(2);
  chain[0].prev_hash[31] = 1;
  chain[0].hash = ComputeAuditHash(chain[0]);
  ExpectBreak(Verify(chain), 1, "previous-hash link does not match entry 0");
}

TEST(AuditChainVerifier, RejectsEverythingAfterFirstBreak) {
  std::vector<AuditEntry> chain = Chain(4);
  chain[1].actor = "x";
  AuditChainVerifier verifier;
  EXPECT_TRUE(verifier.Add(chain[0]));
  EXPECT_FALSE(verifier.Add(chain[1]));
  EXPECT_FALSE(verifier.Add(chain[2]));
  EXPECT_FALSE(verifier.Add(chain[3]));
  EXPECT_EQ(verifier.entries(), 1);
  EXPECT_EQ(verifier.head(), chain[0].hash);
  ExpectBreak(verifier, 2, "entry was altered");
}

}  // namespace
}  // namespace vigil::core
