#pragma once
// Journal shipping cores (issue 24; messages/journal_ship.hpp), CAF-free:
//
// ship_log (the active's shipper): numbers each commit's patchset in its
// stream, holds the last ones (bounded by count and bytes) for resends, and
// measures how far the replica is behind from its acks. It never waits for
// the replica: a batch is out of the OMS's path once appended.
//
// replica_sequencer (the standby's replica): decides, per arriving batch,
// whether to apply it, start a new stream, ignore a duplicate, or ask for
// the missing range (bounded), and when the replica can no longer be whole.
//
//   batch of the followed stream, seq = last+1        -> apply
//   seq <= last                                       -> duplicate (ignored)
//   seq >  last+1                                     -> gap: ask [last+1, seq] (at most
//                                                        max_request, one ask at a time)
//   a newer stream, seq 1, its start marks = this file's -> start it, apply
//   a newer stream, seq 1, other start marks            -> incomplete (history missing)
//   a newer stream, seq > 1                             -> gap: ask [1, seq] of it
//   an older stream                                     -> stale (ignored)
//   batch.lost > 0 (the origin dropped commits)         -> incomplete
//   the shipper says a range is gone                    -> incomplete

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "messages/journal_ship.hpp"

namespace cwts::oms {

struct ship_limits {
  std::size_t max_batches = 4096;          // held for resends
  std::size_t max_bytes = 64u << 20;       // held for resends
  int64_t max_request = 1024;              // batches one resend may ask for
  int64_t resend_after_ns = 500'000'000;   // an unanswered ask is repeated after this
};

class ship_log {
public:
  ship_log(node_id origin, int64_t stream, journal_marks start, ship_limits limits = {});

  // The next batch of the stream (seq = last + 1), held for resends; the
  // oldest held ones are dropped past the limits. `lost`: commits the OMS
  // could not hand over before this one (its queue was full).
  const journal_batch& append(std::string patchset, timestamp_ns committed_at, int64_t now_mono);
  const journal_batch& last() const { return held_.back().batch; }
  // The node key's signature of the batch just appended.
  void sign_last(std::vector<uint8_t> signature) { held_.back().batch.signature = std::move(signature); }
  // Held batches from..to (to clamped to the last); false when `from` is
  // no longer held (or not yet written).
  bool range(int64_t from, int64_t to, std::vector<const journal_batch*>& out) const;
  // The replica has every batch up to `seq`: lag = now - when seq was appended.
  void acked(int64_t seq, int64_t now_mono);

  int64_t stream() const { return stream_; }
  int64_t last_seq() const { return last_seq_; }
  int64_t acked_seq() const { return acked_; }
  int64_t behind() const { return last_seq_ - acked_; } // batches not yet acked
  std::size_t held() const { return held_.size(); }
  std::size_t held_bytes() const { return held_bytes_; }
  int64_t evicted() const { return evicted_; }
  int64_t last_lag_ns() const { return last_lag_ns_; }
  int64_t max_lag_ns() const { return max_lag_ns_; }
  const ship_limits& limits() const { return limits_; }

private:
  struct held_batch {
    journal_batch batch;
    int64_t appended_mono = 0;
  };
  node_id origin_;
  int64_t stream_;
  journal_marks start_;
  ship_limits limits_;
  std::deque<held_batch> held_;
  std::size_t held_bytes_ = 0;
  int64_t last_seq_ = 0;
  int64_t acked_ = 0;
  int64_t evicted_ = 0;
  int64_t last_lag_ns_ = -1;
  int64_t max_lag_ns_ = 0;
};

enum class replica_action : uint8_t {
  apply,        // apply the batch (and, for seq 1 of a new stream, follow it first)
  duplicate,    // already applied
  gap,          // ask for [from, to] (ask_from/ask_to), drop this one
  wait,         // a gap already asked for and not yet due again: drop this one
  stale,        // an older stream
  incomplete,   // the replica cannot be whole any more (why)
};

const char* to_string(replica_action a);

struct replica_decision {
  replica_action action = replica_action::duplicate;
  bool new_stream = false; // apply: start following batch.stream first
  int64_t ask_from = 0;
  int64_t ask_to = 0;
  std::string why;
};

class replica_sequencer {
public:
  // `stream`, `last`: what the replica's file says it applied
  // (ship_state); `incomplete`: its recorded reason, if any.
  replica_sequencer(int64_t stream, int64_t last, std::string incomplete,
                    ship_limits limits = {});

  // `own`: the replica file's marks now (only read for seq 1 of a new stream).
  replica_decision on_batch(const journal_batch& b, const journal_marks& own, int64_t now_mono);
  // The shipper no longer holds [from, ...] of `stream`.
  replica_decision on_gone(int64_t stream, int64_t from);
  // After the batch was applied durably.
  void applied(int64_t stream, int64_t seq);
  // After the file was marked incomplete.
  void give_up(std::string why) { incomplete_ = std::move(why); }

  int64_t stream() const { return stream_; }
  int64_t last() const { return last_; }
  bool complete() const { return incomplete_.empty(); }
  const std::string& incomplete() const { return incomplete_; }
  int64_t gaps() const { return gaps_; }

private:
  replica_decision ask(int64_t stream, int64_t from, int64_t upto, int64_t now_mono);

  int64_t stream_;
  int64_t last_;
  std::string incomplete_;
  ship_limits limits_;
  int64_t gaps_ = 0;
  // The one outstanding ask: repeated only when due, or for another range.
  int64_t asked_stream_ = 0;
  int64_t asked_from_ = 0;
  int64_t asked_at_ = 0;
};

} // namespace cwts::oms
