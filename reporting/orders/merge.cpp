#include "reporting/orders/merge.hpp"

#include <algorithm>
#include <tuple>

namespace cwts::report {

std::vector<order_event> merge_events(std::vector<std::vector<order_event>> sources,
                                      merge_stats* stats) {
  std::vector<order_event> all;
  for (auto& src : sources)
    all.insert(all.end(), std::make_move_iterator(src.begin()), std::make_move_iterator(src.end()));
  merge_stats counted;
  counted.in = static_cast<int64_t>(all.size());
  // Event time first; equal times in an order that does not depend on the
  // order the journals were named in.
  std::stable_sort(all.begin(), all.end(), [](const order_event& a, const order_event& b) {
    return std::tie(a.event_time.ns, a.node, a.journal, a.source, a.seq)
           < std::tie(b.event_time.ns, b.node, b.journal, b.source, b.seq);
  });
  // A duplicate has the same event time, so it sits among the events of that
  // time: compare within each run of equal times only.
  std::vector<order_event> out;
  out.reserve(all.size());
  size_t run_start = 0;
  for (auto& e : all) {
    if (!out.empty() && out.back().event_time.ns != e.event_time.ns)
      run_start = out.size();
    bool dup = std::any_of(out.begin() + static_cast<std::ptrdiff_t>(run_start), out.end(),
                           [&](const order_event& kept) { return same_record(kept, e); });
    if (dup) {
      ++counted.duplicates;
      continue;
    }
    out.push_back(std::move(e));
  }
  counted.out = static_cast<int64_t>(out.size());
  if (stats)
    *stats = counted;
  return out;
}

} // namespace cwts::report
