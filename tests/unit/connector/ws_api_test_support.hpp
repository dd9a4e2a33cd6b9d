#pragma once
// What the WebSocket API tests (ws_api_pipeline_test, ws_api_kill_test) share:
// the order they place, the client's config for a scripted venue, the venue's
// answer to an order.place, and a collector of the pipeline's completions.

#include <mutex>
#include <string>
#include <vector>

#include "actors/connector/ws_api_orders.hpp"
#include "actors/connector/ws_api_pipeline.hpp"

namespace cwts::test {

inline order_request ioc_buy(const std::string& id, const char* sym = "USDCHF") {
  order_request req;
  req.id = client_order_id{id};
  req.sym = *symbol::parse(sym);
  req.order_side = side::buy;
  req.type = order_type::limit;
  req.tif = time_in_force::ioc;
  req.limit_price = *price::parse("0.5");
  req.quantity = *qty::parse("1");
  return req;
}

inline connector::ws_api_config ws_api_at(uint16_t port) {
  connector::ws_api_config c;
  c.port = port;
  c.api_key = "key";
  c.secret = "secret";
  return c;
}

// The venue's full answer to order.place request `id` for client order id
// `client_id`: a 1-lot USDCHF limit buy at 0.5 in `status`, nothing filled.
inline std::string place_answer(const std::string& id, const std::string& client_id,
                                const char* status, const char* tif) {
  return "{\"id\":\"" + id + "\",\"status\":200,\"result\":{\"symbol\":\"USDCHF\",\"orderId\":7,"
         "\"orderListId\":-1,\"clientOrderId\":\"" + client_id + "\",\"transactTime\":1684804350068,"
         "\"price\":\"0.50000000\",\"origQty\":\"1.00000000\",\"executedQty\":\"0.00000000\","
         "\"cummulativeQuoteQty\":\"0.00000000\",\"status\":\"" + status + "\",\"timeInForce\":\""
         + tif + "\",\"type\":\"LIMIT\",\"side\":\"BUY\"}}";
}

// Every request's end, collected on the pipeline's thread.
struct ws_api_ends {
  std::mutex mtx;
  std::vector<connector::ws_api_completion> all;

  connector::ws_api_pipeline::done_fn fn() {
    return [this](std::vector<connector::ws_api_completion> batch) {
      std::lock_guard<std::mutex> g(mtx);
      for (auto& c : batch)
        all.push_back(std::move(c));
    };
  }
  std::size_t size() {
    std::lock_guard<std::mutex> g(mtx);
    return all.size();
  }
  std::vector<connector::ws_api_completion> copy() {
    std::lock_guard<std::mutex> g(mtx);
    return all;
  }
};

} // namespace cwts::test
