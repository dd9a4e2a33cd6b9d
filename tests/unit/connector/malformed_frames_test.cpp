// A corpus of malformed venue frames (truncated, wrong types, huge numbers,
// NaN/Infinity, non-UTF-8, deep nesting, exponent decimals...) through every
// frame decoder: each is rejected with a reason, none crashes. The libFuzzer
// target fuzz/market_frame_fuzz.cpp explores beyond this corpus.
#define CAF_SUITE connector_malformed_frames
#include "tests/support/unit_test.hpp"

#include <string>
#include <vector>

#include "actors/connector/binance_codec.hpp"
#include "actors/connector/market_codec.hpp"
#include "actors/connector/trade_scanner.hpp"
#include "actors/connector/user_data_codec.hpp"

using namespace cwts;
using namespace cwts::connector;

namespace {

const timestamp_ns rx{1'700'000'000'000'000'000};

const std::string trade_ok
  = R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":12,"p":"100.5","q":"0.1","T":1672515782136,"m":true,"M":true}})";
const std::string depth_ok
  = R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1672515782136,"s":"BTCUSDT","U":157,"u":160,"b":[["0.0024","10"]],"a":[["0.0026","100"]]}})";
const std::string ticker_ok
  = R"({"stream":"btcusdt@bookTicker","data":{"u":400900217,"s":"BTCUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}})";
const std::string agg_ok
  = R"({"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1,"s":"BTCUSDT","a":5,"p":"100.5","q":"2","f":10,"l":12,"T":1672515782136,"m":false,"M":true}})";

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  CAF_REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

std::vector<std::string> corpus() {
  std::vector<std::string> c = {
    "", " ", "{", "}", "[]", "null", "42", "\"trade\"", "{}", "{\"stream\":null}",
    std::string("\xff\xfe\xfd", 3), std::string("{\"stream\":\"\xc3\x28@trade\",\"data\":{}}"),
    std::string(1, '\0'), std::string("{\"e\":\"trade\"\0}", 14),
    std::string(100000, '['), std::string(5000, '{'),
  };
  for (auto* ok : {&trade_ok, &depth_ok, &ticker_ok, &agg_ok})
    for (std::size_t cut : {1ul, 10ul, ok->size() / 2, ok->size() - 1})
      c.push_back(ok->substr(0, cut)); // truncated
  // Wrong types, huge numbers, NaN, Infinity, exponents, negatives.
  c.push_back(replace(trade_ok, "\"p\":\"100.5\"", "\"p\":100.5"));
  c.push_back(replace(trade_ok, "\"p\":\"100.5\"", "\"p\":\"NaN\""));
  c.push_back(replace(trade_ok, "\"p\":\"100.5\"", "\"p\":NaN"));
  c.push_back(replace(trade_ok, "\"p\":\"100.5\"", "\"p\":\"Infinity\""));
  c.push_back(replace(trade_ok, "\"p\":\"100.5\"", "\"p\":\"1e308\""));
  c.push_back(replace(trade_ok, "\"p\":\"100.5\"", "\"p\":\"99999999999999999999999.5\""));
  c.push_back(replace(trade_ok, "\"p\":\"100.5\"", "\"p\":\"-\""));
  c.push_back(replace(trade_ok, "\"p\":\"100.5\"", "\"p\":\"\""));
  c.push_back(replace(trade_ok, "\"q\":\"0.1\"", "\"q\":\"0.123456789\""));
  c.push_back(replace(trade_ok, "\"t\":12", "\"t\":99999999999999999999999"));
  // Issue 26: 19 digits overflowed int64 in the trade scanner (UBSan).
  c.push_back(replace(trade_ok, "\"t\":12", "\"t\":9999999999999999999"));
  c.push_back(replace(trade_ok, "\"t\":12", "\"t\":9223372036854775808"));
  c.push_back(replace(trade_ok, "\"T\":1672515782136", "\"T\":9999999999999999999"));
  c.push_back(replace(trade_ok, "\"t\":12", "\"t\":\"12\""));
  c.push_back(replace(trade_ok, "\"t\":12", "\"t\":1.5"));
  c.push_back(replace(trade_ok, "\"T\":1672515782136", "\"T\":9223372036854775807"));
  c.push_back(replace(trade_ok, "\"T\":1672515782136", "\"T\":-1"));
  c.push_back(replace(trade_ok, "\"m\":true", "\"m\":\"true\""));
  c.push_back(replace(trade_ok, "\"s\":\"BTCUSDT\"", "\"s\":\"BTCUSDTBTCUSDTBTCUSDT\""));
  c.push_back(replace(trade_ok, "\"s\":\"BTCUSDT\"", "\"s\":\"b\\u0000c\""));
  c.push_back(replace(trade_ok, "\"s\":\"BTCUSDT\"", "\"s\":\"\xff\xfe\""));
  c.push_back(replace(trade_ok, "\"data\":{", "\"data\":[{") + "]");
  c.push_back(trade_ok + "garbage");
  c.push_back(replace(depth_ok, "\"U\":157", "\"U\":161"));
  c.push_back(replace(depth_ok, "[[\"0.0024\",\"10\"]]", "[[\"0.0024\"]]"));
  c.push_back(replace(depth_ok, "[[\"0.0024\",\"10\"]]", "[[\"0.0024\",\"10\",\"1\"]]"));
  c.push_back(replace(depth_ok, "[[\"0.0024\",\"10\"]]", "[[0.0024,10]]"));
  c.push_back(replace(depth_ok, "[[\"0.0024\",\"10\"]]", "{}"));
  c.push_back(replace(depth_ok, "[[\"0.0024\",\"10\"]]", "[[\"-1\",\"10\"]]"));
  c.push_back(replace(depth_ok, "\"E\":1672515782136", "\"E\":1e3"));
  c.push_back(replace(ticker_ok, "\"u\":400900217", "\"u\":\"x\""));
  c.push_back(replace(ticker_ok, "\"b\":\"25.35190000\"", "\"b\":\"25.3519.0000\""));
  c.push_back(replace(agg_ok, "\"l\":12", "\"l\":9"));
  c.push_back(replace(agg_ok, "\"e\":\"aggTrade\"", "\"e\":\"trade\""));
  c.push_back(replace(trade_ok, "btcusdt@trade", "btcusdt@depth@1ms"));
  // Found by fuzz/market_frame_fuzz.cpp: times whose nanoseconds overflow int64.
  c.push_back(R"({"subscriptionId":0,"event":{"e":"executionReport","E":14994056586508000,"s":"ETHBTC","c":"x","S":"BUY","o":"LIMIT","f":"GTC","q":"1","p":"0.1","x":"NEW","X":"NEW","r":"NONE","i":1,"l":"0","z":"0","L":"0","n":"0","N":null,"T":1,"t":-1,"m":false,"Z":"0","Y":"0"}})");
  c.push_back(R"({"symbol":"BTCUSDT","orderId":1,"clientOrderId":"x","transactTime":9223372036854775807})");
  return c;
}

} // namespace

CAF_TEST(well_formed_frames_decode) {
  market_event ev;
  for (auto* ok : {&trade_ok, &depth_ok, &ticker_ok, &agg_ok})
    CAF_CHECK(decode_market_frame(*ok, rx, ev).ok());
}

CAF_TEST(every_malformed_frame_is_rejected_with_a_reason) {
  std::size_t n = 0;
  for (auto& frame : corpus()) {
    market_event ev;
    auto fast = decode_market_frame(frame, rx, ev);
    auto dom = decode_market_frame_dom(frame, rx, ev);
    trade t{};
    CAF_CHECK(!scan_trade_frame(frame, rx, t));
    CAF_CHECK(!fast.ok());
    CAF_CHECK(!dom.ok());
    if (!fast.ok()) {
      CAF_CHECK(!fast.error().reason.empty());
      CAF_CHECK_EQUAL(fast.error().reason, dom.error().reason);
    } else {
      CAF_MESSAGE("accepted: " << frame.substr(0, 200));
    }
    // The other decoders see the same bytes on other channels.
    CAF_CHECK(!parse_depth_snapshot(frame).ok());
    CAF_CHECK(!parse_user_data_frame(frame).ok());
    auto order = parse_order(frame);
    CAF_CHECK(!order.ok());
    ++n;
  }
  CAF_MESSAGE(n << " malformed frames rejected");
  CAF_CHECK(n > 50u);
}
