#include "actors/oms/journal_ship.hpp"

#include <algorithm>

namespace cwts::oms {

ship_log::ship_log(node_id origin, int64_t stream, journal_marks start, ship_limits limits)
  : origin_(std::move(origin)), stream_(stream), start_(start), limits_(limits) {}

const journal_batch& ship_log::append(std::string patchset, timestamp_ns committed_at,
                                      int64_t now_mono) {
  held_batch h;
  h.batch.origin = origin_;
  h.batch.stream = stream_;
  h.batch.seq = ++last_seq_;
  h.batch.start = start_;
  h.batch.committed_at = committed_at;
  h.batch.patchset = std::move(patchset);
  h.appended_mono = now_mono;
  held_bytes_ += h.batch.patchset.size();
  held_.push_back(std::move(h));
  // Bounded: the oldest go first; a replica that needs them is told `gone`.
  while (held_.size() > 1
         && (held_.size() > limits_.max_batches || held_bytes_ > limits_.max_bytes)) {
    held_bytes_ -= held_.front().batch.patchset.size();
    held_.pop_front();
    ++evicted_;
  }
  return held_.back().batch;
}

bool ship_log::range(int64_t from, int64_t to, std::vector<const journal_batch*>& out) const {
  out.clear();
  if (held_.empty() || from < held_.front().batch.seq || from > last_seq_ || from < 1)
    return false;
  to = std::min({to, last_seq_, from + limits_.max_request - 1});
  auto first = held_.front().batch.seq;
  for (auto s = from; s <= to; ++s)
    out.push_back(&held_[static_cast<std::size_t>(s - first)].batch);
  return true;
}

void ship_log::acked(int64_t seq, int64_t now_mono) {
  if (seq <= acked_ || seq > last_seq_)
    return; // old, repeated, or not ours: no lag to learn
  acked_ = seq;
  if (held_.empty() || seq < held_.front().batch.seq)
    return;
  const auto& h = held_[static_cast<std::size_t>(seq - held_.front().batch.seq)];
  last_lag_ns_ = now_mono - h.appended_mono;
  max_lag_ns_ = std::max(max_lag_ns_, last_lag_ns_);
}

const char* to_string(replica_action a) {
  switch (a) {
    case replica_action::apply: return "apply";
    case replica_action::duplicate: return "duplicate";
    case replica_action::gap: return "gap";
    case replica_action::wait: return "wait";
    case replica_action::stale: return "stale";
    case replica_action::incomplete: return "incomplete";
  }
  return "?";
}

replica_sequencer::replica_sequencer(int64_t stream, int64_t last, std::string incomplete,
                                     ship_limits limits)
  : stream_(stream), last_(last), incomplete_(std::move(incomplete)), limits_(limits) {}

replica_decision replica_sequencer::ask(int64_t stream, int64_t from, int64_t upto,
                                        int64_t now_mono) {
  replica_decision d;
  bool same = asked_stream_ == stream && asked_from_ == from;
  if (same && now_mono - asked_at_ < limits_.resend_after_ns) {
    d.action = replica_action::wait;
    return d;
  }
  if (!same)
    ++gaps_;
  asked_stream_ = stream;
  asked_from_ = from;
  asked_at_ = now_mono;
  d.action = replica_action::gap;
  d.ask_from = from;
  d.ask_to = std::min(upto, from + limits_.max_request - 1);
  d.why = "missing batches " + std::to_string(from) + ".." + std::to_string(d.ask_to)
          + " of stream " + std::to_string(stream);
  return d;
}

replica_decision replica_sequencer::on_batch(const journal_batch& b, const journal_marks& own,
                                             int64_t now_mono) {
  replica_decision d;
  if (!incomplete_.empty()) {
    d.action = replica_action::incomplete;
    d.why = incomplete_;
    return d;
  }
  if (b.seq < 1) {
    d.action = replica_action::stale;
    d.why = "batch seq " + std::to_string(b.seq) + " is not a sequence number";
    return d;
  }
  if (b.stream < stream_) {
    d.action = replica_action::stale;
    d.why = "stream " + std::to_string(b.stream) + " is older than the one followed ("
            + std::to_string(stream_) + ")";
    return d;
  }
  if (b.stream > stream_) {
    if (b.seq > 1)
      return ask(b.stream, 1, b.seq, now_mono);
    if (b.start != own) {
      d.action = replica_action::incomplete;
      d.why = "the journal of " + b.origin.value + " held " + b.start.str()
              + " when its stream " + std::to_string(b.stream) + " started; this replica holds "
              + own.str();
      return d;
    }
    d.action = replica_action::apply;
    d.new_stream = true;
    return d;
  }
  if (b.seq <= last_) {
    d.action = replica_action::duplicate;
    return d;
  }
  if (b.seq > last_ + 1)
    return ask(b.stream, last_ + 1, b.seq, now_mono);
  d.action = replica_action::apply;
  return d;
}

replica_decision replica_sequencer::on_gone(int64_t stream, int64_t from) {
  replica_decision d;
  if (stream < stream_ || (stream == stream_ && from <= last_)) {
    d.action = replica_action::stale; // an answer to an ask already settled
    return d;
  }
  d.action = replica_action::incomplete;
  d.why = "the origin no longer holds batches from " + std::to_string(from) + " of stream "
          + std::to_string(stream);
  return d;
}

void replica_sequencer::applied(int64_t stream, int64_t seq) {
  stream_ = stream;
  last_ = seq;
  if (asked_stream_ == stream && asked_from_ <= seq)
    asked_from_ = 0; // that ask is settled
}

} // namespace cwts::oms
