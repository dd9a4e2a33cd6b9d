#define CAF_SUITE venue_request
#include "tests/support/unit_test.hpp"

#include "common/hmac.hpp"
#include "venue/request_auth.hpp"
#include "venue/rest_api.hpp"
#include "venue/stream_path.hpp"
#include "venue/venue_config.hpp"

using namespace cwts;
using namespace cwts::venue;

namespace {

const std::string doc_secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const std::string doc_payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1"
                                "&price=0.1&recvWindow=5000&timestamp=1499827319559";
const std::string doc_signature =
  "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";

key_store doc_keys() {
  key_store k;
  k.add(api_account{"doc", "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
                    doc_secret, {}});
  return k;
}

int error_code(const std::variant<std::string, venue_error>& r) {
  auto e = std::get_if<venue_error>(&r);
  return e ? e->code : 0;
}

} // namespace

CAF_TEST(binance_documented_signature_vector) {
  CAF_CHECK_EQUAL(hmac_sha256_hex(doc_secret, doc_payload), doc_signature);
}

CAF_TEST(signature_covers_query_then_body_exactly) {
  auto keys = doc_keys();
  std::string key = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
  // rest-api.md example 3: part in the query string, part in the body.
  std::string query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC";
  std::string body = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
  auto sig = hmac_sha256_hex(doc_secret, query + body);
  auto with_sig = body + "&signature=" + sig;
  auto params = std::get<request_params>(parse_params(query, with_sig));
  auto ok = authenticate(keys, std::string_view(key), query, with_sig, params, 1499827319600);
  CAF_REQUIRE(std::holds_alternative<std::string>(ok));
  CAF_CHECK_EQUAL(std::get<std::string>(ok), "doc");
  auto bad = body + "&signature=" + doc_signature;
  auto bad_params = std::get<request_params>(parse_params(query, bad));
  CAF_CHECK_EQUAL(error_code(authenticate(keys, std::string_view(key), query, bad, bad_params,
                                          1499827319600)), -1022);
  CAF_CHECK_EQUAL(error_code(authenticate(keys, std::string_view(key), query, with_sig, params,
                                          1499827329600)), -1021);
  CAF_CHECK_EQUAL(error_code(authenticate(keys, std::nullopt, query, with_sig, params, 0)), -2014);
  CAF_CHECK_EQUAL(error_code(authenticate(keys, std::string_view("unknownKey"), query, with_sig,
                                          params, 0)), -2015);
}

CAF_TEST(malformed_requests_get_binance_errors) {
  matching_engine engine;
  symbol_rules r;
  r.sym = *symbol::parse("USDCHF");
  r.tick_size = *price::parse("0.0001");
  engine.add_symbol(r);
  key_store keys;
  keys.add(api_account{"demo", "k1", "s1", {}});
  venue_stats stats;
  rest_api api(engine, keys, stats);
  auto call = [&](std::string params) {
    params += "&timestamp=1000";
    auto target = "/api/v3/order?" + params + "&signature=" + hmac_sha256_hex("s1", params);
    return api.handle(http_request_view{"POST", target, std::string_view("k1"), ""}, 1000);
  };
  CAF_CHECK_EQUAL(call("symbol=USDCHF").body,
                  "{\"code\":-1102,\"msg\":\"Mandatory parameter 'side' was not sent, was "
                  "empty/null, or malformed.\"}");
  CAF_CHECK_EQUAL(call("symbol=EURUSD&side=BUY").body,
                  "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
  CAF_CHECK_EQUAL(call("symbol=USDCHF&bogus=1").status, 400);
  CAF_CHECK_EQUAL(call("symbol=USDCHF&symbol=USDCHF").body,
                  "{\"code\":-1101,\"msg\":\"Duplicate values for a parameter detected.\"}");
  auto unsigned_reply = api.handle(http_request_view{"GET", "/api/v3/openOrders?timestamp=1000",
                                                     std::string_view("k1"), ""}, 1000);
  CAF_CHECK_EQUAL(unsigned_reply.status, 400);
  CAF_CHECK_EQUAL(stats.rejects[-1104], 1u);
  CAF_CHECK_EQUAL(stats.rejects[-1102], 2u);
}

CAF_TEST(parses_stream_targets_and_config) {
  auto raw = parse_stream_target("/ws/usdchf@trade");
  CAF_REQUIRE(raw.has_value());
  CAF_CHECK(!raw->combined);
  auto combined = parse_stream_target("/stream?streams=usdchf@trade/btcusdt@trade");
  CAF_REQUIRE(combined.has_value());
  CAF_CHECK_EQUAL(combined->streams.size(), 2u);
  auto book = parse_stream_target("/stream?streams=usdchf@depth@100ms/usdchf@bookTicker/usdchf@depth");
  CAF_REQUIRE(book.has_value());
  CAF_REQUIRE_EQUAL(book->streams.size(), 3u);
  CAF_CHECK(book->streams[0].kind == stream_kind::depth_100ms);
  CAF_CHECK(book->streams[1].kind == stream_kind::book_ticker);
  CAF_CHECK(book->streams[2].kind == stream_kind::depth_1000ms);
  CAF_CHECK_EQUAL(stream_name(book->streams[1]), "usdchf@bookTicker");
  // Binance opens /ws/<any name> with no stream; SUBSCRIBE adds them.
  auto kline = parse_stream_target("/ws/usdchf@kline_1m");
  CAF_REQUIRE(kline.has_value());
  CAF_CHECK(kline->streams.empty());
  CAF_CHECK_EQUAL(kline->unserved_name, "usdchf@kline_1m");
  auto named = parse_stream_target("/ws/my-client-7");
  CAF_REQUIRE(named.has_value());
  CAF_CHECK(named->streams.empty());
  CAF_CHECK_EQUAL(named->unserved_name, "my-client-7");
  CAF_CHECK(!parse_stream_target("/stream?streams=usdchf@trade/usdchf@kline_1m"));
  CAF_CHECK(!parse_stream_target("/wss/usdchf@trade"));
  auto agg = parse_stream_target("/ws/usdchf@aggTrade");
  CAF_REQUIRE(agg.has_value());
  CAF_CHECK(agg->streams[0].kind == stream_kind::agg_trade);
  CAF_CHECK(parse_stream_target("/ws/USDCHF@depth")->streams.empty()); // symbols are lower-case
  auto bad = load_venue_config("[venue]\nspeed=fast\n", "");
  CAF_REQUIRE(std::holds_alternative<std::string>(bad));
  CAF_CHECK_EQUAL(std::get<std::string>(bad).rfind("[venue] speed:", 0), 0u);
}
