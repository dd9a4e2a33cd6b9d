#define CAF_SUITE connector_okx_session
#include "tests/support/unit_test.hpp"

#include <algorithm>
#include <mutex>

#include "actors/connector/okx/okx_session.hpp"
#include "tests/unit/connector/test_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using namespace cwts::connector::okx;
using cwts::test::canned_reply;
using cwts::test::http_test_server;
using cwts::test::recorded_request;

namespace {

const char* instruments = R"({"code":"0","msg":"","data":[
  {"instId":"USD-CHF","baseCcy":"USD","quoteCcy":"CHF","tickSz":"0.0001","lotSz":"1","minSz":"1"},
  {"instId":"EUR-USD","baseCcy":"EUR","quoteCcy":"USD","tickSz":"0.0001","lotSz":"1","minSz":"1"}]})";

std::string order_json(int64_t ord_id, const std::string& cl, const std::string& state,
                       const std::string& filled) {
  return R"({"instId":"USD-CHF","ordId":")" + std::to_string(ord_id) + R"(","clOrdId":")" + cl
         + R"(","px":"0.9","sz":"10","ordType":"limit","side":"buy","state":")" + state
         + R"(","accFillSz":")" + filled + R"(","avgPx":")" + (filled == "0" ? "" : "0.9")
         + R"(","fillSz":"","fillPx":"","tradeId":"","uTime":"1597026383085"})";
}

okx_rest_config rest_config(uint16_t port) {
  okx_rest_config c;
  c.port = port;
  c.credentials = okx_credentials{"k", "s", "p"};
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

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// A venue where placing times out (50004) and no order is found (51603).
canned_reply place_times_out_and_no_such_order(const recorded_request& r) {
  if (starts_with(r.target, "/api/v5/public/instruments"))
    return {200, instruments};
  if (r.target == "/api/v5/trade/order" && r.method == "POST")
    return {200, R"({"code":"50004","msg":"Endpoint request timeout","data":[]})"};
  return {200, R"({"code":"51603","msg":"Order does not exist","data":[]})"};
}

// The scripted venue of the cancel_all tests: `open` ordIds, newest first.
// orders-pending pages them (limit 100, after=<ordId>); each
// cancel-batch-orders cancels the first 20 still open (the adapter sends
// them in listing order), answering `settled_code` for ordIds in `settled`.
struct scripted_book {
  std::mutex mtx;
  std::vector<int64_t> open;
  std::vector<int64_t> settled; // answered sCode 51402 (filled meanwhile)
  std::vector<int64_t> late;    // appear after the first batch (orders in flight)
  bool late_added = false;
  int batches = 0;
  int listings = 0;

  canned_reply answer(const recorded_request& r) {
    std::lock_guard<std::mutex> guard(mtx);
    if (starts_with(r.target, "/api/v5/public/instruments"))
      return {200, instruments};
    if (starts_with(r.target, "/api/v5/trade/orders-pending")) {
      ++listings;
      auto q = cwts::test::split_query(r.target);
      int64_t after = q.count("after") ? std::stoll(q["after"]) : 0;
      auto from = open.begin();
      if (after > 0)
        from = std::find(open.begin(), open.end(), after) + 1;
      std::string data;
      int n = 0;
      for (auto i = from; i != open.end() && n < 100; ++i, ++n)
        data += (data.empty() ? "" : ",") + order_json(*i, "o" + std::to_string(*i), "live", "0");
      return {200, R"({"code":"0","msg":"","data":[)" + data + "]}"};
    }
    if (starts_with(r.target, "/api/v5/trade/cancel-batch-orders")) {
      ++batches;
      std::string data;
      bool all_ok = true;
      for (int n = 0; n < 20 && !open.empty(); ++n) {
        auto id = open.front();
        open.erase(open.begin());
        bool filled = std::count(settled.begin(), settled.end(), id) != 0;
        all_ok = all_ok && !filled;
        data += std::string(data.empty() ? "" : ",") + R"({"clOrdId":"","ordId":")"
                + std::to_string(id) + R"(","sCode":")" + (filled ? "51402" : "0")
                + R"(","sMsg":")" + (filled ? "Order has been completed" : "") + "\"}";
      }
      if (open.empty() && !late_added) { // landed after the first round's batches
        open = late;
        late_added = true;
      }
      return {200, std::string(R"({"code":")") + (all_ok ? "0" : "2") + R"(","msg":"","data":[)"
                     + data + "]}"};
    }
    return {404, R"({"code":"50000","msg":"unexpected"})"};
  }
};

} // namespace

CAF_TEST(cancel_all_pages_batches_and_confirms_empty) {
  scripted_book book;
  for (int64_t id = 1000; id > 1000 - 250; --id)
    book.open.push_back(id);
  book.settled = {999, 950};
  book.late = {5, 6, 7};
  http_test_server server([&](const recorded_request& r) { return book.answer(r); });
  okx_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_instruments(), "");
  std::vector<okx_output> out;
  auto r = s.cancel_all(kill_id{"k1"}, node_id{"n1"}, usdchf(), std::chrono::milliseconds(5000), out);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.error, "");
  CAF_CHECK_EQUAL(r.open_orders_after, 0);
  // 250 listed: 13 batches; 2 of them already filled (settled, not canceled);
  // 3 more appeared and took a second round.
  CAF_CHECK_EQUAL(r.orders_canceled, 248 + 3);
  CAF_CHECK_EQUAL(r.retries, 2); // round 2 canceled the late ones, round 3 listed none
  std::lock_guard<std::mutex> guard(book.mtx);
  CAF_CHECK_EQUAL(book.batches, 13 + 1);
  CAF_CHECK(book.open.empty());
}

CAF_TEST(cancel_all_reports_failure_when_the_deadline_passes) {
  http_test_server server([](const recorded_request& r) -> canned_reply {
    if (starts_with(r.target, "/api/v5/public/instruments"))
      return {200, instruments};
    if (starts_with(r.target, "/api/v5/trade/orders-pending"))
      return {200, std::string(R"({"code":"0","msg":"","data":[)") + order_json(7, "a", "live", "0")
                     + "]}"};
    // The venue refuses every cancel: the order stays.
    return {200, R"({"code":"1","msg":"","data":[{"ordId":"7","sCode":"51410","sMsg":"busy"}]})"};
  });
  // Rounds 50 ms apart within 1 s: on a loaded machine the last round may
  // still be cut short by the deadline (the next case does it on purpose).
  okx_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(50));
  CAF_REQUIRE_EQUAL(s.load_instruments(), "");
  std::vector<okx_output> out;
  auto r = s.cancel_all(kill_id{"k1"}, node_id{"n1"}, usdchf(), std::chrono::seconds(1), out);
  CAF_CHECK(!r.ok);
  CAF_CHECK_EQUAL(r.open_orders_after, 1);
  CAF_CHECK_NOT_EQUAL(r.error.find("51410"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(r.error.find("deadline passed"), std::string::npos);
  CAF_CHECK_GREATER(r.retries, 0);
}

// The venue refuses the cancel, then hangs: the second listing times out at
// the deadline. The answer still names the venue's refusal (sCode 51410), not
// only the listing's timeout.
CAF_TEST(a_last_round_cut_short_by_the_deadline_keeps_the_venues_refusal) {
  http_test_server* venue = nullptr;
  http_test_server server([&venue](const recorded_request& r) -> canned_reply {
    if (starts_with(r.target, "/api/v5/public/instruments"))
      return {200, instruments};
    if (starts_with(r.target, "/api/v5/trade/orders-pending"))
      return {200, std::string(R"({"code":"0","msg":"","data":[)") + order_json(7, "a", "live", "0")
                     + "]}"};
    venue->set_mode(cwts::test::server_mode::hang); // every request after this one
    return {200, R"({"code":"1","msg":"","data":[{"ordId":"7","sCode":"51410","sMsg":"busy"}]})"};
  });
  venue = &server;
  okx_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(5));
  CAF_REQUIRE_EQUAL(s.load_instruments(), "");
  std::vector<okx_output> out;
  auto r = s.cancel_all(kill_id{"k1"}, node_id{"n1"}, usdchf(), std::chrono::milliseconds(300), out);
  CAF_CHECK(!r.ok);
  CAF_CHECK_EQUAL(r.open_orders_after, -1); // the last listing did not answer
  CAF_CHECK_NOT_EQUAL(r.error.find("deadline passed before a listing answered"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(r.error.find("orders-pending"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(r.error.find("the venue's last refusals: ordId 7: sCode=51410"),
                      std::string::npos);
}

CAF_TEST(unknown_outcome_is_resolved_by_query_never_resent) {
  int places = 0;
  int queries = 0;
  std::string queried;
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (starts_with(r.target, "/api/v5/public/instruments"))
      return {200, instruments};
    if (r.target == "/api/v5/trade/order" && r.method == "POST") {
      ++places;
      return {504, "gateway timeout"}; // after the bytes left: may have been executed
    }
    if (starts_with(r.target, "/api/v5/trade/order?")) {
      ++queries;
      queried = r.target;
      auto cl = cwts::test::split_query(r.target)["clOrdId"];
      return {200, std::string(R"({"code":"0","msg":"","data":[)")
                     + order_json(42, cl, "partially_filled", "4") + "]}"};
    }
    return {404, R"({"code":"50000","msg":"unexpected"})"};
  });
  okx_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_instruments(), "");
  auto out = s.place(limit_buy("tr1-abc-1"), true);
  CAF_CHECK_EQUAL(places, 1);
  CAF_CHECK_EQUAL(queries, 1);
  CAF_CHECK_NOT_EQUAL(queried.find("instId=USD-CHF"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(queried.find("clOrdId=" + okx_client_id(client_order_id{"tr1-abc-1"})),
                      std::string::npos);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  auto* rep = std::get_if<execution_report>(&out[0]);
  CAF_REQUIRE(rep != nullptr);
  CAF_CHECK_EQUAL(rep->id.value, "tr1-abc-1"); // mapped back from the clOrdId
  CAF_CHECK(rep->status == order_status::partially_filled);
  CAF_CHECK(rep->cum_qty == *qty::parse("4"));
  CAF_CHECK_EQUAL(s.counters().unknown_outcomes.load(), 1);
  CAF_CHECK_EQUAL(s.counters().unknown_resolved.load(), 1);
  CAF_CHECK_EQUAL(s.counters().unresolved.load(), 0);
}

CAF_TEST(unknown_outcome_with_no_such_order_is_rejected_after_the_grace) {
  http_test_server server(place_times_out_and_no_such_order);
  okx_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(1));
  s.set_unknown_grace(std::chrono::milliseconds(0));
  CAF_REQUIRE_EQUAL(s.load_instruments(), "");
  auto out = s.place(limit_buy("abc2"), true);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  auto* rej = std::get_if<order_reject>(&out[0]);
  CAF_REQUIRE(rej != nullptr);
  CAF_CHECK(rej->reason == reject_reason::venue_unreachable);
}

// Not found a moment after the timeout is not "refused": the order may still
// be on its way to the matching engine. It stays unresolved, and when it
// lands (its first orders-channel event) it is reported as accepted.
CAF_TEST(unknown_outcome_not_found_within_the_grace_waits_for_the_order) {
  http_test_server server(place_times_out_and_no_such_order);
  okx_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(1));
  s.set_unknown_grace(std::chrono::hours(1));
  CAF_REQUIRE_EQUAL(s.load_instruments(), "");
  auto out = s.place(limit_buy("abc9"), true);
  CAF_CHECK(out.empty());
  CAF_CHECK_EQUAL(s.counters().unresolved.load(), 1);
  CAF_CHECK(s.poll().empty()); // still not found, still within the grace
  CAF_CHECK_EQUAL(s.counters().unresolved.load(), 1);
  okx_order landed;
  landed.inst_id = "USD-CHF";
  landed.ord_id = venue_order_id{91};
  landed.cl_ord_id = okx_client_id(client_order_id{"abc9"});
  landed.status = order_status::accepted;
  landed.px = *price::parse("0.9");
  landed.sz = *qty::parse("10");
  auto events = s.on_order_event(landed);
  CAF_REQUIRE_EQUAL(events.size(), 1u);
  auto* ack = std::get_if<execution_report>(&events[0]);
  CAF_REQUIRE(ack != nullptr);
  CAF_CHECK_EQUAL(ack->id.value, "abc9");
  CAF_CHECK_EQUAL(ack->venue_id.value, 91);
  CAF_CHECK_EQUAL(s.counters().unresolved.load(), 0);
  CAF_CHECK_EQUAL(s.counters().unknown_resolved.load(), 1);
}

CAF_TEST(place_ack_rejects_and_fills_from_the_orders_channel) {
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (starts_with(r.target, "/api/v5/public/instruments"))
      return {200, instruments};
    if (r.target == "/api/v5/trade/order" && r.method == "POST")
      return {200, R"({"code":"0","msg":"","data":[{"clOrdId":"abc3","ordId":"77","sCode":"0","sMsg":""}]})"};
    return {404, R"({"code":"50000","msg":"unexpected"})"};
  });
  okx_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_instruments(), "");
  auto out = s.place(limit_buy("abc3"), true);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  auto* ack = std::get_if<execution_report>(&out[0]);
  CAF_REQUIRE(ack != nullptr);
  CAF_CHECK(ack->status == order_status::accepted);
  CAF_CHECK_EQUAL(ack->venue_id.value, 77);
  // A fill on the orders channel, then the same trade again (a resend).
  okx_order fill;
  fill.inst_id = "USD-CHF";
  fill.ord_id = venue_order_id{77};
  fill.cl_ord_id = "abc3";
  fill.status = order_status::partially_filled;
  fill.px = *price::parse("0.9");
  fill.sz = *qty::parse("10");
  fill.acc_fill_sz = *qty::parse("3");
  fill.avg_px = *price::parse("0.9");
  fill.fill_sz = *qty::parse("3");
  fill.fill_px = *price::parse("0.8999");
  fill.trade_id = "t1";
  auto first = s.on_order_event(fill);
  CAF_REQUIRE_EQUAL(first.size(), 1u);
  auto* f = std::get_if<execution_report>(&first[0]);
  CAF_REQUIRE(f != nullptr);
  CAF_CHECK(f->last_qty == *qty::parse("3"));
  CAF_CHECK(f->last_price == *price::parse("0.8999")); // the trade's own price
  CAF_CHECK(f->leaves_qty == *qty::parse("7"));
  CAF_CHECK(s.on_order_event(fill).empty());
  CAF_CHECK_EQUAL(s.counters().fills_deduped.load(), 1);
  // The rest fills in a second trade.
  fill.status = order_status::filled;
  fill.acc_fill_sz = *qty::parse("10");
  fill.fill_sz = *qty::parse("7");
  fill.fill_px = *price::parse("0.9");
  fill.trade_id = "t2";
  auto second = s.on_order_event(fill);
  CAF_REQUIRE_EQUAL(second.size(), 1u);
  CAF_CHECK(std::get<execution_report>(second[0]).status == order_status::filled);
  CAF_CHECK(std::get<execution_report>(second[0]).last_qty == *qty::parse("7"));
}

CAF_TEST(venue_rejects_carry_the_scode) {
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (starts_with(r.target, "/api/v5/public/instruments"))
      return {200, instruments};
    return {200, R"({"code":"1","msg":"","data":[{"clOrdId":"abc4","ordId":"","sCode":"51008","sMsg":"Insufficient balance"}]})"};
  });
  okx_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_instruments(), "");
  auto out = s.place(limit_buy("abc4"), true);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  auto* rej = std::get_if<order_reject>(&out[0]);
  CAF_REQUIRE(rej != nullptr);
  CAF_CHECK(rej->reason == reject_reason::venue_rejected);
  CAF_CHECK_NOT_EQUAL(rej->detail.find("51008"), std::string::npos);
  // A local copy: CAF_CHECK_EQUAL keeps a reference to its argument, which
  // into a temporary map dangles (ASan: heap-use-after-free).
  auto by_code = s.rejects_by_code();
  CAF_CHECK_EQUAL(by_code["51008"], 1);
  // A symbol without an instrument is refused locally.
  auto other = limit_buy("abc5");
  other.sym = *symbol::parse("GBPJPY");
  auto none = s.place(other, true);
  CAF_REQUIRE_EQUAL(none.size(), 1u);
  CAF_CHECK(std::get<order_reject>(none[0]).reason == reject_reason::unknown_symbol);
}

CAF_TEST(rate_limit_pauses_requests) {
  http_test_server server([&](const recorded_request& r) -> canned_reply {
    if (starts_with(r.target, "/api/v5/public/instruments"))
      return {200, instruments};
    return {429, R"({"code":"50011","msg":"Too Many Requests","data":[]})"};
  });
  okx_session s(rest_config(server.port()), usdchf(), std::chrono::milliseconds(1));
  CAF_REQUIRE_EQUAL(s.load_instruments(), "");
  auto out = s.place(limit_buy("abc6"), true);
  CAF_REQUIRE_EQUAL(out.size(), 1u);
  CAF_CHECK_GREATER(s.rate_limit_pause().count(), 0);
  auto before = server.requests().size();
  auto refused = s.place(limit_buy("abc7"), true);
  CAF_CHECK_EQUAL(server.requests().size(), before); // not sent during the pause
  CAF_CHECK(std::get<order_reject>(refused[0]).reason == reject_reason::venue_unreachable);
  CAF_CHECK_EQUAL(s.rest().refused_paused.load(), 1);
}
