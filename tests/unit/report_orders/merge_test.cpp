#define CAF_SUITE report_orders_merge
#include "tests/support/unit_test.hpp"

#include "reporting/orders/merge.hpp"

using namespace cwts;
using namespace cwts::report;

namespace {

order_event ev(const std::string& node, const std::string& id, int64_t t, order_event_type type,
               int64_t seq) {
  order_event e;
  e.type = type;
  e.event_time = timestamp_ns{t};
  e.node = node;
  e.id.value = id;
  e.sym = *symbol::parse("BTCUSDT");
  e.quantity = *qty::parse("1");
  e.journal = "/run/" + node + "/oms.sqlite";
  e.source = "events";
  e.seq = seq;
  return e;
}

std::string order_of(const std::vector<order_event>& v) {
  std::string out;
  for (auto& e : v)
    out += e.node + ":" + e.id.value + ":" + to_string(e.type) + " ";
  return out;
}

} // namespace

// Node a held the OMS until t=20, node b from t=15 (overlap during failover).
CAF_TEST(two_journals_with_overlapping_times_merge_into_one_time_line) {
  std::vector<order_event> a{ev("a", "o1", 10, order_event_type::new_order, 1),
                             ev("a", "o1", 20, order_event_type::accepted, 2),
                             ev("a", "o2", 30, order_event_type::new_order, 3)};
  std::vector<order_event> b{ev("b", "o1", 15, order_event_type::filled, 1),
                             ev("b", "o3", 20, order_event_type::new_order, 2),
                             ev("b", "o3", 40, order_event_type::canceled, 3)};
  merge_stats st;
  auto merged = merge_events({a, b}, &st);
  CAF_CHECK_EQUAL(order_of(merged), "a:o1:new b:o1:filled a:o1:accepted b:o3:new a:o2:new "
                                    "b:o3:canceled ");
  CAF_CHECK_EQUAL(st.in, 6);
  CAF_CHECK_EQUAL(st.duplicates, 0);
  CAF_CHECK_EQUAL(st.out, 6);
  // The journals' order on the command line does not change the result.
  CAF_CHECK_EQUAL(order_of(merge_events({b, a})), order_of(merged));
}

CAF_TEST(equal_times_tie_break_on_node_journal_source_and_seq) {
  auto x = ev("b", "o1", 5, order_event_type::new_order, 2);
  auto y = ev("a", "o2", 5, order_event_type::new_order, 9);
  auto z = ev("a", "o3", 5, order_event_type::new_order, 1);
  CAF_CHECK_EQUAL(order_of(merge_events({{x}, {y}, {z}})), "a:o3:new a:o2:new b:o1:new ");
}

// The same journal named twice, or an archived copy next to the live file:
// every record once.
CAF_TEST(exact_duplicates_from_two_copies_are_removed_once) {
  std::vector<order_event> live{ev("a", "o1", 10, order_event_type::new_order, 1),
                                ev("a", "o1", 11, order_event_type::accepted, 2)};
  auto copy = live;
  for (auto& e : copy)
    e.journal = "/archive/oms.sqlite";
  merge_stats st;
  auto merged = merge_events({live, copy}, &st);
  CAF_CHECK_EQUAL(order_of(merged), "a:o1:new a:o1:accepted ");
  CAF_CHECK_EQUAL(st.duplicates, 2);
  CAF_CHECK_EQUAL(st.out, 2);
}

// Two events at the same time that differ in what they say are both kept
// (two partial fills in one nanosecond), and so is one that differs only in
// its node (written by two nodes: both are evidence).
CAF_TEST(records_that_differ_in_content_are_never_merged_away) {
  auto f1 = ev("a", "o1", 10, order_event_type::partially_filled, 1);
  f1.fill_qty = *qty::parse("0.1");
  auto f2 = ev("a", "o1", 10, order_event_type::partially_filled, 2);
  f2.fill_qty = *qty::parse("0.2");
  auto other_node = ev("b", "o1", 10, order_event_type::partially_filled, 7);
  other_node.fill_qty = *qty::parse("0.1");
  merge_stats st;
  auto merged = merge_events({{f1, f2}, {other_node}}, &st);
  CAF_CHECK_EQUAL(merged.size(), 3u);
  CAF_CHECK_EQUAL(st.duplicates, 0);
}

// Review R1 L1: two rows of one journal that say the same at the same ns are
// two events (two equal fills in one nanosecond), never a duplicate; a copy
// of the file still is.
CAF_TEST(identical_rows_of_one_journal_are_both_kept) {
  auto f1 = ev("a", "o1", 10, order_event_type::partially_filled, 1);
  f1.fill_qty = *qty::parse("0.1");
  auto f2 = f1;
  f2.seq = 2;
  auto copy = f1;
  copy.journal = "/archive/oms.sqlite";
  merge_stats st;
  auto merged = merge_events({{f1, f2}, {copy}}, &st);
  CAF_CHECK_EQUAL(merged.size(), 2u);
  CAF_CHECK_EQUAL(st.duplicates, 1);
  // A whole copy of the file (both rows): still two events, two duplicates.
  auto copy2 = f2;
  copy2.journal = copy.journal;
  merged = merge_events({{f1, f2}, {copy, copy2}}, &st);
  CAF_CHECK_EQUAL(merged.size(), 2u);
  CAF_CHECK_EQUAL(st.duplicates, 2);
}
