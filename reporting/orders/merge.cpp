#include "reporting/orders/merge.hpp"

#include <algorithm>
#include <optional>
#include <tuple>

namespace cwts::report {

namespace {

// The events of one event time read so far. Rows of one journal are always
// separate events, even two that say the same in one ns; a record is a
// duplicate when another file's copy of it was kept already: one to one, so
// a journal's two equal rows need two equal kept rows to be dropped.
class run_dedup {
public:
  // True: keep `e`; false: a duplicate.
  bool keep(const order_event& e) {
    if (!seen_.empty() && seen_.front().first.event_time.ns != e.event_time.ns)
      seen_.clear();
    int64_t kept_equal = 0, read_from_its_journal = 0;
    for (auto& [s, kept] : seen_)
      if (same_record(s, e)) {
        kept_equal += kept ? 1 : 0;
        read_from_its_journal += s.journal == e.journal ? 1 : 0;
      }
    bool k = kept_equal <= read_from_its_journal;
    seen_.emplace_back(e, k);
    return k;
  }

private:
  std::vector<std::pair<order_event, bool>> seen_;
};

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
  run_dedup run;
  for (auto& e : all) {
    if (!run.keep(e)) {
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
  run_dedup run; // a duplicate has the same event time
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
    if (!run.keep(e)) {
      ++counted.duplicates;
      continue;
    }
    sink(e);
    ++counted.out;
  }
  if (stats)
    *stats = counted;
  return why;
}

} // namespace cwts::report
