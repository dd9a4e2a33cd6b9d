// Decoding Binance trade events (combined-stream frames, as the connector
// reads them) into cwts::trade, three ways in the same run over the same
// messages:
//   codec             decode_market_frame: the fixed-layout scanner, DOM fallback
//   rapidjson_dom     RapidJSON DOM parse + typed fields (parse_trade_event)
//   simdjson_ondemand simdjson on-demand, the same fields, the same exact
//                     decimal and symbol parsing
// Every decoder's output is checked equal to the others' before timing.
//
//   decode_trade_bench [messages] [passes]
//   e.g. build-conn/bench/decode_trade_bench 20000 5
//
// Per message: steady_clock around one decode, minus the median cost of an
// empty timed region (printed); p50/p99 over messages x passes. "mean" is a
// whole pass divided by its messages (no clock in the loop).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <simdjson.h>

#include "actors/connector/binance_codec.hpp"
#include "actors/connector/market_codec.hpp"

using namespace cwts;
using namespace cwts::connector;
using clk = std::chrono::steady_clock;

namespace {

std::vector<std::string> make_frames(std::size_t n) {
  std::mt19937_64 rng(42);
  std::vector<std::string> out;
  const char* syms[] = {"BTCUSDT", "ETHUSDT", "BNBUSDT", "USDCHF"};
  for (std::size_t i = 0; i < n; ++i) {
    auto s = std::string(syms[i % 4]);
    std::string lower;
    for (char c : s)
      lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    auto px = 10000 + rng() % 9000000;
    auto q = 1 + rng() % 100000000;
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "{\"stream\":\"%s@trade\",\"data\":{\"e\":\"trade\",\"E\":%lld,\"s\":\"%s\","
                  "\"t\":%llu,\"p\":\"%llu.%08llu\",\"q\":\"%llu.%08llu\",\"T\":%lld,\"m\":%s,"
                  "\"M\":true}}",
                  lower.c_str(), 1672515782136LL + static_cast<long long>(i), s.c_str(),
                  static_cast<unsigned long long>(1000000 + i),
                  static_cast<unsigned long long>(px / 100), static_cast<unsigned long long>(px % 100 * 1000000),
                  static_cast<unsigned long long>(q / 100000000), static_cast<unsigned long long>(q % 100000000),
                  1672515782136LL + static_cast<long long>(i), (rng() & 1) != 0 ? "true" : "false");
    out.emplace_back(buf);
  }
  return out;
}

bool simd_decode(simdjson::ondemand::parser& parser, const simdjson::padded_string& text,
                 timestamp_ns rx, trade& t) {
  simdjson::ondemand::document doc;
  if (parser.iterate(text).get(doc))
    return false;
  simdjson::ondemand::object data;
  if (doc["data"].get_object().get(data))
    return false;
  std::string_view e, s, p, q;
  int64_t id = 0, ms = 0;
  bool m = false;
  if (data["e"].get_string().get(e) || e != "trade" || data["s"].get_string().get(s)
      || data["t"].get_int64().get(id) || data["p"].get_string().get(p)
      || data["q"].get_string().get(q) || data["T"].get_int64().get(ms)
      || data["m"].get_bool().get(m))
    return false;
  auto sym = symbol::parse(s);
  auto px = price::parse(p);
  auto qt = qty::parse(q);
  if (!sym || !px || !qt)
    return false;
  t.sym = *sym;
  t.id = trade_id{id};
  t.px = *px;
  t.quantity = *qt;
  t.ts_event = timestamp_ns::from_millis(ms);
  t.buyer_is_maker = m;
  t.ts_init = rx;
  return true;
}

bool same(const trade& a, const trade& b) {
  return a.sym == b.sym && a.id.value == b.id.value && a.px == b.px && a.quantity == b.quantity
         && a.ts_event.ns == b.ts_event.ns && a.buyer_is_maker == b.buyer_is_maker;
}

int64_t pct(std::vector<int64_t>& v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

struct row {
  const char* name;
  int64_t p50, p99;
  double mean;
};

// `decode(i)` decodes message i; returns a checksum part so nothing is elided.
row measure(const char* name, std::size_t n, int passes, int64_t overhead,
            const std::function<int64_t(std::size_t)>& decode) {
  std::vector<int64_t> ns;
  ns.reserve(n * static_cast<std::size_t>(passes));
  int64_t sink = 0;
  for (std::size_t i = 0; i < n; ++i)
    sink += decode(i); // warm-up
  double best_mean = 1e18;
  for (int p = 0; p < passes; ++p) {
    auto t0 = clk::now();
    for (std::size_t i = 0; i < n; ++i)
      sink += decode(i);
    auto whole = std::chrono::duration<double, std::nano>(clk::now() - t0).count();
    best_mean = std::min(best_mean, whole / static_cast<double>(n));
    for (std::size_t i = 0; i < n; ++i) {
      auto a = clk::now();
      sink += decode(i);
      auto b = clk::now();
      ns.push_back(std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count() - overhead));
    }
  }
  if (sink == 42)
    std::printf(" ");
  return row{name, pct(ns, 0.50), pct(ns, 0.99), best_mean};
}

} // namespace

int main(int argc, char** argv) {
  std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20000;
  int passes = argc > 2 ? std::atoi(argv[2]) : 5;
  if (n == 0 || passes <= 0) {
    std::fprintf(stderr, "usage: decode_trade_bench [messages] [passes]\n"
                         "e.g.  decode_trade_bench 20000 5\n");
    return 2;
  }
  auto frames = make_frames(n);
  std::vector<simdjson::padded_string> padded;
  for (auto& f : frames)
    padded.emplace_back(f);
  timestamp_ns rx{1};
  simdjson::ondemand::parser parser;

  // The three agree on every message.
  market_event ev;
  for (std::size_t i = 0; i < n; ++i) {
    trade s{};
    auto k = decode_market_frame(frames[i], rx, ev);
    auto d = parse_trade_event(frames[i], rx);
    if (!k || !d || !simd_decode(parser, padded[i], rx, s) || !same(ev.tr, d.value())
        || !same(ev.tr, s)) {
      std::fprintf(stderr, "decoders disagree on message %zu: %s\n", i, frames[i].c_str());
      return 1;
    }
  }

  std::vector<int64_t> empty;
  for (int i = 0; i < 100000; ++i) {
    auto a = clk::now();
    auto b = clk::now();
    empty.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
  }
  int64_t overhead = pct(empty, 0.5);

  std::vector<row> rows;
  rows.push_back(measure("codec", n, passes, overhead, [&](std::size_t i) {
    auto k = decode_market_frame(frames[i], rx, ev);
    return k ? ev.tr.id.value : -1;
  }));
  rows.push_back(measure("rapidjson_dom", n, passes, overhead, [&](std::size_t i) {
    auto d = parse_trade_event(frames[i], rx);
    return d ? d.value().id.value : -1;
  }));
  rows.push_back(measure("simdjson_ondemand", n, passes, overhead, [&](std::size_t i) {
    trade t{};
    return simd_decode(parser, padded[i], rx, t) ? t.id.value : -1;
  }));
  rows.push_back(measure("codec_dom_path", n, passes, overhead, [&](std::size_t i) {
    auto k = decode_market_frame_dom(frames[i], rx, ev);
    return k ? ev.tr.id.value : -1;
  }));

  std::printf("decode_trade_bench: %zu messages (avg %zu bytes) x %d passes, clock overhead %lld ns "
              "(subtracted)\n",
              n, frames[0].size(), passes, static_cast<long long>(overhead));
  std::printf("%-18s %8s %8s %9s %12s\n", "decoder", "p50_ns", "p99_ns", "mean_ns", "p50/simdjson");
  double simd = static_cast<double>(std::max<int64_t>(1, rows[2].p50));
  for (auto& r : rows)
    std::printf("%-18s %8lld %8lld %9.1f %12.2f\n", r.name, static_cast<long long>(r.p50),
                static_cast<long long>(r.p99), r.mean, static_cast<double>(r.p50) / simd);
  return 0;
}
