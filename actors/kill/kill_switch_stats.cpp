// kill_switch's per-path counting and its locked read accessors
// (kill_switch.hpp); the decisions are in kill_switch.cpp.

#include "actors/kill/kill_switch.hpp"

namespace cwts {

const char* to_string(kill_path p) {
  switch (p) {
    case kill_path::request: return "request";
    case kill_path::caf: return "caf";
    case kill_path::fanout: return "fanout";
  }
  return "?";
}

// A refusal's class: its text up to the first quote, colon or digit
// ("bad signature", "kill is for cluster"), so the map stays small; at most
// 32 classes, the rest under "other".
void kill_switch::count_refusal(kill_path_stats& p, const std::string& reason) {
  ++p.refused;
  auto end = reason.find_first_of(":'(0123456789");
  std::string cls = reason.substr(0, end == std::string::npos ? reason.size() : end);
  while (!cls.empty() && cls.back() == ' ')
    cls.pop_back();
  for (auto& ch : cls)
    if (ch == ' ' || ch == '=' || ch == '"')
      ch = '_';
  if (cls.empty() || (!p.refused_by.count(cls) && p.refused_by.size() >= 32))
    cls = "other";
  ++p.refused_by[cls];
}

std::vector<kill_command> kill_switch::pending() const {
  std::lock_guard<std::mutex> g(mtx_);
  return pending_;
}

std::vector<scoped_halt> kill_switch::scoped_halts() const {
  std::lock_guard<std::mutex> g(mtx_);
  return scoped_;
}

uint64_t kill_switch::apply_seq() const {
  std::lock_guard<std::mutex> g(mtx_);
  return apply_seq_;
}

kill_id kill_switch::last_applied() const {
  std::lock_guard<std::mutex> g(mtx_);
  return last_applied_;
}

int64_t kill_switch::last_applied_wall_ns() const {
  std::lock_guard<std::mutex> g(mtx_);
  return last_applied_wall_ns_;
}

reset_preconditions kill_switch::vote_preconditions(const reset_command& cmd,
                                                    uint64_t& seen_seq) const {
  std::lock_guard<std::mutex> g(mtx_);
  seen_seq = apply_seq_;
  reset_preconditions p;
  p.halted = !gate_.is_open();
  p.halted_for_ns = wall_clock_now().ns - since_.ns;
  p.own_epoch = epoch_;
  p.proposed_epoch = cmd.epoch;
  p.halt_cause = cause_;
  p.halted_since_ns = since_.ns;
  p.reset_halt_cause = cmd.halt_cause;
  p.reset_issued_at_ns = cmd.issued_at.ns;
  // Restored from the halt state after a restart (restore): a kill applied
  // before the crash still counts (docs/model.md finding M1).
  p.last_kill = last_applied_;
  p.last_kill_ns = last_applied_wall_ns_;
  return p;
}

int64_t kill_switch::epoch() const {
  std::lock_guard<std::mutex> g(mtx_);
  return epoch_;
}

uint64_t kill_switch::rejected_count() const {
  std::lock_guard<std::mutex> g(mtx_);
  return rejected_;
}

uint64_t kill_switch::applied_count() const {
  std::lock_guard<std::mutex> g(mtx_);
  return applied_;
}

uint64_t kill_switch::duplicate_count() const {
  std::lock_guard<std::mutex> g(mtx_);
  return duplicates_;
}

uint64_t kill_switch::equivocation_count() const {
  std::lock_guard<std::mutex> g(mtx_);
  return equivocations_;
}

uint64_t kill_switch::pending_count() const {
  std::lock_guard<std::mutex> g(mtx_);
  return pending_seen_;
}

size_t kill_switch::records() const {
  std::lock_guard<std::mutex> g(mtx_);
  return kills_.size();
}

std::string kill_switch::last_rejection() const {
  std::lock_guard<std::mutex> g(mtx_);
  return last_rejection_;
}

kill_path_stats kill_switch::path_stats(kill_path p) const {
  std::lock_guard<std::mutex> g(mtx_);
  return paths_[static_cast<size_t>(p)];
}

} // namespace cwts
