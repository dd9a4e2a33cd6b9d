#pragma once
// A Kraken Spot REST surface over a USDCHF and a BTCUSD engine with two
// funded accounts, and helpers that sign requests as a Kraken client does
// (form body with an increasing nonce, API-Key, API-Sign).

#include <string>

#include "common/base64.hpp"
#include "tests/unit/venue/usdchf_rules.hpp"
#include "venue/json_reader.hpp"
#include "venue/kraken/kraken_auth.hpp"
#include "venue/kraken/kraken_rest_api.hpp"

namespace cwts::venue::testing {

inline constexpr int64_t kraken_t0 = 1'700'000'000'000; // 2023-11-14T22:13:20Z
// Base64 secrets (64 letters and digits, like config/venue-demo-keys.ini).
inline const std::string kraken_alice_secret =
  "QWxpY2VzS3Jha2VuU2VjcmV0MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0";
inline const std::string kraken_bob_secret =
  "Qm9ic0tyYWtlblNlY3JldDAxMjM0NTY3ODlhYmNkZWZnaGlqa2xtbm9wcXJzdHV2";

inline symbol_rules btcusd_rules() {
  symbol_rules r;
  r.sym = *symbol::parse("BTCUSD");
  r.base_asset = "BTC";
  r.quote_asset = "USD";
  r.min_price = *price::parse("1");
  r.max_price = *price::parse("1000000");
  r.tick_size = *price::parse("0.1");
  r.min_qty = *qty::parse("0.0001");
  r.max_qty = *qty::parse("100");
  r.step_size = *qty::parse("0.00000001");
  r.min_notional = *notional::parse("0.5");
  r.max_notional = *notional::parse("10000000");
  return r;
}

struct kraken_fixture {
  matching_engine engine;
  key_store keys;
  venue_stats stats;
  rest_api binance{engine, keys, stats};
  kraken_rest_api kraken{binance};
  int64_t now = kraken_t0;
  uint64_t nonce = 1'700'000'000'000'000;

  kraken_fixture() {
    engine.add_symbol(usdchf_rules());
    engine.add_symbol(btcusd_rules());
    keys.add(api_account{"alice", "ka", kraken_alice_secret, {}, {}});
    keys.add(api_account{"bob", "kb", kraken_bob_secret, {}, {}});
    for (auto who : {"alice", "bob"}) {
      engine.fund(who, "CHF", *qty::parse("1000"));
      engine.fund(who, "USD", *qty::parse("100000"));
      engine.fund(who, "BTC", *qty::parse("2"));
    }
  }

  // POST /0/private/<method> as `who`, the body "nonce=<next>&<params>".
  http_reply call(const std::string& who, const std::string& method,
                  const std::string& params = {}) {
    auto body = "nonce=" + std::to_string(++nonce) + (params.empty() ? "" : "&" + params);
    return signed_post(who == "alice" ? "ka" : "kb",
                       who == "alice" ? kraken_alice_secret : kraken_bob_secret,
                       "/0/private/" + method, std::to_string(nonce), body, false);
  }

  // The same with a JSON body (the nonce inside it).
  http_reply call_json(const std::string& who, const std::string& method,
                       const std::string& members) {
    ++nonce;
    auto body = "{\"nonce\":" + std::to_string(nonce) + (members.empty() ? "" : "," + members) + "}";
    return signed_post(who == "alice" ? "ka" : "kb",
                       who == "alice" ? kraken_alice_secret : kraken_bob_secret,
                       "/0/private/" + method, std::to_string(nonce), body, true);
  }

  http_reply signed_post(std::string key, const std::string& secret, const std::string& path,
                         const std::string& nonce_text, const std::string& body, bool json) {
    key_ = std::move(key);
    sign_ = kraken_sign(*base64_decode(secret), path, nonce_text, body);
    path_ = path;
    body_ = body;
    kraken_http_request r;
    r.method = "POST";
    r.target = path_;
    r.body = body_;
    r.api_key = key_;
    r.api_sign = sign_;
    if (json) r.content_type = "application/json";
    return kraken.handle(r, now);
  }

  http_reply get(const std::string& target) {
    target_ = target;
    kraken_http_request r;
    r.method = "GET";
    r.target = target_;
    return kraken.handle(r, now);
  }

private:
  std::string key_, sign_, path_, body_, target_;
};

inline json_value kraken_parse(const std::string& body) {
  auto parsed = parse_json(body);
  if (auto* v = std::get_if<json_value>(&parsed)) return *v;
  return {};
}

// The first error string ("" when none).
inline std::string kraken_error_of(const http_reply& r) {
  auto v = kraken_parse(r.body);
  auto e = v.member("error");
  return e && !e->items.empty() ? e->items[0].text : "";
}

// result.<a>.<b>... ("<none>" when a member is missing).
inline json_value kraken_result(const http_reply& r) {
  auto v = kraken_parse(r.body);
  auto res = v.member("result");
  return res ? *res : json_value{};
}

inline std::string kraken_at(const json_value& v, std::initializer_list<std::string> path) {
  const json_value* cur = &v;
  for (auto& p : path) {
    cur = cur->member(p);
    if (!cur) return "<none>";
  }
  return cur->text;
}

} // namespace cwts::venue::testing
