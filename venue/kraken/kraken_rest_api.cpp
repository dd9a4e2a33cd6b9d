#include "venue/kraken/kraken_rest_api.hpp"

namespace cwts::venue {

kraken_rest_api::kraken_rest_api(rest_api& binance)
  : kraken_rest_api(binance, kraken_limits_for(binance.order_counts().limits(),
                                               binance.weights().limit())) {}

kraken_rest_api::kraken_rest_api(rest_api& binance, kraken_limits limits)
  : engine_(binance.engine()), keys_(binance.keys()), stats_(binance.stats()),
    faults_(binance.faults()), errors_(stats_.kraken_rejects), trade_(engine_, faults_, errors_, limits), calls_(limits),
    market_(binance.market()), unusable_(kraken_unusable_accounts(binance.keys())) {
  engine_.on_trade([this](const public_trade& t) { history_.record(t); });
}

http_reply kraken_rest_api::error(const kraken_error& e) {
  errors_.count(e.text);
  return {e.http_status, kraken_error_body(e.text), {}};
}

http_reply kraken_rest_api::ok(std::string_view result_json) const {
  return {200, kraken_envelope(result_json), {}};
}

http_reply kraken_rest_api::handle(const kraken_http_request& req, int64_t now_ms) {
  ++stats_.requests;
  auto q = req.target.find('?');
  auto path = req.target.substr(0, q);
  auto query = q == std::string_view::npos ? std::string_view{} : req.target.substr(q + 1);
  // Fault plan: an injected outage; with unavailable-executes the request
  // still runs and only its reply is lost.
  auto outage = faults_.take_unavailable();
  if (outage && !*outage) return error(kraken_fail(kraken_err::unavailable));
  auto reply = route(req, path, query, now_ms);
  if (outage) reply = error(kraken_fail(kraken_err::unavailable));
  return reply;
}

http_reply kraken_rest_api::route(const kraken_http_request& req, std::string_view path,
                                  std::string_view query, int64_t now_ms) {
  constexpr std::string_view pub = "/0/public/";
  constexpr std::string_view priv = "/0/private/";
  if (path.substr(0, pub.size()) == pub) {
    struct row {
      std::string_view name;
      public_handler h;
    };
    static const row rows[] = {
      {"Time", &kraken_rest_api::time},          {"SystemStatus", &kraken_rest_api::system_status},
      {"Assets", &kraken_rest_api::assets},      {"AssetPairs", &kraken_rest_api::asset_pairs},
      {"Ticker", &kraken_rest_api::ticker},      {"Depth", &kraken_rest_api::depth},
      {"Trades", &kraken_rest_api::trades},      {"OHLC", &kraken_rest_api::ohlc},
      {"Spread", &kraken_rest_api::spread},
    };
    auto method = path.substr(pub.size());
    for (auto& r : rows)
      if (r.name == method) return public_call(req, query, r.h, now_ms);
  } else if (path.substr(0, priv.size()) == priv) {
    struct row {
      std::string_view name;
      private_handler h;
    };
    static const row rows[] = {
      {"Balance", &kraken_rest_api::balance},
      {"BalanceEx", &kraken_rest_api::balance_ex},
      {"AddOrder", &kraken_rest_api::add_order},
      {"AddOrderBatch", &kraken_rest_api::add_order_batch},
      {"AmendOrder", &kraken_rest_api::amend_order},
      {"EditOrder", &kraken_rest_api::edit_order},
      {"CancelOrder", &kraken_rest_api::cancel_order},
      {"CancelOrderBatch", &kraken_rest_api::cancel_order_batch},
      {"CancelAll", &kraken_rest_api::cancel_all},
      {"CancelAllOrdersAfter", &kraken_rest_api::cancel_all_after},
      {"OpenOrders", &kraken_rest_api::open_orders},
      {"ClosedOrders", &kraken_rest_api::closed_orders},
      {"QueryOrders", &kraken_rest_api::query_orders},
      {"TradesHistory", &kraken_rest_api::trades_history},
      {"GetWebSocketsToken", &kraken_rest_api::websockets_token},
    };
    auto method = path.substr(priv.size());
    for (auto& r : rows)
      if (r.name == method) return private_call(req, path, method, r.h, now_ms);
  }
  return error({std::string(kraken_err::unknown_method), 404});
}

http_reply kraken_rest_api::public_call(const kraken_http_request& req, std::string_view query,
                                        public_handler h, int64_t now_ms) {
  // Kraken takes public parameters in the query string of a GET, or in the
  // body of a POST.
  bool json = req.content_type && req.content_type->find("json") != std::string_view::npos;
  auto parsed = req.method == "POST" && !req.body.empty() ? parse_kraken_body(req.body, json)
                                                          : parse_kraken_query(query);
  if (auto e = std::get_if<kraken_error>(&parsed)) return error(*e);
  return (this->*h)(std::get<kraken_args>(parsed).top, now_ms);
}

http_reply kraken_rest_api::private_call(const kraken_http_request& req, std::string_view path,
                                         std::string_view method, private_handler h,
                                         int64_t now_ms) {
  if (req.method != "POST") return error(kraken_invalid("method must be POST"));
  bool json = (req.content_type && req.content_type->find("json") != std::string_view::npos)
              || (!req.body.empty() && req.body.front() == '{');
  auto parsed = parse_kraken_body(req.body, json);
  if (auto e = std::get_if<kraken_error>(&parsed)) return error(*e);
  auto& args = std::get<kraken_args>(parsed);
  std::optional<std::string_view> nonce;
  if (auto n = args.top.get("nonce")) nonce = *n;
  auto who = nonces_.verify(keys_, req.api_key, req.api_sign, path, nonce, req.body);
  if (auto e = std::get_if<kraken_error>(&who)) return error(*e);
  auto* account = std::get<const api_account*>(who);
  if (auto e = calls_.charge(account->api_key, method, now_ms)) return error(*e);
  return (this->*h)(args, account->name, now_ms);
}

const symbol_rules* kraken_rest_api::pair_param(const request_params& p,
                                                std::optional<kraken_error>& err) const {
  auto name = kraken_str(p, "pair");
  if (!name) {
    err = kraken_invalid("pair");
    return nullptr;
  }
  auto r = kraken_find_pair(engine_, *name);
  if (!r) err = kraken_fail(kraken_err::unknown_pair);
  return r;
}

void kraken_rest_api::record_spreads(int64_t now_ms) {
  for (auto& r : engine_.all_rules()) {
    auto bid = engine_.best(r.sym, order_side::buy);
    auto ask = engine_.best(r.sym, order_side::sell);
    if (!bid || !ask) continue;
    auto& q = spreads_[r.sym];
    if (!q.empty() && q.back().bid == bid->px && q.back().ask == ask->px) continue;
    q.push_back({now_ms / 1000, bid->px, ask->px});
    while (q.size() > max_spreads) q.pop_front();
  }
}

kraken_trade::tick_result kraken_rest_api::tick(int64_t now_ms) {
  record_spreads(now_ms);
  return trade_.tick(now_ms);
}

} // namespace cwts::venue
