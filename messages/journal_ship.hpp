#pragma once
// OMS journal shipping (issue 24, docs/reconciliation.md "Takeover from the
// truth"): the active OMS's journal commits, shipped in commit order to the
// journal replica on its standby node, which writes them into its own
// journal file (same schema) that its OMS opens at a takeover.
//
//   active OMS --commit--> shipper (same node) --journal_batch--> replica (standby)
//                                   ^-- journal_ack / journal_resend --'
//
// A batch is one journal commit as an SQLite session patchset (the rows the
// commit inserted or changed, by primary key). `stream` is the OMS's journal
// session (wall-clock ns when it opened the journal, so a later session has
// a larger one); `seq` counts the stream's batches from 1 without gaps. The
// first batch of a stream carries the journal's high-water marks at the
// stream's start, so a replica can tell whether it holds everything before.
//
// Batches are signed with the origin node's key (the operators file's
// `node = <id>` entry): a CAF sender address is not proof of its node (a
// member can route a message that names another node's actor), and a forged
// batch would plant positions in the journal a takeover trades from.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/ids.hpp"
#include "messages/signing_payload.hpp"
#include "messages/time.hpp"

namespace cwts {

// Where a journal's tables end: max(seq) of events, rejects, baselines, and
// the number of orders. Equal marks: the same prefix of the same history
// (rows are only appended, and orders only change with a new event).
struct journal_marks {
  int64_t events = 0;
  int64_t rejects = 0;
  int64_t baselines = 0;
  int64_t orders = 0;

  bool operator==(const journal_marks& o) const {
    return events == o.events && rejects == o.rejects && baselines == o.baselines
           && orders == o.orders;
  }
  bool operator!=(const journal_marks& o) const { return !(*this == o); }
  std::string str() const {
    return "events=" + std::to_string(events) + " rejects=" + std::to_string(rejects)
           + " baselines=" + std::to_string(baselines) + " orders=" + std::to_string(orders);
  }
};

struct journal_batch {
  node_id origin;
  int64_t stream = 0;
  int64_t seq = 0;
  journal_marks start; // the stream's start (the same in every batch of it)
  timestamp_ns committed_at; // the origin's wall clock at the commit
  std::string patchset;      // binary (sqlite3session_patchset)
  std::vector<uint8_t> signature{};
};

// The replica's answer: every batch of `stream` up to `seq` is durable in
// its file. The shipper measures the lag from it; it changes nothing else.
struct journal_ack {
  node_id replica;
  int64_t stream = 0;
  int64_t seq = 0;
};

// The replica misses batches [from, to] of `stream` (a gap): the shipper
// sends them again while it still holds them, else answers `gone`.
struct journal_resend {
  node_id replica;
  int64_t stream = 0;
  int64_t from = 0;
  int64_t to = 0;
  bool gone = false; // shipper -> replica: no longer held
};

inline std::string signing_payload(const journal_batch& b) {
  return signing_payload_builder("cwts-journal-batch/1")
    .field(b.origin.value)
    .field(std::to_string(b.stream))
    .field(std::to_string(b.seq))
    .field(b.start.str())
    .field(std::to_string(b.committed_at.ns))
    .field(b.patchset)
    .str();
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, journal_marks& x) {
  return f(caf::meta::type_name("journal_marks"), x.events, x.rejects, x.baselines, x.orders);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, journal_batch& x) {
  return f(caf::meta::type_name("journal_batch"), x.origin, x.stream, x.seq, x.start,
           x.committed_at, x.patchset, x.signature);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, journal_ack& x) {
  return f(caf::meta::type_name("journal_ack"), x.replica, x.stream, x.seq);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, journal_resend& x) {
  return f(caf::meta::type_name("journal_resend"), x.replica, x.stream, x.from, x.to, x.gone);
}

} // namespace cwts
