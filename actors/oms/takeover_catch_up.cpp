#include "actors/oms/takeover_catch_up.hpp"

#include <algorithm>
#include <map>

#include "actors/oms/reconciler.hpp"

namespace cwts::oms {

timestamp_ns catch_up_since(timestamp_ns last_journal_event, timestamp_ns baseline_at,
                            const catch_up_limits& limits) {
  auto from = std::max(last_journal_event.ns - limits.margin_ns, baseline_at.ns);
  return timestamp_ns{std::max<int64_t>(from, 0)};
}

catch_up_plan plan_catch_up(const order_store& store, const journaled_fn& journaled,
                            const std::vector<venue_order_state>& history,
                            const std::vector<venue_order_state>& open, const venue_name& venue,
                            timestamp_ns since, int32_t page) {
  catch_up_plan plan;
  std::map<symbol, int32_t> per_symbol;
  std::map<std::string, bool> seen; // a venue answering an order twice recovers it once
  for (const auto& v : history) {
    if (page > 0 && ++per_symbol[v.sym] >= page)
      plan.page_full = true;
    if (v.update_time < since || !seen.emplace(v.id.value, true).second)
      continue;
    bool listed_open = std::any_of(open.begin(), open.end(),
                                   [&](const venue_order_state& o) { return o.id == v.id; });
    if (listed_open)
      continue;
    if (const auto* rec = store.find(v.id)) {
      if (rec->is_live())
        continue;
      if (v.executed_qty > rec->cum_qty)
        plan.contradictions.push_back("order " + v.id.value + ": the journal has it ended with "
                                      + rec->cum_qty.to_string() + " filled, the venue executed "
                                      + v.executed_qty.to_string());
      continue;
    }
    if (!is_terminal(v.status) || (journaled && journaled(v.id)))
      continue; // open: the reconciler adopts it from the open list; journaled: counted

    // With the venue's times, not ours: a report of the recovery keeps when
    // the fill happened.
    plan.recovered.push_back(
      venue_order_record(v, venue, v.update_time, "recovered from the venue at a takeover"));
    if (v.executed_qty.is_positive())
      ++plan.recovered_fills;
  }
  std::stable_sort(plan.recovered.begin(), plan.recovered.end(),
                   [](const order_record& a, const order_record& b) {
                     return a.last_update < b.last_update;
                   });
  return plan;
}

} // namespace cwts::oms
