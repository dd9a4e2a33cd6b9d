// binance_rest_gateway::cancel_all: the venue channel of the kill switch
// (DESIGN.md, Kill switch: "Binance DELETE /api/v3/openOrders per symbol,
// then a query proving none are left"). Every number it reports is counted
// or measured here.

#include <algorithm>
#include <thread>

#include "actors/connector/binance_codec.hpp"
#include "actors/connector/binance_rest_gateway.hpp"
#include "messages/time.hpp"

namespace cwts::connector {

namespace {

using boost::beast::http::verb;

std::string describe(const http_error& e) {
  return std::string(to_string(e.failure)) + ": " + e.detail;
}

} // namespace

// One DELETE then one GET. The DELETE is repeated on later rounds because
// orders in flight may land after it; a repeated cancel is harmless (the
// venue answers -2011 when nothing is open).
void binance_rest_gateway::cancel_all_round(cancel_all_result& out, steady_deadline deadline) {
  query_params p{{"symbol", out.sym.str()}};
  ++out.cancel_requests;
  auto del = signed_request(verb::delete_, "/api/v3/openOrders", p, request_deadline(deadline));
  if (!del) {
    out.error = "cancel: " + describe(del.error());
  } else if (del.value().status == 200) {
    // One element per canceled order (we place no order lists).
    auto n = parse_array_length(del.value().body);
    if (n)
      out.canceled += static_cast<int64_t>(n.value());
    else
      out.error = "cancel: unreadable reply: " + n.error().reason;
  } else {
    auto err = parse_api_error(del.value().body);
    // errors.md: -2011 "Unknown order sent." = nothing was open: zero canceled.
    if (!err || err.value().code != code_unknown_order_sent)
      out.error = "cancel: HTTP " + std::to_string(del.value().status) + " "
                  + (err ? std::to_string(err.value().code) + " " + err.value().msg
                         : err.error().reason);
  }
  ++out.query_requests;
  auto get = signed_request(verb::get, "/api/v3/openOrders", p, request_deadline(deadline));
  if (!get) {
    out.error = "query: " + describe(get.error());
    return;
  }
  if (get.value().status != 200) {
    out.error = "query: HTTP " + std::to_string(get.value().status) + " " + get.value().body;
    return;
  }
  auto n = parse_array_length(get.value().body);
  if (!n) {
    out.error = "query: unreadable reply: " + n.error().reason;
    return;
  }
  out.remaining = static_cast<int64_t>(n.value());
}

cancel_all_result binance_rest_gateway::cancel_all(const symbol& sym, steady_deadline deadline) {
  auto start = monotonic_ns();
  cancel_all_result out;
  out.sym = sym;
  for (int round = 0;; ++round) {
    if (round > 0)
      ++out.retries;
    out.error.clear();
    cancel_all_round(out, deadline);
    if (out.verified_empty()) {
      // The query proved none are left, whatever happened to the DELETE.
      out.error.clear();
      break;
    }
    auto pause = std::chrono::steady_clock::now() + cfg_.cancel_all_pause;
    if (pause >= deadline) {
      // A round the deadline cut short (its request timed out) still ends
      // as a deadline: the count is the last one a query answered, and the
      // round's own failure follows it.
      auto left = out.remaining ? "deadline passed with " + std::to_string(*out.remaining)
                                    + " open orders remaining at the last query"
                                : std::string("deadline passed before a successful query");
      out.error = left + (out.error.empty() ? "" : "; " + out.error);
      break;
    }
    std::this_thread::sleep_until(pause);
  }
  out.duration_ns = monotonic_ns() - start;
  return out;
}

} // namespace cwts::connector
