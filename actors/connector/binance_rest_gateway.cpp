#include "actors/connector/binance_rest_gateway.hpp"

#include <algorithm>
#include <thread>

#include "actors/connector/binance_codec.hpp"
#include "actors/connector/tls_transport.hpp"
#include "messages/time.hpp"

namespace cwts::connector {

namespace {

using boost::beast::http::verb;
using clock_type = std::chrono::steady_clock;

// Turns an HTTP outcome into a venue_reply. rest-api.md, "HTTP Return
// Codes": 4XX are client-side refusals (the request was not executed); 5XX
// are venue-side errors whose "execution status is UNKNOWN". errors.md -1007
// (timeout waiting for the backend) is unknown as well.
template <class T, class Parse>
venue_reply<T> classify(const outcome<http_reply, http_error>& r, Parse parse) {
  venue_reply<T> out;
  if (!r) {
    const auto& e = r.error();
    out.kind = e.delivered == delivery::not_sent ? reply_kind::not_sent : reply_kind::unknown;
    out.detail = std::string(to_string(e.failure)) + ": " + e.detail;
    return out;
  }
  const auto& reply = r.value();
  out.http_status = reply.status;
  out.rtt_ns = reply.rtt_ns;
  out.used_weight_1m = reply.used_weight_1m;
  if (reply.status >= 200 && reply.status < 300) {
    auto v = parse(reply.body);
    if (v) {
      out.kind = reply_kind::ok;
      out.value = std::move(v.value());
    } else {
      // The venue accepted the request but we cannot read what it did.
      out.kind = reply_kind::unknown;
      out.detail = "unreadable success reply: " + v.error().reason;
    }
    return out;
  }
  auto err = parse_api_error(reply.body);
  if (err)
    out.error = err.value();
  else
    out.error = api_error{0, "HTTP " + std::to_string(reply.status) + " without error body"};
  bool unknown = reply.status >= 500 || out.error.code == code_backend_timeout;
  out.kind = unknown ? reply_kind::unknown : reply_kind::rejected;
  out.detail = "HTTP " + std::to_string(reply.status) + " code=" + std::to_string(out.error.code)
               + " msg=" + out.error.msg;
  return out;
}

template <class T>
venue_reply<T> refuse_locally(std::string why) {
  venue_reply<T> out;
  out.kind = reply_kind::not_sent;
  out.detail = "invalid request: " + std::move(why);
  return out;
}

} // namespace

std::string check_order(const order_request& req) {
  if (req.sym.empty())
    return "empty symbol";
  if (!is_valid_client_order_id(req.id.value))
    return "client order id does not match ^[.A-Z:/a-z0-9_-]{1,36}$";
  if (!req.quantity.is_positive())
    return "quantity must be positive";
  if (req.type == order_type::limit && !req.limit_price.is_positive())
    return "limit price must be positive";
  return {};
}

// rest-api.md, New order (TRADE): LIMIT needs timeInForce, quantity, price;
// MARKET needs quantity and takes neither price nor timeInForce.
query_params order_params(const order_request& req, order_response_type resp) {
  query_params p{{"symbol", req.sym.str()},
                 {"side", to_string(req.order_side)},
                 {"type", to_string(req.type)}};
  if (req.type == order_type::limit)
    p.emplace_back("timeInForce", to_string(req.tif));
  p.emplace_back("quantity", req.quantity.to_string());
  if (req.type == order_type::limit)
    p.emplace_back("price", req.limit_price.to_string());
  p.emplace_back("newClientOrderId", req.id.value);
  p.emplace_back("newOrderRespType", resp == order_response_type::full ? "FULL" : "RESULT");
  return p;
}

std::string validate(const gateway_config& cfg) {
  if (cfg.host.empty())
    return "host: empty";
  if (cfg.port == 0)
    return "port: must be 1..65535";
  if (cfg.api_key.empty())
    return "api_key: empty";
  if (cfg.secret.empty())
    return "secret: empty";
  // rest-api.md: recvWindow cannot exceed 60000.
  if (cfg.recv_window_ms <= 0 || cfg.recv_window_ms > 60000)
    return "recv_window_ms: must be 1..60000";
  if (cfg.request_timeout.count() <= 0)
    return "request_timeout: must be positive";
  return validate_tls(cfg.tls, cfg.ca_file);
}

const char* to_string(reply_kind k) {
  switch (k) {
    case reply_kind::ok: return "ok";
    case reply_kind::rejected: return "rejected";
    case reply_kind::not_sent: return "not_sent";
    case reply_kind::unknown: return "unknown";
  }
  return "?";
}

binance_rest_gateway::binance_rest_gateway(gateway_config cfg)
  : cfg_(std::move(cfg)),
    signer_(cfg_.secret, cfg_.recv_window_ms),
    http_(make_http_transport(cfg_.host, cfg_.port, cfg_.tls, cfg_.ca_file),
          cfg_.host + ":" + std::to_string(cfg_.port), cfg_.request_timeout) {}

std::chrono::milliseconds binance_rest_gateway::paused_for() const {
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch());
  auto left = paused_until_ns_.load() - now.count();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::nanoseconds(
    std::max<int64_t>(0, left)));
}

outcome<http_reply, http_error> binance_rest_gateway::send(const http_request& req,
                                                           steady_deadline deadline) {
  if (auto left = paused_for(); left.count() > 0) {
    ++limits_.refused;
    return http_error{http_failure::rate_limited, delivery::not_sent,
                      std::string(banned_ ? "IP banned (HTTP 418)"
                                          : "request weight over the limit (HTTP 429)")
                        + ", " + std::to_string(left.count()) + " ms left of Retry-After",
                      0};
  }
  banned_ = false;
  auto r = http_.send(req, deadline);
  if (r && (r.value().status == 429 || r.value().status == 418)) {
    bool ban = r.value().status == 418;
    ++(ban ? limits_.http_418 : limits_.http_429);
    banned_ = ban;
    // Without a Retry-After the pause is one second (the header's unit).
    auto secs = std::max<int64_t>(1, r.value().retry_after_s.value_or(1));
    paused_until_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         (clock_type::now() + std::chrono::seconds(secs)).time_since_epoch())
                         .count();
  }
  return r;
}

steady_deadline binance_rest_gateway::request_deadline(steady_deadline limit) const {
  return std::min(clock_type::now() + cfg_.request_timeout, limit);
}

outcome<http_reply, http_error>
binance_rest_gateway::signed_request(verb method, const char* path, const query_params& params,
                                     steady_deadline deadline) {
  auto ts = wall_clock_now().millis() + time_offset_ms_;
  // All parameters travel in the query string, for every method, so the
  // signed bytes are exactly the bytes of the target (rest-api.md allows
  // query string or body for POST/PUT/DELETE).
  http_request req;
  req.method = method;
  req.target = std::string(path) + "?" + signer_.sign(params, ts);
  req.headers.emplace_back("X-MBX-APIKEY", cfg_.api_key);
  req.idempotent = method == verb::get;
  return send(req, deadline);
}

venue_reply<venue_order> binance_rest_gateway::place_order(const order_request& req) {
  if (auto why = check_order(req); !why.empty())
    return refuse_locally<venue_order>(std::move(why));
  auto r = signed_request(verb::post, "/api/v3/order", order_params(req, cfg_.response_type),
                          request_deadline(steady_deadline::max()));
  return classify<venue_order>(r, parse_order);
}

venue_reply<venue_order> binance_rest_gateway::cancel_order(const symbol& sym,
                                                            const client_order_id& id) {
  query_params p{{"symbol", sym.str()}, {"origClientOrderId", id.value}};
  auto r = signed_request(verb::delete_, "/api/v3/order", p,
                          request_deadline(steady_deadline::max()));
  return classify<venue_order>(r, parse_order);
}

venue_reply<venue_order> binance_rest_gateway::query_order(const symbol& sym,
                                                           const client_order_id& id) {
  query_params p{{"symbol", sym.str()}, {"origClientOrderId", id.value}};
  auto r = signed_request(verb::get, "/api/v3/order", p, request_deadline(steady_deadline::max()));
  return classify<venue_order>(r, parse_order);
}

venue_reply<std::vector<venue_order>> binance_rest_gateway::open_orders(const symbol& sym) {
  query_params p{{"symbol", sym.str()}};
  auto r = signed_request(verb::get, "/api/v3/openOrders", p,
                          request_deadline(steady_deadline::max()));
  return classify<std::vector<venue_order>>(r, parse_order_list);
}

venue_reply<std::vector<venue_order>> binance_rest_gateway::all_orders(const symbol& sym,
                                                                       int limit,
                                                                       int64_t start_ms) {
  query_params p{{"symbol", sym.str()}, {"limit", std::to_string(limit)}};
  if (start_ms > 0)
    p.push_back({"startTime", std::to_string(start_ms)});
  auto r = signed_request(verb::get, "/api/v3/allOrders", p,
                          request_deadline(steady_deadline::max()));
  return classify<std::vector<venue_order>>(r, parse_order_list);
}

venue_reply<server_time_sample> binance_rest_gateway::server_time() {
  http_request req;
  req.target = "/api/v3/time";
  req.idempotent = true;
  auto before_ms = wall_clock_now().millis();
  auto r = send(req, request_deadline(steady_deadline::max()));
  auto after_ms = wall_clock_now().millis();
  auto parse = [&](const std::string& body) -> outcome<server_time_sample> {
    auto ms = parse_server_time(body);
    if (!ms)
      return ms.error();
    return server_time_sample{ms.value(), ms.value() - (before_ms + after_ms) / 2, 0};
  };
  auto out = classify<server_time_sample>(r, parse);
  out.value.rtt_ns = out.rtt_ns;
  return out;
}

venue_reply<std::vector<asset_balance>> binance_rest_gateway::account_balances() {
  auto r = signed_request(verb::get, "/api/v3/account", {}, request_deadline(steady_deadline::max()));
  return classify<std::vector<asset_balance>>(r, parse_account_balances);
}

venue_reply<symbol_assets> binance_rest_gateway::assets_of(const symbol& sym) {
  http_request req;
  req.target = "/api/v3/exchangeInfo?symbol=" + sym.str();
  req.idempotent = true;
  auto r = send(req, request_deadline(steady_deadline::max()));
  return classify<symbol_assets>(r, [&](const std::string& body) { return parse_symbol_assets(body, sym); });
}

} // namespace cwts::connector
