#pragma once
// An OKX v5 REST surface over a USDCHF engine with two funded accounts, and
// helpers that sign requests as an OKX client does.

#include <string>

#include "tests/unit/venue/usdchf_rules.hpp"
#include "venue/json_reader.hpp"
#include "venue/okx/okx_auth.hpp"
#include "venue/okx/okx_rest_api.hpp"

namespace cwts::venue::testing {

inline constexpr int64_t okx_t0 = 1'700'000'000'000; // 2023-11-14T22:13:20.000Z

struct okx_fixture {
  matching_engine engine;
  key_store keys;
  venue_stats stats;
  rest_api binance{engine, keys, stats};
  okx_rest_api okx{binance};
  int64_t now = okx_t0;

  okx_fixture() {
    engine.add_symbol(usdchf_rules());
    keys.add(api_account{"alice", "ka", "sa", {}, "pa"});
    keys.add(api_account{"bob", "kb", "sb", {}, "pb"});
    engine.fund("alice", "CHF", *qty::parse("1000"));
    engine.fund("alice", "USD", *qty::parse("1000"));
    engine.fund("bob", "CHF", *qty::parse("1000"));
    engine.fund("bob", "USD", *qty::parse("1000"));
  }

  // A signed request as `who` ("alice" or "bob"), timestamped now.
  http_reply call(const std::string& who, const std::string& method, const std::string& target,
                  const std::string& body = {}) {
    auto key = who == "alice" ? std::string("ka") : std::string("kb");
    auto secret = who == "alice" ? std::string("sa") : std::string("sb");
    auto pass = who == "alice" ? std::string("pa") : std::string("pb");
    return signed_call(key, secret, pass, okx_iso_time(now), method, target, body);
  }

  http_reply signed_call(std::string key, const std::string& secret, std::string pass,
                         std::string ts, const std::string& method, const std::string& target,
                         const std::string& body) {
    sign_ = okx_sign(secret, ts + method + target + body);
    key_ = std::move(key);
    pass_ = std::move(pass);
    ts_ = std::move(ts);
    http_request_view v;
    v.method = method;
    v.target = target;
    v.body = body;
    v.ok_access_key = key_;
    v.ok_access_sign = sign_;
    v.ok_access_timestamp = ts_;
    v.ok_access_passphrase = pass_;
    return okx.handle(v, now);
  }

  http_reply get(const std::string& target) {
    http_request_view v;
    v.method = "GET";
    v.target = target;
    return okx.handle(v, now);
  }

private:
  std::string sign_, key_, pass_, ts_;
};

inline json_value okx_parse(const std::string& body) {
  auto parsed = parse_json(body);
  if (auto* v = std::get_if<json_value>(&parsed)) return *v;
  return {};
}

// The envelope's "code".
inline std::string okx_code_of(const http_reply& r) {
  auto v = okx_parse(r.body);
  auto c = v.member("code");
  return c ? c->text : "<no code>";
}

// data[i].<name> as text ("" when absent).
inline std::string okx_data(const http_reply& r, size_t i, const char* name) {
  auto v = okx_parse(r.body);
  auto d = v.member("data");
  if (!d || d->items.size() <= i) return "";
  auto m = d->items[i].member(name);
  return m ? m->text : "";
}

inline size_t okx_data_size(const http_reply& r) {
  auto v = okx_parse(r.body);
  auto d = v.member("data");
  return d ? d->items.size() : 0;
}

} // namespace cwts::venue::testing
