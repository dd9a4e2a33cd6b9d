#pragma once
// The heartbeat seq high-water mark (review of the F1 fix, item 2). A node
// numbers its heartbeats from its wall-clock start time in ns, +1 per round
// (kill_quorum.cpp), so a restarted node continues above its previous life
// and its peers' replay guard (stale_seq) lets its new heartbeats in. A wall
// clock stepped back across a restart broke that: the new base was below
// the seqs already sent, every peer refused them as stale_seq and the node
// refused their acks of its old seqs as ack_ahead, for as long as the step.
//
// This store keeps a reserved mark on disk, beside the halt state: every seq
// sent is at or below it. At start the base is max(wall ns, mark + 1), and a
// block of `block` seqs above the base is reserved (written durably, as the
// halt state is) before the first is sent; when the seqs pass the mark a new
// block is reserved first. So a restart always starts above every seq sent,
// whatever the clock did, with one durable write per `block` rounds (10^6:
// about 2.3 days at a 200 ms interval).
//
// File: one line `cwts-heartbeat-seq/1 <mark>`. CAF-free; not thread-safe
// (the coordinator's own handlers use it).

#include <cstdint>
#include <optional>
#include <string>

namespace cwts {

class heartbeat_seq_store {
public:
  static constexpr uint64_t default_block = 1'000'000;

  // `path` empty: nothing persisted (unit tests), the base is the wall clock.
  explicit heartbeat_seq_store(std::string path, uint64_t block = default_block);

  // Sets the base (the seq before the first sent) to max(wall_ns, mark + 1)
  // and reserves a block above it. False with `error` (the base is still
  // set, from what could be read) when the file is unreadable or malformed
  // (it is then overwritten) or the reservation cannot be written.
  bool start(uint64_t wall_ns, std::string& error);

  // The next seq to send, in `seq` (always set, always above the last one).
  // Past the mark a new block is reserved first; false with `error` when
  // that write fails (it is tried again at the next seq).
  bool next(uint64_t& seq, std::string& error);

  uint64_t last() const { return last_; }
  uint64_t reserved() const { return reserved_; }
  const std::string& path() const { return path_; }

  // The mark in the file at `path`; none when there is no file (`error`
  // empty) or it cannot be read or parsed (`error` says why).
  static std::optional<uint64_t> load(const std::string& path, std::string& error);

private:
  bool reserve(uint64_t from, std::string& error);

  std::string path_;
  uint64_t block_;
  uint64_t last_ = 0;
  uint64_t reserved_ = 0;
};

} // namespace cwts
