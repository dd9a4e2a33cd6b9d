#pragma once
// Validated trades -> aligned log returns (docs/gpu.md "Input"): time is cut
// into fixed buckets of `bucket_ns`; a bucket's close is the last trade
// price of the symbol in it, or the previous close when it did not trade
// (the price did not move as far as we know). Every symbol closes on the
// same bucket boundaries, so returns line up across symbols. The newest
// `window + 1` closes give `window` returns ln(p_t / p_{t-1}).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "messages/symbol.hpp"

namespace cwts::gpu {

class return_window {
public:
  return_window(std::vector<symbol> symbols, int64_t bucket_ns, size_t window);

  enum class verdict : uint8_t { accepted, unknown_symbol, bad_price, late };
  // `ts_ns` in the same clock as advance(). A trade for a bucket already
  // closed is late (counted, not applied: closes are final).
  verdict on_trade(const symbol& sym, double px, int64_t ts_ns);

  // Closes every bucket that ended by `now_ns`.
  void advance(int64_t now_ns);

  // Returns that every symbol has (all of their closes known), at most window.
  size_t ready() const;
  // Row-major N x w log returns of the newest w closes; w <= ready().
  std::vector<double> returns(size_t w) const;
  // The symbol's latest price (last trade), 0 when it never traded.
  double last_price(size_t i) const { return last_[i]; }

  const std::vector<symbol>& symbols() const { return symbols_; }
  size_t window() const { return window_; }
  int64_t bucket_ns() const { return bucket_ns_; }
  uint64_t count(verdict v) const { return counts_[static_cast<size_t>(v)]; }

private:
  void close_until(int64_t bucket);

  std::vector<symbol> symbols_;
  int64_t bucket_ns_;
  size_t window_;
  int64_t open_bucket_ = -1;                // the bucket trades go into now
  std::vector<double> last_;                // per symbol; 0 = none yet
  std::vector<std::deque<double>> closes_;  // per symbol, newest at back; 0 = unknown
  uint64_t counts_[4] = {0, 0, 0, 0};
};

const char* to_string(return_window::verdict v);

} // namespace cwts::gpu
