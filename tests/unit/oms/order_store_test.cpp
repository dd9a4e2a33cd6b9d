#define CAF_SUITE oms_order_store
#include "tests/support/unit_test.hpp"

#include <regex>
#include <set>
#include <stdexcept>

#include "actors/oms/client_order_id_generator.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"

using namespace cwts;
using namespace cwts::oms;
using namespace cwts::oms::testing;

CAF_TEST_FIXTURE_SCOPE(order_store_tests, oms_fixture)

CAF_TEST(submit_registers_pending_new_and_refuses_duplicate_ids) {
  CAF_CHECK(!store.submit(order("a"), tick()).has_value());
  CAF_CHECK_EQUAL(store.count(order_status::pending_new), 1u);
  auto rej = store.submit(order("a"), tick());
  CAF_REQUIRE(rej.has_value());
  reject_reason reason = rej->reason;
  CAF_CHECK_EQUAL(std::string(to_string(reason)),
                  to_string(reject_reason::duplicate_client_order_id));
  CAF_CHECK_EQUAL(store.size(), 1u);
}

CAF_TEST(duplicate_id_reject_leaves_the_original_order_alone) {
  drive_to("a", order_status::accepted);
  auto rej = store.submit(order("a"), tick());
  CAF_REQUIRE(rej.has_value());
  auto u = store.apply(*rej);
  CAF_CHECK_EQUAL(to_string(u.outcome), std::string("duplicate"));
  CAF_CHECK(status_of("a") == order_status::accepted);
}

CAF_TEST(live_orders_include_in_flight_and_leave_when_terminal) {
  drive_to("a", order_status::pending_new);
  drive_to("b", order_status::accepted);
  auto c = order("c");
  c.sym = *symbol::parse("ETHUSDT");
  store.submit(c, tick());
  CAF_CHECK_EQUAL(store.live_orders().size(), 3u);
  CAF_CHECK_EQUAL(store.live_orders(*symbol::parse("BTCUSDT")).size(), 2u);
  CAF_CHECK_EQUAL(store.live_orders().front()->request.id.value, "a");
  store.apply(report("b", order_status::filled, "1", "1"));
  CAF_CHECK_EQUAL(store.live_orders(*symbol::parse("BTCUSDT")).size(), 1u);
  CAF_CHECK_EQUAL(store.count(order_status::accepted), 0u);
  CAF_CHECK_EQUAL(store.count(order_status::filled), 1u);
}

CAF_TEST(mark_all_pending_cancel_covers_a_symbol_or_everything) {
  drive_to("a", order_status::pending_new);
  drive_to("b", order_status::partially_filled);
  auto c = order("c");
  c.sym = *symbol::parse("ETHUSDT");
  store.submit(c, tick());
  auto btc = store.mark_all_pending_cancel(
    [](const order_request& o) { return o.sym.str() == "BTCUSDT"; }, tick());
  CAF_CHECK_EQUAL(btc.size(), 2u);
  CAF_CHECK(status_of("c") == order_status::pending_new);
  auto all = store.mark_all_pending_cancel([](const order_request&) { return true; }, tick());
  // Every live order, those already pending_cancel included: a kill re-sends.
  CAF_CHECK_EQUAL(all.size(), 3u);
  CAF_CHECK_EQUAL(store.count(order_status::pending_cancel), 3u);
}

CAF_TEST(purge_drops_only_old_terminal_orders) {
  drive_to("a", order_status::accepted);
  drive_to("b", order_status::accepted);
  store.apply(report("a", order_status::canceled, "0"));
  CAF_CHECK_EQUAL(store.purge_terminal(timestamp_ns{clock + 1}), 1u);
  CAF_CHECK(store.find(client_order_id{"a"}) == nullptr);
  CAF_CHECK(store.find(client_order_id{"b"}) != nullptr);
  CAF_CHECK_EQUAL(store.count(order_status::canceled), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(generated_ids_are_valid_for_binance_and_unique) {
  std::regex binance("^[.A-Z:/a-z0-9_-]{1,36}$");
  client_order_id_generator gen("node-01", timestamp_ns{1'764'000'000'000'000'000});
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto id = gen.next();
    CAF_CHECK(std::regex_match(id.value, binance));
    CAF_CHECK(is_valid_client_order_id(id.value));
    CAF_CHECK(seen.insert(id.value).second);
  }
  CAF_CHECK_EQUAL(gen.issued(), 10000u);
}

CAF_TEST(ids_from_a_restart_differ_from_the_previous_run) {
  client_order_id_generator first("n1", timestamp_ns{1'764'000'000'000'000'000});
  client_order_id_generator second("n1", timestamp_ns{1'764'000'000'000'001'000});
  auto a = first.next();
  auto b = second.next();
  CAF_CHECK_NOT_EQUAL(a.value, b.value);
}

CAF_TEST(longest_ids_stay_within_36_characters) {
  // Largest prefix, a start time near 2084 and the largest sequence number
  // still fit: 10 + 1 + 10 + 1 + 13.
  client_order_id_generator gen("ABCDEFGHIJ", timestamp_ns{3'600'000'000'000'000'000});
  auto id = gen.next();
  CAF_CHECK(id.value.size() <= 36u);
  CAF_CHECK_EQUAL(gen.stem().size(), 22u);
}

CAF_TEST(invalid_prefixes_are_config_errors) {
  auto refused = [](const std::string& prefix) {
    try {
      client_order_id_generator gen(prefix, timestamp_ns{1});
      return false;
    } catch (const std::invalid_argument&) {
      return true;
    }
  };
  CAF_CHECK(refused(""));
  CAF_CHECK(refused("much-too-long"));
  CAF_CHECK(refused("bad prefix"));
  CAF_CHECK(!refused("ok.node_1"));
}
