#define CAF_SUITE venue_replay
#include "tests/support/unit_test.hpp"

#include <sstream>

#include "venue/market_replay.hpp"
#include "venue/venue_config.hpp"

using namespace cwts;
using namespace cwts::venue;

namespace {

symbol_rules rules() {
  symbol_rules r;
  r.sym = *symbol::parse("USDCHF");
  r.base_asset = "USD";
  r.quote_asset = "CHF";
  r.tick_size = *price::parse("0.0001");
  r.min_price = *price::parse("0.0001");
  r.step_size = *qty::parse("1");
  r.min_qty = *qty::parse("1");
  return r;
}

tape_trade print(const char* px, const char* q, bool buyer_maker) {
  return tape_trade{1, *price::parse(px), *qty::parse(q), 1000, buyer_maker};
}

} // namespace

CAF_TEST(reads_binance_trades_and_skips_malformed_lines) {
  std::istringstream in("id,price,qty,quoteQty,time,isBuyerMaker,isBestMatch\n"
                        "2,1.2000,5,6,1700000000001,True,True\n"
                        "1,1.1999,3,3.6,1700000000000,False,True\n"
                        "x,1,1,1,1,True,True\n"
                        "3,-1,1,1,1,True,True\n"
                        "4,1.2,2,2.4,1700000000000123,false,true\n"
                        "5,1.2\n");
  auto r = read_trades_csv(in);
  CAF_CHECK(r.had_header);
  CAF_REQUIRE_EQUAL(r.trades.size(), 3u);
  CAF_CHECK_EQUAL(r.skipped, 3u);
  CAF_CHECK_EQUAL(r.trades[0].trade_id, 1);
  CAF_CHECK_EQUAL(r.trades[1].time_ms, 1700000000000); // microseconds converted
  CAF_CHECK_EQUAL(r.reasons.front(), "line 4: bad tradeId");
}

CAF_TEST(seeds_the_passive_side_at_the_tape_price) {
  seed_config cfg{3, *qty::parse("10")};
  auto seeds = seed_orders(rules(), print("1.2000", "25", true), cfg);
  CAF_REQUIRE_EQUAL(seeds.size(), 6u);
  // Seller aggressed: bids at 1.2000 (at least the print's size), 1.1999, 1.1998.
  CAF_CHECK(seeds[0].side == order_side::buy);
  CAF_CHECK_EQUAL(seeds[0].px.to_string(), "1.20000000");
  CAF_CHECK_EQUAL(seeds[0].quantity.to_string(), "25.00000000");
  CAF_CHECK_EQUAL(seeds[2].px.to_string(), "1.19980000");
  CAF_CHECK(seeds[3].side == order_side::sell);
  CAF_CHECK_EQUAL(seeds[3].px.to_string(), "1.20010000");
}

CAF_TEST(tape_print_fills_a_resting_user_order_first) {
  matching_engine engine;
  engine.add_symbol(rules());
  engine.fund("demo", "CHF", *qty::parse("1000000"));
  place_request user;
  user.account = "demo";
  user.sym = rules().sym;
  user.side = order_side::buy;
  user.px = *price::parse("1.2000");
  user.quantity = *qty::parse("4");
  auto placed = engine.place(user, 1);
  CAF_REQUIRE(std::holds_alternative<order>(placed));
  auto id = std::get<order>(placed).order_id;
  seed_config cfg{2, *qty::parse("10")};
  auto traded = print_tape_trade(engine, rules(), print("1.2000", "6", true), cfg, 2);
  CAF_CHECK_EQUAL(traded.to_string(), "6.00000000");
  auto q = engine.query("demo", rules().sym, {id, {}});
  CAF_REQUIRE(std::holds_alternative<order>(q));
  CAF_CHECK(std::get<order>(q).status == order_status::filled);
  // Re-seeding twice leaves only the latest venue liquidity.
  print_tape_trade(engine, rules(), print("1.2000", "1", false), cfg, 3);
  auto before = engine.stored_orders();
  print_tape_trade(engine, rules(), print("1.2000", "1", false), cfg, 4);
  CAF_CHECK_EQUAL(engine.stored_orders(), before);
}

CAF_TEST(replay_clock_scales_caps_and_loops) {
  std::vector<tape_trade> tape{print("1", "1", true), print("1", "1", true)};
  tape[1].time_ms = 11000; // 10 s after the first
  replay_clock clock(tape, 10.0, 0.0, 0);
  CAF_CHECK_EQUAL(clock.due_ns(), 0);
  clock.advance(0);
  CAF_CHECK_EQUAL(clock.due_ns(), 1'000'000'000);
  clock.advance(1'000'000'000);
  CAF_CHECK_EQUAL(clock.loops(), 1u);
  CAF_CHECK_EQUAL(clock.due_ns(), 1'100'000'000); // 11 s tape later / 10
  replay_clock capped(tape, 1e6, 2.0, 0);
  capped.advance(0);
  CAF_CHECK_EQUAL(capped.due_ns(), 500'000'000);
}

CAF_TEST(replay_clock_speed_zero_is_unpaced_but_capped) {
  std::vector<tape_trade> tape{print("1", "1", true), print("1", "1", true)};
  tape[1].time_ms = 11000; // 10 s of tape: no wait at speed 0
  replay_clock unpaced(tape, 0.0, 0.0, 5);
  CAF_CHECK_EQUAL(unpaced.due_ns(), 5);
  unpaced.advance(7);
  CAF_CHECK_EQUAL(unpaced.due_ns(), 7); // due as soon as the last one printed
  unpaced.advance(9);
  CAF_CHECK_EQUAL(unpaced.loops(), 1u);
  CAF_CHECK_EQUAL(unpaced.due_ns(), 9);
  replay_clock capped(tape, 0.0, 1000.0, 0);
  capped.advance(100);
  CAF_CHECK_EQUAL(capped.due_ns(), 1'000'100);
}

CAF_TEST(scaled_price_rounds_down_to_the_tick) {
  auto tick = *price::parse("0.0001");
  auto scaled = scaled_price(*price::parse("1.1935"), *price::parse("0.95"), tick);
  auto expected = *price::parse("1.1338"); // 1.133825 rounded down
  CAF_CHECK_EQUAL(scaled, expected);
  auto tiny = scaled_price(*price::parse("0.0001"), *price::parse("0.5"), tick);
  CAF_CHECK_EQUAL(tiny, tick);
}

CAF_TEST(config_lists_more_symbols_in_symbol_dot_sections) {
  const std::string base = "[venue]\ndata = t.csv\nkeys-file = k.ini\n"
                           "[symbol]\nname = USDCHF\nbase-asset = USD\nquote-asset = CHF\n"
                           "tick-size = 0.0001\nmin-price = 0.0001\nmax-price = 100\n"
                           "step-size = 1\nmin-qty = 1\nmax-qty = 1000\nmin-notional = 1\n"
                           "max-notional = 1000000\n"
                           "[replay]\nseed-qty = 10\n";
  const std::string eur = "[symbol.EURCHF]\nname = EURCHF\nbase-asset = EUR\n"
                          "quote-asset = CHF\ntick-size = 0.0001\nmin-price = 0.0001\n"
                          "max-price = 100\nstep-size = 1\nmin-qty = 1\nmax-qty = 1000\n"
                          "min-notional = 1\nmax-notional = 1000000\n";
  auto ok = load_venue_config(base + eur + "price-scale = 0.95\n", "/cfg");
  CAF_REQUIRE(std::holds_alternative<venue_config>(ok));
  auto& cfg = std::get<venue_config>(ok);
  CAF_REQUIRE_EQUAL(cfg.extra_symbols.size(), 1u);
  CAF_CHECK_EQUAL(cfg.extra_symbols[0].rules.sym.view(), "EURCHF");
  CAF_CHECK(cfg.extra_symbols[0].data_file.empty());
  auto own = load_venue_config(base + eur + "data = eur.csv\n", "/cfg");
  CAF_REQUIRE(std::holds_alternative<venue_config>(own));
  CAF_CHECK_EQUAL(std::get<venue_config>(own).extra_symbols[0].data_file, "/cfg/eur.csv");
  auto neither = load_venue_config(base + eur, "/cfg");
  CAF_REQUIRE(std::holds_alternative<std::string>(neither));
  CAF_CHECK_EQUAL(std::get<std::string>(neither),
                  "[symbol.EURCHF] data: missing (give data = FILE or price-scale = X > 0)");
  auto misnamed = load_venue_config(base + "[symbol.EURUSD]" + eur.substr(eur.find('\n'))
                                      + "price-scale = 1\n", "/cfg");
  CAF_REQUIRE(std::holds_alternative<std::string>(misnamed));
  CAF_CHECK_EQUAL(std::get<std::string>(misnamed), "[symbol.EURUSD] name: must be 'EURUSD'");
  auto unknown = load_venue_config(base + eur + "price-scale = 1\ncolour = red\n", "/cfg");
  CAF_REQUIRE(std::holds_alternative<std::string>(unknown));
  CAF_CHECK(std::get<std::string>(unknown).rfind("[symbol.EURCHF] colour: unknown key", 0) == 0);
}
