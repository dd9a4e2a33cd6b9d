// The kill switch's scoped cancel-all (issue 24, partition drill finding 2):
// a node that does not hold the trading lease cancels only the orders its
// own session placed, each by client id, over REST against a scripted
// venue on loopback. The venue account is shared with the lease holder
// (whose order a reconciliation adopted here): that order is never
// canceled, and DELETE /api/v3/openOrders (account-wide) never goes out.
// Asserts the venue's view of the requests, never timings.
#define CAF_SUITE connector_cancel_own
#include "tests/support/unit_test.hpp"

#include <map>
#include <mutex>
#include <regex>

#include "actors/connector/venue_session.hpp"
#include "tests/unit/connector/ws_api_test_support.hpp"
#include "tests/unit/connector/ws_script_server.hpp"

using namespace cwts;
using namespace cwts::connector;
using test::ioc_buy;
using test::script_detail::peer;

namespace {

const symbol usdchf = *symbol::parse("USDCHF");

std::string param(const std::string& target, const char* name) {
  std::regex re(std::string("[?&]") + name + "=([^&]+)");
  std::smatch m;
  return std::regex_search(target, m, re) ? std::string(m[1]) : std::string{};
}

std::string order_json(const std::string& client_id, const std::string& status) {
  return "{\"symbol\":\"USDCHF\",\"orderId\":7,\"orderListId\":-1,\"clientOrderId\":\"" + client_id
         + "\",\"transactTime\":1684804350068,\"updateTime\":1684804350068,\"price\":\"0.50000000\","
           "\"origQty\":\"1.00000000\",\"executedQty\":\"0.00000000\","
           "\"cummulativeQuoteQty\":\"0.00000000\",\"status\":\""
         + status + "\",\"timeInForce\":\"GTC\",\"type\":\"LIMIT\",\"side\":\"BUY\"}";
}

// One account, two nodes' orders: what is open, by client id.
struct venue_book {
  std::mutex mtx;
  std::map<std::string, std::string> status; // client id -> NEW / CANCELED

  std::string answer(const std::string& method, const std::string& target) {
    std::lock_guard<std::mutex> g(mtx);
    if (target.rfind("/api/v3/openOrders", 0) == 0) {
      if (method == "DELETE")
        for (auto& [id, st] : status)
          st = "CANCELED";
      std::string list;
      for (auto& [id, st] : status)
        if (st == "NEW")
          list += (list.empty() ? "" : ",") + order_json(id, st);
      return "[" + list + "]";
    }
    if (target.rfind("/api/v3/order", 0) == 0) {
      if (method == "POST") {
        auto id = param(target, "newClientOrderId");
        status[id] = "NEW";
        return order_json(id, "NEW");
      }
      auto id = param(target, "origClientOrderId");
      auto i = status.find(id);
      if (i == status.end())
        return "{\"code\":-2013,\"msg\":\"Order does not exist.\"}";
      if (method == "DELETE")
        i->second = "CANCELED";
      return order_json(id, i->second);
    }
    return "{}";
  }
};

gateway_config rest_at(uint16_t port) {
  gateway_config g;
  g.port = port;
  g.api_key = "key";
  g.secret = "secret";
  return g;
}

order_request gtc_buy(const std::string& id) {
  auto o = ioc_buy(id);
  o.tif = time_in_force::gtc;
  return o;
}

} // namespace

CAF_TEST(a_scoped_cancel_all_cancels_only_this_sessions_orders_by_id) {
  venue_book book;
  test::ws_script_server venue(
    [&](const std::string& method, const std::string& target) { return book.answer(method, target); },
    [](peer&, int) {});
  venue_session session(rest_at(venue.port()), {usdchf});
  session.place(gtc_buy("a1-1"), true);
  session.place(gtc_buy("a1-2"), true);
  {
    // The new holder's order on the same account, seen by a reconciliation here.
    std::lock_guard<std::mutex> g(book.mtx);
    book.status["s1-1"] = "NEW";
  }
  reconcile_orders req;
  req.round = 1;
  session.snapshot(req);

  std::vector<session_output> out;
  auto r = session.cancel_own(kill_id{"kill-1"}, node_id{"a1"}, {usdchf},
                              std::chrono::milliseconds(10'000), out);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(r.channel, "venue_cancel_own");
  CAF_CHECK_EQUAL(r.orders_canceled, 2);
  CAF_CHECK_EQUAL(r.open_orders_after, 0);
  CAF_CHECK_EQUAL(book.status["a1-1"], "CANCELED");
  CAF_CHECK_EQUAL(book.status["a1-2"], "CANCELED");
  CAF_CHECK_EQUAL(book.status["s1-1"], "NEW"); // the holder's order stays
  int canceled_reports = 0;
  for (auto& o : out)
    if (auto* e = std::get_if<execution_report>(&o); e && e->status == order_status::canceled)
      ++canceled_reports;
  CAF_CHECK_EQUAL(canceled_reports, 2);
  for (auto& line : venue.rest_requests()) {
    CAF_CHECK(line.rfind("DELETE /api/v3/openOrders", 0) != 0);
    CAF_CHECK(!(line.rfind("DELETE", 0) == 0 && line.find("s1-1") != std::string::npos));
  }
}

CAF_TEST(the_account_wide_cancel_all_is_unchanged) {
  // The lease holder (or a single node): everything of the account.
  venue_book book;
  test::ws_script_server venue(
    [&](const std::string& method, const std::string& target) { return book.answer(method, target); },
    [](peer&, int) {});
  venue_session session(rest_at(venue.port()), {usdchf});
  session.place(gtc_buy("a1-1"), true);
  {
    std::lock_guard<std::mutex> g(book.mtx);
    book.status["s1-1"] = "NEW";
  }
  std::vector<session_output> out;
  auto r = session.cancel_all(kill_id{"kill-1"}, node_id{"a1"}, {usdchf},
                              std::chrono::milliseconds(10'000), out);
  CAF_CHECK(r.ok);
  CAF_CHECK_EQUAL(book.status["s1-1"], "CANCELED");
  bool account_wide = false;
  for (auto& line : venue.rest_requests())
    account_wide = account_wide || line.rfind("DELETE /api/v3/openOrders", 0) == 0;
  CAF_CHECK(account_wide);
}
