#include "reporting/orders/merge.hpp"

#include <algorithm>
#include <optional>
#include <tuple>

namespace cwts::report {

namespace {

bool merge_before(const order_event& a, const order_event& b) {
  return std::tie(a.event_time.ns, a.node, a.journal, a.source, a.seq)
         < std::tie(b.event_time.ns, b.node, b.journal, b.source, b.seq);
}

} // namespace

std::vector<order_event> merge_events(std::vector<std::vector<order_event>> sources,
                                      merge_stats* stats) {
  std::vector<order_event> all;
  for (auto& src : sources)
    all.insert(all.end(), std::make_move_iterator(src.begin()), std::make_move_iterator(src.end()));
  merge_stats counted;
  counted.in = static_cast<int64_t>(all.size());
  // Event time first; equal times in an order that does not depend on the
  // order the journals were named in.
  std::stable_sort(all.begin(), all.end(), merge_before);
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

std::string merge_cursors(std::vector<journal_cursor>& cursors,
                          const std::function<void(const order_event&)>& sink,
                          merge_stats* stats) {
  merge_stats counted;
  std::vector<std::optional<order_event>> heads(cursors.size());
  auto refill = [&](size_t i) {
    order_event e;
    heads[i].reset();
    if (cursors[i].next(e))
      heads[i] = std::move(e);
    return cursors[i].error();
  };
  std::string why;
  for (size_t i = 0; i < cursors.size() && why.empty(); ++i)
    why = refill(i);
  // The kept events of the current event time: a duplicate has the same time.
  std::vector<order_event> run;
  while (why.empty()) {
    // Few journals (one per node that held the OMS): a scan beats a heap.
    size_t best = heads.size();
    for (size_t i = 0; i < heads.size(); ++i)
      if (heads[i] && (best == heads.size() || merge_before(*heads[i], *heads[best])))
        best = i;
    if (best == heads.size())
      break;
    order_event e = std::move(*heads[best]);
    why = refill(best);
    ++counted.in;
    if (!run.empty() && run.front().event_time.ns != e.event_time.ns)
      run.clear();
    if (std::any_of(run.begin(), run.end(), [&](const order_event& k) { return same_record(k, e); })) {
      ++counted.duplicates;
      continue;
    }
    sink(e);
    ++counted.out;
    run.push_back(std::move(e));
  }
  if (stats)
    *stats = counted;
  return why;
}

} // namespace cwts::report
