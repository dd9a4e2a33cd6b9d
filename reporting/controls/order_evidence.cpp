#include "reporting/controls/order_evidence.hpp"

#include <algorithm>
#include <set>

#include "reporting/controls/risk_evidence.hpp"

namespace cwts::report {

namespace {

bool rejected_by_us(const order_event& e) {
  return e.type == order_event_type::rejected && e.rejected_by == "cwts";
}

// Orders refused before `reason` is tested never reached it.
int64_t refused_before(const std::string& reason, const std::map<std::string, int64_t>& by_reason) {
  int64_t n = 0;
  for (auto& r : check_order()) {
    if (r == reason)
      return n;
    auto i = by_reason.find(r);
    n += i == by_reason.end() ? 0 : i->second;
  }
  return n;
}

// A rejects_suppressed row (risk's per-rule rate limit on what it
// journals, docs/reporting.md) stands for the count its text starts with.
int64_t suppressed_count(const order_event& e) {
  if (e.type != order_event_type::rejects_suppressed)
    return 0;
  int64_t n = 0;
  size_t i = 0;
  for (; i < e.text.size() && i < 18 && e.text[i] >= '0' && e.text[i] <= '9'; ++i)
    n = n * 10 + (e.text[i] - '0');
  return i > 0 && i < e.text.size() && e.text[i] == ' ' ? n : 0;
}

} // namespace

void count_orders(const std::vector<order_event>& events, controls_report& report) {
  report.orders_known = true;
  std::set<std::string> reached; // client order ids that came to the gate
  int64_t suppressed = 0;        // refused orders journaled only as a count
  std::map<std::string, int64_t> by_reason;
  for (auto& e : events) {
    bool ours = rejected_by_us(e);
    int64_t n = ours ? 1 : suppressed_count(e);
    if (e.type == order_event_type::new_order || e.type == order_event_type::replaced || ours)
      reached.insert(e.id.value);
    if (n == 0)
      continue;
    if (!ours)
      suppressed += n;
    report.rejected_by_us += n;
    auto rule = e.reject_rule.empty() ? std::string("unspecified") : e.reject_rule;
    by_reason[rule] += n;
    auto& hours = report.rejects_hourly[rule];
    hours.resize(24, 0);
    auto hour = (e.event_time.ns - report.from_ns) / 3'600'000'000'000LL;
    if (hour >= 0 && hour < 24)
      hours[static_cast<size_t>(hour)] += n;
    if (report.rejects.size() < max_listed_rejects)
      report.rejects.push_back({e.event_time.ns, e.id.value, rule, e.text, e.sym.str(),
                                e.account.value, e.strategy.value, e.venue.value});
  }
  report.orders_checked = static_cast<int64_t>(reached.size()) + suppressed;
  std::set<std::string> claimed;
  for (auto& c : report.controls) {
    if (c.reasons.empty())
      continue; // acts through a kill, not on single orders
    std::string first = c.reasons.front();
    for (auto& r : c.reasons)
      if (std::find(check_order().begin(), check_order().end(), r)
          < std::find(check_order().begin(), check_order().end(), first))
        first = r;
    c.checked = report.orders_checked - refused_before(first, by_reason);
    for (auto& r : c.reasons) {
      claimed.insert(r);
      auto i = by_reason.find(r);
      if (i != by_reason.end())
        c.rejected[r] = i->second;
    }
  }
  for (auto& [r, n] : by_reason)
    if (!claimed.count(r))
      report.other_rejects[r] = n;
}

} // namespace cwts::report
