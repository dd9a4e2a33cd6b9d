// The OMS's answer to the strategy's resync query (issue 24): "not yet" until
// every venue asked about is reconciled, then exactly the live orders of the
// strategies asked for at those venues; a malformed query is refused.
#define CAF_SUITE strategy_open_orders_query
#include "tests/support/unit_test.hpp"

#include <map>
#include <string>
#include <vector>

#include "actors/oms/open_orders_query.hpp"

using namespace cwts;

namespace {

const venue_name binance{"binance"};
const venue_name okx{"okx"};
const node_id tr1{"tr1"};

restored_order live(const std::string& id, const std::string& strategy, const venue_name& v) {
  restored_order o;
  o.request.id = client_order_id{id};
  o.request.strategy = strategy_id{strategy};
  o.request.venue = v;
  o.request.sym = *symbol::parse("USDCHF");
  o.acknowledged = true;
  return o;
}

open_orders_query query(std::vector<std::string> strategies, std::vector<venue_name> venues) {
  open_orders_query q;
  q.round = 7;
  for (auto& s : strategies)
    q.strategies.push_back(strategy_id{s});
  q.venues = std::move(venues);
  return q;
}

std::vector<std::string> ids(const open_orders_answer& a) {
  std::vector<std::string> out;
  for (auto& o : a.orders)
    out.push_back(o.request.id.value);
  return out;
}

} // namespace

CAF_TEST(not_yet_while_an_asked_venue_is_reconciling_or_unknown) {
  std::vector<restored_order> orders{live("a", "mm-1", binance)};
  auto a = oms::answer_open_orders(query({"mm-1"}, {binance}), tr1, {binance},
                                   {{binance, "reconciling: waiting for the snapshot"}}, "", orders);
  CAF_CHECK(!a.reconciled);
  CAF_CHECK(!a.refused);
  CAF_CHECK(a.orders.empty()); // never a partial picture
  CAF_CHECK_EQUAL(a.round, 7u);
  CAF_CHECK_EQUAL(a.oms_node, tr1);
  CAF_CHECK(a.detail.find("binance: reconciling: waiting for the snapshot") != std::string::npos);
  // A venue the OMS has no link to yet (no connector in its directory).
  a = oms::answer_open_orders(query({"mm-1"}, {binance, okx}), tr1, {binance}, {}, "", orders);
  CAF_CHECK(!a.reconciled);
  CAF_CHECK(a.detail.find("okx: no connector yet") != std::string::npos);
}

// A node without the trading lease (a standby, or before the first grant)
// sends no order: its strategy waits instead of collecting refusals.
CAF_TEST(not_yet_while_the_oms_cannot_send_at_all) {
  std::vector<restored_order> orders{live("a", "mm-1", binance)};
  auto a = oms::answer_open_orders(query({"mm-1"}, {binance}), tr1, {binance}, {},
                                   "no trading lease of role 'oms' held now", orders);
  CAF_CHECK(!a.reconciled);
  CAF_CHECK(a.orders.empty());
  CAF_CHECK(a.detail.find("no trading lease") != std::string::npos);
}

CAF_TEST(a_venue_not_asked_about_does_not_hold_the_answer) {
  std::vector<restored_order> orders{live("a", "mm-1", binance), live("b", "mm-1", okx)};
  auto a = oms::answer_open_orders(query({"mm-1"}, {binance}), tr1, {binance, okx},
                                   {{okx, "reconciling: connector restarted"}}, "", orders);
  CAF_CHECK(a.reconciled);
  CAF_CHECK_EQUAL(ids(a), std::vector<std::string>{"a"});
}

CAF_TEST(once_reconciled_only_the_asked_strategies_orders_at_the_asked_venues) {
  std::vector<restored_order> orders{live("a", "mm-1", binance), live("b", "mm-2", binance),
                                     live("c", "other", binance), live("d", "mm-1", okx)};
  auto a = oms::answer_open_orders(query({"mm-1", "mm-2"}, {binance}), tr1, {binance, okx}, {},
                                   "", orders);
  CAF_CHECK(a.reconciled);
  CAF_CHECK(a.detail.empty());
  CAF_CHECK_EQUAL(ids(a), (std::vector<std::string>{"a", "b"}));
  // Nothing live: a reconciled, empty answer (every quote is gone).
  a = oms::answer_open_orders(query({"mm-1"}, {binance}), tr1, {binance}, {}, "", {});
  CAF_CHECK(a.reconciled);
  CAF_CHECK(a.orders.empty());
}

CAF_TEST(a_malformed_query_is_refused_with_a_reason) {
  auto a = oms::answer_open_orders(query({}, {binance}), tr1, {binance}, {}, "", {});
  CAF_CHECK(a.refused);
  CAF_CHECK(!a.reconciled);
  CAF_CHECK(a.detail.find("at least one strategy") != std::string::npos);
  std::vector<std::string> many(open_orders_query_max_ids + 1, "mm");
  a = oms::answer_open_orders(query(many, {binance}), tr1, {binance}, {}, "", {});
  CAF_CHECK(a.refused);
  CAF_CHECK(a.detail.find("at most 1024") != std::string::npos);
  a = oms::answer_open_orders(query({"mm-1"}, {venue_name{}}), tr1, {binance}, {}, "", {});
  CAF_CHECK(a.refused);
  CAF_CHECK(a.detail.find("empty venue") != std::string::npos);
}
