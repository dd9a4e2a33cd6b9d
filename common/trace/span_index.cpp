#include "common/trace/span_index.hpp"

#include <algorithm>

namespace cwts::trace {

void span_index::add(const span_record& r) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = spans_.find(r.trace);
  if (it == spans_.end()) {
    if (spans_.size() >= max_traces_)
      forget_oldest();
    it = spans_.emplace(r.trace, std::vector<span_record>{}).first;
    arrival_.push_back(r.trace);
  }
  if (it->second.size() >= max_spans_)
    return; // a trace that long is not an order's: its first spans are kept
  it->second.push_back(r);
  if (r.order_id_len > 0) {
    std::string order(r.order());
    auto range = orders_.equal_range(order);
    bool known = std::any_of(range.first, range.second,
                             [&](const auto& e) { return e.second == r.trace; });
    if (!known)
      orders_.emplace(std::move(order), r.trace);
  }
}

void span_index::forget_oldest() {
  auto oldest = arrival_.front();
  arrival_.pop_front();
  auto it = spans_.find(oldest);
  if (it == spans_.end())
    return;
  for (auto& s : it->second) {
    if (s.order_id_len == 0)
      continue;
    auto range = orders_.equal_range(std::string(s.order()));
    for (auto o = range.first; o != range.second;) {
      if (o->second == oldest)
        o = orders_.erase(o);
      else
        ++o;
    }
  }
  spans_.erase(it);
}

std::vector<span_record> span_index::by_order(std::string_view order_id) const {
  std::lock_guard<std::mutex> guard(mutex_);
  std::vector<span_record> out;
  auto range = orders_.equal_range(std::string(order_id));
  for (auto o = range.first; o != range.second; ++o)
    if (auto it = spans_.find(o->second); it != spans_.end())
      out.insert(out.end(), it->second.begin(), it->second.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const span_record& a, const span_record& b) { return a.start_ns < b.start_ns; });
  return out;
}

size_t span_index::traces() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return spans_.size();
}

} // namespace cwts::trace
