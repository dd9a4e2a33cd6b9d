#pragma once
// Refused commands are counted and sampled, not each written and synced
// (issue 17 finding 10: 100 POSTs from an unknown issuer grew an audit log
// from 24 KB to 3.2 MB in 0.7 s, an fsync each). Per window (a minute by
// default) and reason, the first `per_reason` refusals are written in full;
// the rest are only counted, and when the window closes one summary record
// per reason says how many were left out. Reasons are classes ("unknown
// issuer", not "unknown issuer 'x'"), and at most `max_reasons` classes are
// kept per window (the rest share "other"), so an attacker who varies the
// text cannot grow the map. A valid command never passes through here: it
// is always written and synced. CAF-free.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cwts {

struct refusal_sampler_config {
  int64_t per_reason = 10;
  int64_t window_ns = 60'000'000'000;
  std::size_t max_reasons = 32;
};

struct refusal_summary {
  std::string reason; // the class
  int64_t seen = 0;   // refusals of that class in the window
  int64_t written = 0;
  int64_t window_start_ns = 0;
  int64_t window_end_ns = 0;
};

// "unknown issuer 'mallory'" -> "unknown issuer": cut at the first quote,
// colon, digit or parenthesis, trimmed, at most 48 characters.
std::string refusal_class(const std::string& reason);

class refusal_sampler {
public:
  explicit refusal_sampler(refusal_sampler_config cfg = {}) : cfg_(cfg) {}

  // Closes the window when it has passed: the summaries of the classes with
  // refusals left out (to be written), and a fresh window from `now_ns`.
  std::vector<refusal_summary> roll(int64_t now_ns);
  // Counts one refusal of `reason` (call roll first); true when it is to be
  // written in full.
  bool admit(const std::string& reason, int64_t now_ns);

  int64_t total_seen() const { return total_seen_; }
  int64_t total_suppressed() const { return total_suppressed_; }
  bool suppressing() const { return suppressed_in_window_ > 0; }

private:
  struct tally {
    int64_t seen = 0;
    int64_t written = 0;
  };
  refusal_sampler_config cfg_;
  int64_t window_start_ = -1;
  std::map<std::string, tally> tallies_;
  int64_t total_seen_ = 0;
  int64_t total_suppressed_ = 0;
  int64_t suppressed_in_window_ = 0;
};

} // namespace cwts
