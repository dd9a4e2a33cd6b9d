#define CAF_SUITE common_kraken_names
#include "tests/support/unit_test.hpp"

#include "common/kraken_names.hpp"

using namespace cwts;

// Kraken REST "Get Asset Info": XXBT, ZUSD carry the legacy prefix; CHF,
// USDT and SOL do not.
CAF_TEST(asset_keys_carry_the_legacy_prefix) {
  CAF_CHECK_EQUAL(kraken_asset("BTC"), "XXBT");
  CAF_CHECK_EQUAL(kraken_asset("USD"), "ZUSD");
  CAF_CHECK_EQUAL(kraken_asset("ETH"), "XETH");
  CAF_CHECK_EQUAL(kraken_asset("DOGE"), "XXDG");
  CAF_CHECK_EQUAL(kraken_asset("EUR"), "ZEUR");
  CAF_CHECK_EQUAL(kraken_asset("CHF"), "CHF");
  CAF_CHECK_EQUAL(kraken_asset("USDT"), "USDT");
  CAF_CHECK_EQUAL(kraken_asset("SOL"), "SOL");
  CAF_CHECK_EQUAL(kraken_altname_asset("BTC"), "XBT");
  CAF_CHECK_EQUAL(kraken_altname_asset("USD"), "USD");
  CAF_CHECK_EQUAL(kraken_v2_asset("BTC"), "BTC");
}

CAF_TEST(every_spelling_maps_back_to_ours) {
  for (auto s : {"XXBT", "XBT", "BTC"}) CAF_CHECK_EQUAL(kraken_our_asset(s), "BTC");
  for (auto s : {"ZUSD", "USD"}) CAF_CHECK_EQUAL(kraken_our_asset(s), "USD");
  for (auto s : {"XXDG", "XDG", "DOGE"}) CAF_CHECK_EQUAL(kraken_our_asset(s), "DOGE");
  CAF_CHECK_EQUAL(kraken_our_asset("CHF"), "CHF");
  CAF_CHECK_EQUAL(kraken_our_asset("USDT"), "USDT");
  // An X-prefixed name that is not a legacy asset's key stays as it is.
  CAF_CHECK_EQUAL(kraken_our_asset("XCN"), "XCN");
}

CAF_TEST(pair_key_is_prefixed_only_when_both_assets_are_legacy) {
  auto btc = kraken_pair("BTC", "USD");
  CAF_CHECK_EQUAL(btc.key, "XXBTZUSD");
  CAF_CHECK_EQUAL(btc.altname, "XBTUSD");
  CAF_CHECK_EQUAL(btc.wsname, "XBT/USD");
  CAF_CHECK_EQUAL(btc.v2_symbol, "BTC/USD");
  CAF_CHECK_EQUAL(btc.base, "XXBT");
  CAF_CHECK_EQUAL(btc.quote, "ZUSD");
  auto chf = kraken_pair("USD", "CHF");
  CAF_CHECK_EQUAL(chf.key, "USDCHF");
  CAF_CHECK_EQUAL(chf.altname, "USDCHF");
  CAF_CHECK_EQUAL(chf.wsname, "USD/CHF");
  CAF_CHECK_EQUAL(chf.v2_symbol, "USD/CHF");
  CAF_CHECK_EQUAL(chf.base, "ZUSD");
  CAF_CHECK_EQUAL(chf.quote, "CHF");
  auto sol = kraken_pair("SOL", "USD");
  CAF_CHECK_EQUAL(sol.key, "SOLUSD");
  CAF_CHECK_EQUAL(sol.quote, "ZUSD");
  CAF_CHECK_EQUAL(kraken_pair("ETH", "BTC").key, "XETHXXBT");
}

CAF_TEST(splits_v2_symbols_and_wsnames) {
  auto a = kraken_split_symbol("BTC/USD");
  CAF_REQUIRE(a);
  CAF_CHECK_EQUAL(a->base, "BTC");
  CAF_CHECK_EQUAL(a->quote, "USD");
  auto w = kraken_split_symbol("XBT/USD");
  CAF_REQUIRE(w);
  CAF_CHECK_EQUAL(w->base, "BTC");
  CAF_CHECK(!kraken_split_symbol("BTCUSD"));
  CAF_CHECK(!kraken_split_symbol("/USD"));
  CAF_CHECK(!kraken_split_symbol("BTC/"));
  CAF_CHECK(!kraken_split_symbol("A/B/C"));
}
