#include "actors/oms/open_orders_query.hpp"

#include <algorithm>
#include <set>

namespace cwts::oms {

namespace {

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

} // namespace

std::string open_orders_query_refusal(const open_orders_query& q) {
  if (q.strategies.empty() || q.venues.empty())
    return "a query names at least one strategy and one venue";
  if (q.strategies.size() > open_orders_query_max_ids || q.venues.size() > open_orders_query_max_ids)
    return "a query names at most " + std::to_string(open_orders_query_max_ids)
           + " strategies and as many venues";
  for (const auto& s : q.strategies)
    if (s.empty())
      return "an empty strategy id";
  for (const auto& v : q.venues)
    if (v.empty())
      return "an empty venue name";
  return {};
}

open_orders_answer answer_open_orders(const open_orders_query& q, const node_id& self,
                                      const std::vector<venue_name>& known,
                                      const std::map<venue_name, std::string>& not_ready,
                                      const std::string& cannot_send,
                                      const std::vector<restored_order>& live) {
  open_orders_answer a;
  a.round = q.round;
  a.oms_node = self;
  if (auto why = open_orders_query_refusal(q); !why.empty()) {
    a.refused = true;
    a.detail = "refused: " + why;
    return a;
  }
  // Not yet: a venue still reconciling may hold orders the venue already
  // ended, or miss fills sent while no OMS listened.
  for (const auto& v : q.venues) {
    std::string why;
    if (!contains(known, v))
      why = "no connector yet";
    else if (auto i = not_ready.find(v); i != not_ready.end())
      why = i->second;
    else
      continue;
    a.detail += (a.detail.empty() ? "" : "; ") + v.value + ": " + why;
  }
  if (!cannot_send.empty())
    a.detail += (a.detail.empty() ? "" : "; ") + cannot_send;
  if (!a.detail.empty())
    return a;
  a.reconciled = true;
  std::set<strategy_id> strategies(q.strategies.begin(), q.strategies.end());
  std::set<venue_name> venues(q.venues.begin(), q.venues.end());
  for (const auto& o : live)
    if (strategies.count(o.request.strategy) && venues.count(o.request.venue))
      a.orders.push_back(o);
  return a;
}

} // namespace cwts::oms
