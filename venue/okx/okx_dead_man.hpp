#pragma once
// OKX's cancel-all-after (POST /api/v5/trade/cancel-all-after): an account
// arms a countdown of timeOut seconds (10..120; "0" disarms) and refreshes
// it by calling again; when it runs out, every order of the account is
// canceled. The timer itself is the venue's shared dead_man_timer.

#include <cstdint>

#include "venue/dead_man_timer.hpp"

namespace cwts::venue {

inline constexpr int64_t okx_dead_man_min_s = 10;
inline constexpr int64_t okx_dead_man_max_s = 120;

using okx_dead_man = dead_man_timer;

} // namespace cwts::venue
