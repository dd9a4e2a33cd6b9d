#pragma once
// OKX's cancel-all-after (POST /api/v5/trade/cancel-all-after): an account
// arms a countdown of timeOut seconds (10..120; "0" disarms) and refreshes
// it by calling again; when it runs out, every order of the account is
// canceled. One timer per account (the map is bounded by the key store).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cwts::venue {

inline constexpr int64_t okx_dead_man_min_s = 10;
inline constexpr int64_t okx_dead_man_max_s = 120;

class okx_dead_man {
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
