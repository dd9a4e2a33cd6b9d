#pragma once
// A venue-side dead-man's switch: an account arms a countdown and refreshes
// it by arming again; when it runs out, the venue cancels every order of the
// account (OKX's cancel-all-after, Kraken's CancelAllOrdersAfter). One
// timer per account (the map is bounded by the key store). The surfaces
// check their own timeout ranges; this only keeps the deadlines.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cwts::venue {

class dead_man_timer {
public:
  // Arms (or re-arms) the account's timer; returns the trigger time in ms.
  int64_t arm(const std::string& account, int64_t timeout_s, int64_t now_ms);
  void disarm(const std::string& account) { deadlines_.erase(account); }
  // The accounts whose timer ran out by `now_ms`, disarmed.
  std::vector<std::string> expire(int64_t now_ms);
  std::optional<int64_t> deadline(const std::string& account) const;
  size_t armed() const { return deadlines_.size(); }
  uint64_t fired() const { return fired_; }

private:
  std::map<std::string, int64_t> deadlines_;
  uint64_t fired_ = 0;
};

} // namespace cwts::venue
