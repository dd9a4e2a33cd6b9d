#define CAF_SUITE connector_kraken_session
#include "tests/support/unit_test.hpp"

#include <algorithm>
#include <mutex>
#include <utility>
#include <variant>

#include "actors/connector/kraken/kraken_session.hpp"
#include "actors/connector/kraken/kraken_signer.hpp"
#include "tests/unit/connector/test_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace cwts::connector::kraken;
using cwts::test::canned_reply;
using cwts::test::http_test_server;
using cwts::test::recorded_request;

namespace {

const std::string secret = "aGVsbG8gd29ybGQgc2VjcmV0IGtleSBmb3Iga3Jha2Vu";

const char* asset_pairs = R"({"error":[],"result":{
  "USDCHF":{"altname":"USDCHF","wsname":"USD/CHF","base":"ZUSD","quote":"CHF",
            "pair_decimals":5,"lot_decimals":8},
  "EURUSD":{"altname":"EURUSD","wsname":"EUR/USD","base":"ZEUR","quote":"ZUSD",
            "pair_decimals":5,"lot_decimals":8}}})";

std::map<std::string, std::string> form(const recorded_request& r) {
  return cwts::test::split_query("?" + r.body);
}

std::string order_json(const std::string& txid, const std::string& cl, const std::string& status,
                       const std::string& filled) {
  return "\"" + txid + R"(":{"cl_ord_id":")" + cl + R"(","status":")" + status
         + R"(","opentm":1688666559.8974,"descr":{"pair":"USDCHF","type":"buy","ordertype":"limit",)"
         + R"("price":"0.90000"},"vol":"10.00000000","vol_exec":")" + filled
         + R"(","cost":"0","price":"0.90000"})";
}

std::string ok(const std::string& result) {
  return R"({"error":[],"result":)" + result + "}";
}

kraken_rest_config rest_config(uint16_t port) {
  kraken_rest_config c;
  c.port = port;
  c.credentials = kraken_credentials{"key", secret};
  c.request_timeout = std::chrono::milliseconds(1000);
  return c;
}

std::vector<symbol> usdchf() {
  return {*symbol::parse("USDCHF")};
}

order_request limit_buy(const std::string& id) {
  order_request r;
  r.id = client_order_id{id};
  r.sym = *symbol::parse("USDCHF");
  r.limit_price = *price::parse("0.9");
  r.quantity = *qty::parse("10");
  return r;
}

// The scripted venue of the cancel_all tests: `open` txids; CancelAll
// cancels them all, and `late` ones land after the first CancelAll (orders
// in flight); CancelOrder by txid cancels one unless it is `stuck`.
struct scripted_book {
  std::mutex mtx;
  std::vector<std::string> open;
  std::vector<std::string> late;
  std::vector<std::string> stuck;
  bool late_added = false;
  int cancel_alls = 0;
  int cancel_orders = 0;
  int listings = 0;

  canned_reply answer(const recorded_request& r) {
    std::lock_guard<std::mutex> guard(mtx);
    if (r.target == "/0/public/AssetPairs")
      return {200, asset_pairs};
    if (r.target == "/0/private/OpenOrders") {
      ++listings;
      std::string data;
      for (auto& t : open)
        data += (data.empty() ? "" : ",") + order_json(t, "c" + t, "open", "0");
      return {200, ok(R"({"open":{)" + data + "}}")};
    }
    if (r.target == "/0/private/CancelAll") {
      ++cancel_alls;
      auto n = std::count_if(open.begin(), open.end(), [&](const std::string& t) {
        return std::find(stuck.begin(), stuck.end(), t) == stuck.end();
      });
      open.erase(std::remove_if(open.begin(), open.end(), [&](const std::string& t) {
                   return std::find(stuck.begin(), stuck.end(), t) == stuck.end();
                 }),
                 open.end());
      if (!late_added) {
        open.insert(open.end(), late.begin(), late.end());
        late_added = true;
      }
      return {200, ok(R"({"count":)" + std::to_string(n) + "}")};
    }
    if (r.target == "/0/private/CancelOrder") {
      ++cancel_orders;
      auto txid = form(r)["txid"];
      if (std::find(stuck.begin(), stuck.end(), txid) != stuck.end())
        return {200, R"({"error":["EService:Busy"]})"};
      auto it = std::find(open.begin(), open.end(), txid);
      if (it == open.end())
        return {200, R"({"error":["EOrder:Unknown order"]})"};
      open.erase(it);
      return {200, ok(R"({"count":1})")};
    }
    if (r.target == "/0/private/ClosedOrders")
      return {200, ok(R"({"closed":{},"count":0})")};
    return {404, R"({"error":["EGeneral:Unknown method"]})"};
  }
};

} // namespace

CAF_TEST(cancel_all_cancels_then_confirms_none_left) {
  scripted_book book;
  for (int i = 0; i < 5; ++i)
    book.open.push_back("OA-" + std::to_string(i));
  book.late = {"OL-1", "OL-2"};
  http_test_server server([&](const recorded_request& r) { return book.answer(r); });
  kraken_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_pairs(), "");
  std::vector<kraken_output> out;
  auto r = s.cancel_all(kill_id{"k1"}, node_id{"n1"}, usdchf(), std::chrono::milliseconds(5000), out);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.error, "");
  CAF_CHECK_EQUAL(r.open_orders_after, 0);
  CAF_CHECK_EQUAL(r.orders_canceled, 5 + 2);
  std::lock_guard<std::mutex> guard(book.mtx);
  CAF_CHECK_EQUAL(book.cancel_alls, 2); // the first, then one for the two that landed late
  CAF_CHECK_EQUAL(book.listings, 2);    // the late two listed, then none
  CAF_CHECK(book.open.empty());
}

CAF_TEST(cancel_all_cancels_a_straggler_by_txid_and_reports_one_it_cannot) {
  scripted_book book;
  book.open = {"OA-1"};
  book.late = {"OL-1"};
  book.stuck = {"OS-1"};
  book.open.push_back("OS-1");
  http_test_server server([&](const recorded_request& r) { return book.answer(r); });
  // Rounds 50 ms apart within 1 s, so a loaded machine still answers some.
  kraken_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(50));
  CAF_REQUIRE_EQUAL(s.load_pairs(), "");
  std::vector<kraken_output> out;
  auto r = s.cancel_all(kill_id{"k1"}, node_id{"n1"}, usdchf(), std::chrono::seconds(1), out);
  CAF_CHECK(!r.ok);
  CAF_CHECK_EQUAL(r.open_orders_after, 1); // the stuck one
  CAF_CHECK_NOT_EQUAL(r.error.find("deadline passed"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(r.error.find("EService:Busy"), std::string::npos);
  CAF_CHECK_GREATER(r.retries, 0);
  std::lock_guard<std::mutex> guard(book.mtx);
  CAF_CHECK(std::find(book.open.begin(), book.open.end(), "OL-1") == book.open.end());
}

// Only some of the connector's symbols in scope: no account-wide CancelAll.
CAF_TEST(cancel_all_of_part_of_the_symbols_cancels_by_txid) {
  scripted_book book;
  book.open = {"OA-1", "OA-2"};
  http_test_server server([&](const recorded_request& r) { return book.answer(r); });
  kraken_session s(rest_config(server.port()),
                   {*symbol::parse("USDCHF"), *symbol::parse("EURUSD")},
                   std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_pairs(), "");
  std::vector<kraken_output> out;
  auto r = s.cancel_all(kill_id{"k1"}, node_id{"n1"}, usdchf(), std::chrono::milliseconds(5000), out);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.orders_canceled, 2);
  std::lock_guard<std::mutex> guard(book.mtx);
  CAF_CHECK_EQUAL(book.cancel_alls, 0);
  CAF_CHECK_EQUAL(book.cancel_orders, 2);
}

CAF_TEST(unknown_outcome_is_resolved_by_cl_ord_id_never_resent) {
  int places = 0;
  std::string filter;
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (r.target == "/0/public/AssetPairs")
      return {200, asset_pairs};
    if (r.target == "/0/private/AddOrder") {
      ++places;
      return {502, "bad gateway"}; // after the bytes left: may have been executed
    }
    if (r.target == "/0/private/OpenOrders") {
      filter = form(r)["cl_ord_id"];
      return {200, ok(R"({"open":{)" + order_json("OX-1", filter, "open", "4.00000000") + "}}")};
    }
    return {404, R"({"error":["EGeneral:Unknown method"]})"};
  });
  kraken_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_pairs(), "");
  auto out = s.place(limit_buy("tr1-abc-1"), true);
  CAF_CHECK_EQUAL(places, 1);
  CAF_CHECK_EQUAL(filter, "tr1-abc-1");
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  auto* rep = std::get_if<execution_report>(&out[0]);
  CAF_REQUIRE(rep != nullptr);
  CAF_CHECK_EQUAL(rep->id.value, "tr1-abc-1");
  CAF_CHECK(rep->status == order_status::partially_filled);
  CAF_CHECK(rep->cum_qty == *qty::parse("4"));
  CAF_CHECK_EQUAL(s.counters().unknown_outcomes.load(), 1);
  CAF_CHECK_EQUAL(s.counters().unknown_resolved.load(), 1);
}

CAF_TEST(unknown_outcome_not_found_is_refused_after_the_grace) {
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (r.target == "/0/public/AssetPairs")
      return {200, asset_pairs};
    if (r.target == "/0/private/AddOrder")
      return {200, R"({"error":["EService:Unavailable"]})"};
    if (r.target == "/0/private/OpenOrders")
      return {200, ok(R"({"open":{}})")};
    if (r.target == "/0/private/ClosedOrders")
      return {200, ok(R"({"closed":{},"count":0})")};
    return {404, R"({"error":["EGeneral:Unknown method"]})"};
  });
  kraken_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(1));
  s.set_unknown_grace(std::chrono::hours(1));
  CAF_REQUIRE_EQUAL(s.load_pairs(), "");
  CAF_CHECK(s.place(limit_buy("abc9"), true).empty()); // within the grace: waits
  CAF_CHECK_EQUAL(s.counters().unresolved.load(), 1);
  s.set_unknown_grace(std::chrono::milliseconds(0));
  auto out = s.poll();
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  auto* rej = std::get_if<order_reject>(&out[0]);
  CAF_REQUIRE(rej != nullptr);
  CAF_CHECK(rej->reason == reject_reason::venue_unreachable);
  CAF_CHECK_EQUAL(s.counters().unresolved.load(), 0);
}

// EAPI:Invalid nonce: refused before it ran; sent once more with a nonce
// past the venue's, signed anew; a second refusal is not retried.
CAF_TEST(invalid_nonce_is_resent_once_with_a_higher_nonce) {
  std::vector<std::pair<std::string, std::string>> adds; // body, API-Sign
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (r.target == "/0/public/AssetPairs")
      return {200, asset_pairs};
    if (r.target == "/0/private/AddOrder") {
      adds.emplace_back(r.body, r.kraken_sign);
      if (adds.size() == 1 || adds.size() >= 3)
        return {200, R"({"error":["EAPI:Invalid nonce"]})"};
      return {200, ok(R"({"descr":{"order":"buy"},"txid":["OK-1"]})")};
    }
    return {404, R"({"error":["EGeneral:Unknown method"]})"};
  });
  kraken_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_pairs(), "");
  auto out = s.place(limit_buy("n1"), true);
  CAF_REQUIRE_EQUAL(adds.size(), 2u);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK(std::get_if<execution_report>(&out[0]) != nullptr);
  auto first = std::stoull(cwts::test::split_query("?" + adds[0].first)["nonce"]);
  auto second = std::stoull(cwts::test::split_query("?" + adds[1].first)["nonce"]);
  CAF_CHECK_GREATER(second, first + 999'999);
  // Each attempt carries its own signature over its own body.
  auto key = *base64_decode(secret);
  CAF_CHECK_EQUAL(adds[1].second, kraken_sign(key, "/0/private/AddOrder", std::to_string(second),
                                              adds[1].first));
  auto body = cwts::test::split_query("?" + adds[1].first);
  CAF_CHECK_EQUAL(body["pair"], "USDCHF");
  CAF_CHECK_EQUAL(body["price"], "0.90000");
  CAF_CHECK_EQUAL(body["volume"], "10.00000000");
  CAF_CHECK_EQUAL(body["cl_ord_id"], "n1");
  CAF_CHECK_EQUAL(s.rest().nonce_errors.load(), 1);
  CAF_CHECK_EQUAL(s.rest().nonce_resends.load(), 1);
  // Refused twice: rejected, no third try.
  auto again = s.place(limit_buy("n2"), true);
  CAF_CHECK_EQUAL(adds.size(), 4u);
  CAF_REQUIRE_EQUAL(again.size(), 1u);
  CAF_CHECK(std::get_if<order_reject>(&again[0]) != nullptr);
  CAF_CHECK_EQUAL(s.rest().nonce_resends.load(), 2);
}

CAF_TEST(executions_map_to_reports_and_fills_are_deduplicated) {
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (r.target == "/0/public/AssetPairs")
      return {200, asset_pairs};
    if (r.target == "/0/private/AddOrder")
      return {200, ok(R"({"descr":{"order":"buy"},"txid":["OE-1"]})")};
    return {404, R"({"error":["EGeneral:Unknown method"]})"};
  });
  kraken_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_pairs(), "");
  auto placed = s.place(limit_buy("e1"), true);
  CAF_REQUIRE_EQUAL(placed.size(), 1u);
  kraken_execution fill;
  fill.exec_type = "trade";
  fill.order_id = "OE-1";
  fill.cl_ord_id = "e1";
  fill.symbol = "USD/CHF";
  fill.has_details = true;
  fill.status = order_status::partially_filled;
  fill.limit_price = *price::parse("0.9");
  fill.order_qty = *qty::parse("10");
  fill.cum_qty = *qty::parse("4");
  fill.cum_cost = *notional::parse("3.6");
  fill.exec_id = "T-1";
  fill.last_qty = *qty::parse("4");
  fill.last_price = *price::parse("0.9");
  auto out = s.on_execution(fill);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  auto* rep = std::get_if<execution_report>(&out[0]);
  CAF_REQUIRE(rep != nullptr);
  CAF_CHECK_EQUAL(rep->id.value, "e1");
  CAF_CHECK(rep->status == order_status::partially_filled);
  CAF_CHECK(rep->last_qty == *qty::parse("4"));
  CAF_CHECK(rep->last_price == *price::parse("0.9"));
  CAF_CHECK(s.on_execution(fill).empty()); // the same exec_id again
  CAF_CHECK_EQUAL(s.counters().fills_deduped.load(), 1);
  // The order's end, without a symbol (a status event): its tracked order's.
  kraken_execution done;
  done.exec_type = "filled";
  done.order_id = "OE-1";
  done.cl_ord_id = "e1";
  done.status = order_status::filled;
  done.cum_qty = *qty::parse("10");
  done.cum_cost = *notional::parse("9");
  auto end = s.on_execution(done);
  CAF_REQUIRE_EQUAL(end.size(), 1u);
  auto* last = std::get_if<execution_report>(&end[0]);
  CAF_REQUIRE(last != nullptr);
  CAF_CHECK(last->status == order_status::filled);
  CAF_CHECK(last->cum_qty == *qty::parse("10"));
  // A pair this connector does not trade is counted and skipped.
  kraken_execution foreign = fill;
  foreign.symbol = "BTC/USD";
  foreign.exec_id = "T-2";
  CAF_CHECK(s.on_execution(foreign).empty());
  CAF_CHECK_EQUAL(s.counters().stream_foreign_symbol.load(), 1);
}

// AssetPairs down (503) since start: the pair names never loaded. The
// kill's first request is still the CancelAll, and the orders the listing
// shows (whose pair it cannot name) count as open: a late one is canceled,
// a stuck one is reported, never "verified" by being dropped.
CAF_TEST(cancel_all_without_pair_names_sends_cancel_all_first_and_never_drops_listed_orders) {
  scripted_book book;
  book.open = {"OA-1"};
  book.late = {"OL-1"};
  book.stuck = {"OS-1"};
  book.open.push_back("OS-1");
  std::vector<std::string> targets;
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    targets.push_back(r.target);
    if (r.target == "/0/public/AssetPairs")
      return {503, "Service Unavailable"};
    return book.answer(r);
  });
  kraken_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(5));
  CAF_CHECK_NOT_EQUAL(s.load_pairs(), "");
  CAF_CHECK(!s.pairs_complete());
  targets.clear(); // the start's AssetPairs
  std::vector<kraken_output> out;
  auto r = s.cancel_all(kill_id{"k1"}, node_id{"n1"}, usdchf(), std::chrono::milliseconds(400), out);
  CAF_CHECK(!r.ok);
  CAF_CHECK_EQUAL(r.open_orders_after, 1); // the stuck one, still listed
  CAF_CHECK_NOT_EQUAL(r.error.find("EService:Busy"), std::string::npos);
  CAF_REQUIRE(!targets.empty());
  CAF_CHECK_EQUAL(targets.front(), "/0/private/CancelAll");
  std::lock_guard<std::mutex> guard(book.mtx);
  CAF_CHECK(std::find(book.open.begin(), book.open.end(), "OL-1") == book.open.end());
}

// The pair names missing but the venue lists nothing: confirmed at once.
CAF_TEST(cancel_all_without_pair_names_confirms_an_empty_listing) {
  scripted_book book;
  book.open = {"OA-1"};
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (r.target == "/0/public/AssetPairs")
      return {503, "Service Unavailable"};
    return book.answer(r);
  });
  kraken_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(5));
  std::vector<kraken_output> out;
  auto r = s.cancel_all(kill_id{"k1"}, node_id{"n1"}, usdchf(), std::chrono::milliseconds(2000), out);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.error, "");
  CAF_CHECK_EQUAL(r.open_orders_after, 0);
  CAF_CHECK_EQUAL(r.orders_canceled, 1);
}

// A straggler's CancelOrder that hangs ends with the kill's deadline, not
// with the request timeout (30 s here: far enough from the deadline that a
// loaded machine cannot blur the two).
CAF_TEST(cancel_all_straggler_cancel_ends_with_the_kill_deadline) {
  http_test_server* self = nullptr;
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (r.target == "/0/public/AssetPairs")
      return {200, asset_pairs};
    if (r.target == "/0/private/OpenOrders") {
      self->set_mode(cwts::test::server_mode::hang); // the CancelOrder hangs
      return {200, ok(R"({"open":{)" + order_json("OA-1", "cOA-1", "open", "0") + "}}")};
    }
    return {404, R"({"error":["EGeneral:Unknown method"]})"};
  });
  self = &server;
  // Part of the symbols in scope: stragglers by txid, no CancelAll.
  auto cfg = rest_config(server.port());
  cfg.request_timeout = std::chrono::seconds(30);
  kraken_session s(cfg, {*symbol::parse("USDCHF"), *symbol::parse("EURUSD")},
                   std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_pairs(), "");
  std::vector<kraken_output> out;
  auto started = std::chrono::steady_clock::now();
  auto r = s.cancel_all(kill_id{"k1"}, node_id{"n1"}, usdchf(), std::chrono::milliseconds(250), out);
  auto took = std::chrono::steady_clock::now() - started;
  CAF_CHECK(!r.ok);
  CAF_CHECK_LESS(took, std::chrono::seconds(15));
  CAF_CHECK_NOT_EQUAL(r.error.find("CancelOrder OA-1"), std::string::npos);
}

// The modelled call counter full for longer than the kill's deadline (a
// long run of EAPI:Rate limit exceeded): the kill's listing still goes,
// at once, and the venue's answer decides.
CAF_TEST(a_full_call_counter_never_holds_the_kills_listing) {
  scripted_book book;
  int limited = 3; // the first three OpenOrders
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (r.target == "/0/private/AddOrder")
      return {200, ok(R"({"txid":["OA-1"]})")};
    if (r.target == "/0/private/OpenOrders" && limited > 0) {
      --limited;
      return {200, R"({"error":["EAPI:Rate limit exceeded"]})"};
    }
    return book.answer(r);
  });
  auto cfg = rest_config(server.port());
  cfg.call_limits.max = 10;
  cfg.call_limits.decay_per_s = 1; // a unit a second: seconds to room
  kraken_session s(cfg, usdchf(), std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_pairs(), "");
  s.place(limit_buy("h1"), true);
  std::vector<kraken_output> out;
  // Three kills answered EAPI:Rate limit exceeded: the penalty grows.
  for (int i = 0; i < 3; ++i)
    s.cancel_all(kill_id{"k"}, node_id{"n"}, usdchf(), std::chrono::milliseconds(50), out);
  CAF_CHECK_EQUAL(s.rest().rate_limited.load(), 3);
  CAF_REQUIRE_GREATER(s.rate_limit_pause().count(), 500);
  auto r = s.cancel_all(kill_id{"k"}, node_id{"n"}, usdchf(), std::chrono::milliseconds(300), out);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.error, "");
  CAF_CHECK_EQUAL(r.open_orders_after, 0);
  CAF_CHECK_GREATER_OR_EQUAL(s.rest().kill_unheld.load(), 1);
}

// EAPI:Rate limit exceeded on a poll: the model goes full, so the next
// poll is deferred (counted, nothing sent); orders (AddOrder costs nothing
// on the call counter) still go, and the kill's CancelAll goes at once and
// its confirming OpenOrders waits once for the decay, not in a loop.
CAF_TEST(rate_limit_defers_polls_but_not_orders_or_the_kill) {
  scripted_book book;
  int adds = 0;
  bool limited = true; // the first OpenOrders only
  std::vector<std::chrono::steady_clock::time_point> listed_at;
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (r.target == "/0/private/AddOrder") {
      ++adds;
      return {200, ok(R"({"txid":["OA-)" + std::to_string(adds) + R"("]})")};
    }
    if (r.target == "/0/private/OpenOrders") {
      listed_at.push_back(std::chrono::steady_clock::now());
      if (std::exchange(limited, false))
        return {200, R"({"error":["EAPI:Rate limit exceeded"]})"};
    }
    return book.answer(r);
  });
  auto cfg = rest_config(server.port());
  cfg.call_limits.max = 10;
  cfg.call_limits.decay_per_s = 10; // 100 ms a unit: a fast test
  cfg.call_limits.kill_reserve = 2;
  cfg.call_limits.order_reserve = 2;
  kraken_session s(cfg, usdchf(), std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_pairs(), "");
  s.place(limit_buy("r1"), true);
  s.poll(); // rate limited: the model is full now
  CAF_CHECK_EQUAL(s.rest().rate_limited.load(), 1);
  CAF_CHECK_GREATER(s.rate_limit_pause().count(), 0);
  s.poll(); // no room for the background: not sent
  CAF_CHECK_EQUAL(s.rest().deferred.load(), 1);
  CAF_CHECK_EQUAL(listed_at.size(), 1u);
  auto second = s.place(limit_buy("r2"), true);
  CAF_CHECK_EQUAL(adds, 2);
  CAF_REQUIRE_EQUAL(second.size(), 1u);
  CAF_CHECK(std::holds_alternative<execution_report>(second[0]));
  std::vector<kraken_output> out;
  auto started = std::chrono::steady_clock::now();
  auto r = s.cancel_all(kill_id{"k"}, node_id{"n"}, usdchf(), std::chrono::milliseconds(2000), out);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.error, "");
  CAF_CHECK_EQUAL(r.open_orders_after, 0);
  CAF_CHECK_EQUAL(r.retries, 1); // the CancelAll, then one listing
  CAF_REQUIRE_EQUAL(listed_at.size(), 2u);
  // The listing waited for room (about one unit), once.
  CAF_CHECK_GREATER_OR_EQUAL(listed_at[1] - started, std::chrono::milliseconds(50));
  CAF_CHECK_EQUAL(s.rest().budget_waits.load(), 1);
  std::lock_guard<std::mutex> guard(book.mtx);
  CAF_CHECK_EQUAL(book.cancel_alls, 1);
}

// Polls spend only what the kill's and order work's reserves leave: past
// that they are deferred (counted, nothing sent), and the kill's listing
// still goes at once, without waiting for the decay.
CAF_TEST(polls_leave_the_kill_its_reserve) {
  int listings = 0;
  bool canceled = false;
  std::string cl;
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (r.target == "/0/public/AssetPairs")
      return {200, asset_pairs};
    if (r.target == "/0/private/AddOrder") {
      cl = form(r)["cl_ord_id"];
      return {200, ok(R"({"txid":["OP-1"]})")};
    }
    if (r.target == "/0/private/OpenOrders") {
      ++listings;
      if (canceled)
        return {200, ok(R"({"open":{}})")};
      return {200, ok(R"({"open":{)" + order_json("OP-1", cl, "open", "0") + "}}")};
    }
    if (r.target == "/0/private/CancelAll") {
      canceled = true;
      return {200, ok(R"({"count":1})")};
    }
    return {404, R"({"error":["EGeneral:Unknown method"]})"};
  });
  auto cfg = rest_config(server.port());
  cfg.call_limits.max = 6;
  cfg.call_limits.decay_per_s = 0.001; // no decay within the test
  cfg.call_limits.kill_reserve = 2;
  cfg.call_limits.order_reserve = 2;
  kraken_session s(cfg, usdchf(), std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_pairs(), "");
  s.place(limit_buy("p1"), true);
  for (int i = 0; i < 5; ++i)
    s.poll();
  CAF_CHECK_EQUAL(listings, 2); // the background's two units
  CAF_CHECK_EQUAL(s.rest().deferred.load(), 3);
  CAF_CHECK_EQUAL(s.rest().rate_limited.load(), 0);
  std::vector<kraken_output> out;
  auto r = s.cancel_all(kill_id{"k"}, node_id{"n"}, usdchf(), std::chrono::milliseconds(2000), out);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.retries, 1);
  CAF_CHECK_EQUAL(listings, 3); // the kill's listing went, at once
  CAF_CHECK_EQUAL(s.rest().budget_waits.load(), 0);
  CAF_CHECK_EQUAL(r.orders_canceled, 1);
}
