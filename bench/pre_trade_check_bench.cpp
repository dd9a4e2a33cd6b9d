// Pre-trade check latency and throughput on one core (issue 5 goal: p50 <=
// 150 ns, p99 <= 1 us with all rules on). Each check is timed with two
// steady_clock reads; the same loop around an empty body, run in the same
// process, is the baseline whose median is subtracted.
//
// All rules are on: gate, mode, duplicate id, execution-throttle latch,
// message rate (a ring of 2000 stamps, full after the first 2000 checks, the
// check time moving 1 ms per order so every order passes), symbol, tick/lot,
// collar, max qty/notional, min notional, position limit and the account's
// credit limit against `open_orders` orders already in the book (a live
// book makes the duplicate-id lookup hash the id).
//
//   build/bench/pre_trade_check_bench [checks=1000000] [open_orders=64]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "actors/risk/pre_trade_check.hpp"

using namespace cwts;
using namespace cwts::risk;
using clock_type = std::chrono::steady_clock;

namespace {

symbol usdchf() {
  return *symbol::parse("USDCHF");
}

// A pool of orders that pass every rule: prices on tick within the collar,
// both sides, sizes on the lot step.
std::vector<order_request> make_orders(size_t n) {
  std::vector<order_request> out;
  for (size_t i = 0; i < n; ++i) {
    order_request o;
    o.id = client_order_id{"bench-" + std::to_string(i)};
    o.strategy = strategy_id{"bench"};
    o.account = account_id{"bench-account"};
    o.sym = usdchf();
    o.order_side = i % 2 ? side::sell : side::buy;
    o.type = order_type::limit;
    o.limit_price = price::from_raw(120'000'000 + static_cast<int64_t>(i % 50) * 10'000);
    o.quantity = qty::from_units(1000 + static_cast<int64_t>(i % 7) * 100);
    out.push_back(o);
  }
  return out;
}

struct percentiles {
  int64_t p50 = 0;
  int64_t p99 = 0;
};

percentiles summarize(std::vector<int64_t>& ns) {
  std::sort(ns.begin(), ns.end());
  return {ns[ns.size() / 2], ns[ns.size() * 99 / 100]};
}

} // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  size_t open_orders = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 64;
  if (n < 1000 || open_orders > 100'000) {
    std::fprintf(stderr, "usage: pre_trade_check_bench [checks>=1000] [open_orders<=100000]\n"
                         "example: pre_trade_check_bench 1000000 64\n");
    return 2;
  }
  kill_gate gate;
  risk_limits limits;
  limits.tradable.insert(usdchf());
  limits.per_symbol[usdchf()] = symbol_limits{qty::from_units(100'000), notional::from_units(500'000),
                                              100, qty::from_units(1'000'000)};
  limits.credit_limits[account_id{"bench-account"}] = notional::from_units(100'000'000);
  limits.per_strategy[strategy_id{"bench"}] = strategy_limits{2000, 1000, 1000};
  limits.pnl = pnl_limits{notional::from_units(10'000), notional::from_units(5'000)};
  symbol_rules_map rules;
  rules[usdchf()] = symbol_rules{*price::parse("0.0001"), qty::from_units(1), notional::from_units(1)};
  pre_trade_check check(gate, limits, rules);
  reference_prices refs;
  refs.set(usdchf(), *price::parse("1.2020"), wall_clock_now());
  position_book book;
  // Open orders of the account, so the credit and position rules see exposure.
  for (auto& o : make_orders(open_orders)) {
    o.id.value = "open-" + o.id.value;
    book.on_order_sent(o);
  }
  auto orders = make_orders(1024);
  int64_t now = 0; // check time: 1 ms per order, under the 2000/s message limit

  std::vector<int64_t> timed(n), baseline(n);
  uint64_t passed = 0;
  for (size_t i = 0; i < n; ++i) {
    now += 1'000'000;
    auto t0 = clock_type::now();
    auto r = check.check(orders[i & 1023], trading_mode::active, refs, book, now);
    auto t1 = clock_type::now();
    passed += r.passed;
    timed[i] = std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
  }
  for (size_t i = 0; i < n; ++i) {
    auto t0 = clock_type::now();
    auto t1 = clock_type::now();
    baseline[i] = std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
  }
  auto start = clock_type::now();
  for (size_t i = 0; i < n; ++i) {
    now += 1'000'000;
    passed += check.check(orders[i & 1023], trading_mode::active, refs, book, now).passed;
  }
  double secs = std::chrono::duration<double>(clock_type::now() - start).count();

  if (passed != 2 * n) {
    std::fprintf(stderr, "pre_trade_check_bench: %llu of %zu checks passed; the pool is wrong\n",
                 static_cast<unsigned long long>(passed), 2 * n);
    return 1;
  }
  auto t = summarize(timed);
  auto b = summarize(baseline);
  std::printf("pre_trade_check: checks=%zu open_orders=%zu p50=%lld ns p99=%lld ns "
              "(clock-read baseline p50=%lld ns "
              "subtracted: p50=%lld ns p99=%lld ns) throughput=%.0f checks/s on one core\n",
              n, open_orders, static_cast<long long>(t.p50), static_cast<long long>(t.p99),
              static_cast<long long>(b.p50), static_cast<long long>(t.p50 - b.p50),
              static_cast<long long>(t.p99 - b.p50), n / secs);
  return 0;
}
