#pragma once
// What the connector tests against a real cwts-venue share: the demo
// accounts of config/venue-demo-keys.ini (local venue only) and a REST
// gateway to that venue with its clock offset taken from the venue.
// Include after caf/test/unit_test.hpp (it checks with CAF_REQUIRE).

#include <cstdint>
#include <memory>

#include "actors/connector/binance_rest_gateway.hpp"

namespace cwts::itest {

struct demo_account {
  const char* key;
  const char* secret;
};

// "demo": the connector's account; "demo2": a counterparty trading against it.
constexpr demo_account demo{"cwtsDemoKeyAlpha0000000000000000000000000000000000000000000001",
                            "cwtsDemoSecretAlpha000000000000000000000000000000000000000000001"};
constexpr demo_account demo2{"cwtsDemoKeyBravo0000000000000000000000000000000000000000000002",
                             "cwtsDemoSecretBravo000000000000000000000000000000000000000000002"};

// A gateway signing as `who` at the venue on 127.0.0.1:`port`, its clock
// offset set from the venue's server time (signed requests carry it).
inline std::unique_ptr<connector::binance_rest_gateway> synced_gateway(uint16_t port,
                                                                       const demo_account& who) {
  connector::gateway_config cfg;
  cfg.port = port;
  cfg.api_key = who.key;
  cfg.secret = who.secret;
  auto gw = std::make_unique<connector::binance_rest_gateway>(cfg);
  auto t = gw->server_time();
  CAF_REQUIRE(t.ok());
  gw->set_time_offset_ms(t.value.offset_ms);
  return gw;
}

} // namespace cwts::itest
