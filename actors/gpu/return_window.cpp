#include "actors/gpu/return_window.hpp"

#include <algorithm>
#include <cmath>

namespace cwts::gpu {

const char* to_string(return_window::verdict v) {
  switch (v) {
    case return_window::verdict::accepted: return "accepted";
    case return_window::verdict::unknown_symbol: return "unknown_symbol";
    case return_window::verdict::bad_price: return "bad_price";
    case return_window::verdict::late: return "late";
  }
  return "unknown";
}

return_window::return_window(std::vector<symbol> symbols, int64_t bucket_ns, size_t window)
  : symbols_(std::move(symbols)),
    bucket_ns_(std::max<int64_t>(1, bucket_ns)),
    window_(std::max<size_t>(2, window)),
    last_(symbols_.size(), 0.0),
    closes_(symbols_.size()) {
}

return_window::verdict return_window::on_trade(const symbol& sym, double px, int64_t ts_ns) {
  auto it = std::find(symbols_.begin(), symbols_.end(), sym);
  verdict v = verdict::accepted;
  if (it == symbols_.end())
    v = verdict::unknown_symbol;
  else if (!std::isfinite(px) || px <= 0)
    v = verdict::bad_price;
  else if (ts_ns / bucket_ns_ < open_bucket_)
    v = verdict::late;
  ++counts_[static_cast<size_t>(v)];
  if (v != verdict::accepted)
    return v;
  close_until(ts_ns / bucket_ns_);
  last_[static_cast<size_t>(it - symbols_.begin())] = px;
  return v;
}

void return_window::advance(int64_t now_ns) {
  close_until(now_ns / bucket_ns_);
}

void return_window::close_until(int64_t bucket) {
  if (open_bucket_ < 0) {
    open_bucket_ = bucket;
    return;
  }
  // More buckets than the window holds: only the last window + 1 matter.
  auto to_close = std::min<int64_t>(bucket - open_bucket_, static_cast<int64_t>(window_ + 1));
  for (int64_t b = 0; b < to_close; ++b)
    for (size_t i = 0; i < symbols_.size(); ++i) {
      closes_[i].push_back(last_[i]);
      if (closes_[i].size() > window_ + 1)
        closes_[i].pop_front();
    }
  open_bucket_ = std::max(open_bucket_, bucket);
}

size_t return_window::ready() const {
  size_t known = window_ + 1;
  for (auto& c : closes_) {
    size_t k = 0; // closes known, counted from the newest
    for (auto it = c.rbegin(); it != c.rend() && *it > 0; ++it)
      ++k;
    known = std::min(known, k);
  }
  return known == 0 ? 0 : known - 1;
}

std::vector<double> return_window::returns(size_t w) const {
  std::vector<double> out(symbols_.size() * w);
  for (size_t i = 0; i < symbols_.size(); ++i) {
    auto& c = closes_[i];
    size_t first = c.size() - w - 1;
    for (size_t t = 0; t < w; ++t)
      out[i * w + t] = std::log(c[first + t + 1] / c[first + t]);
  }
  return out;
}

} // namespace cwts::gpu
