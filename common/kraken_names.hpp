#pragma once
// Kraken Spot's names for assets and pairs, shared by cwts-venue's Kraken
// surface and the connector's Kraken adapter so both sides spell them alike
// (Kraken REST "Get Asset Info" / "Get Tradable Asset Pairs", WebSocket v2
// "instrument"):
//   - Kraken calls bitcoin XBT (REST, wsname) and BTC (WebSocket v2), and
//     DOGE XDG in REST;
//   - the assets listed before 2018 ("legacy") carry a prefix in REST asset
//     and pair keys: X for crypto (XXBT, XETH, XLTC, XXRP, XXLM, XXMR, XZEC,
//     XETC, XMLN, XREP, XXDG), Z for fiat (ZUSD, ZEUR, ZGBP, ZCAD, ZJPY,
//     ZAUD); every other asset (CHF, USDT, SOL...) has none;
//   - a pair's key is "<X/Z base><X/Z quote>" (XXBTZUSD) only when both
//     assets are legacy, else its altname (USDCHF); the altname is the two
//     assets without prefixes (XBTUSD); the wsname is "XBT/USD"; the v2
//     symbol is "BTC/USD".
// Our names are the venue's (BTC, USD, CHF, DOGE): upper-case asset codes.

#include <optional>
#include <string>

namespace cwts {

// The REST asset key: USD -> ZUSD, BTC -> XXBT, DOGE -> XXDG, CHF -> CHF.
std::string kraken_asset(const std::string& ours);
// The asset's altname (no prefix, Kraken's spelling): BTC -> XBT,
// DOGE -> XDG, USD -> USD.
std::string kraken_altname_asset(const std::string& ours);
// The asset as WebSocket v2 spells it: our code (BTC, USD, DOGE).
std::string kraken_v2_asset(const std::string& ours);
// Ours for any Kraken spelling of an asset (key, altname or v2):
// XXBT, XBT, BTC -> BTC; ZUSD, USD -> USD; XXDG, XDG -> DOGE; CHF -> CHF.
std::string kraken_our_asset(const std::string& kraken);
// True for an asset (ours) that carries the X/Z prefix in REST.
bool kraken_legacy_asset(const std::string& ours);

struct kraken_pair_names {
  std::string key;       // AssetPairs key: XXBTZUSD, USDCHF
  std::string altname;   // XBTUSD, USDCHF
  std::string wsname;    // XBT/USD, USD/CHF
  std::string v2_symbol; // BTC/USD, USD/CHF
  std::string base;      // REST asset key of the base: XXBT, ZUSD
  std::string quote;     // REST asset key of the quote: ZUSD, CHF
};

// Every name of the pair (base, quote are ours).
kraken_pair_names kraken_pair(const std::string& base, const std::string& quote);

// Our (base, quote) for a v2 symbol "BTC/USD" (or a wsname "XBT/USD");
// nullopt unless it is "<asset>/<asset>".
struct kraken_assets {
  std::string base;
  std::string quote;
};
std::optional<kraken_assets> kraken_split_symbol(const std::string& slash_name);

} // namespace cwts
