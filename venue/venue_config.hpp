#pragma once
// cwts-venue configuration: an INI file read once at start and validated
// into typed structs; a bad key stops the venue with a message naming it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/ini_file.hpp"
#include "venue/fault_plan.hpp"
#include "venue/market_replay.hpp"
#include "venue/order_rate.hpp"
#include "venue/request_auth.hpp"
#include "venue/request_weight.hpp"
#include "venue/symbol_rules.hpp"

namespace cwts::venue {

// The venue's files read by the common reader (common/ini_file.hpp), by
// section, keys keeping their line number for messages. Every key must be
// under a [section]. Returns the error text on a malformed line.
std::variant<ini_sections, std::string> parse_ini(const std::string& text);

// [tls]: https and wss on the whole listener (docs/venue.md "TLS").
struct tls_config {
  bool enabled = false;
  std::string cert_file; // PEM chain, leaf first (scripts/gen-certs DIR/server.pem)
  std::string key_file;  // PEM private key (DIR/server.key)
};

// [symbol.<NAME>]: one more symbol in the same process, with its own book,
// filters and replay: its own tape (`data`) or a synthetic price path derived
// from the primary tape (`price-scale`: every print's price times the scale,
// rounded down to the symbol's tick; quantities and times as the tape's).
struct extra_symbol {
  symbol_rules rules;
  std::string data_file; // empty: derived from the primary tape
  price price_scale;     // used when data_file is empty
};

struct venue_config {
  std::string host = "127.0.0.1"; // [venue] host: the IPv4 address to listen on
  // [venue] order-log: JSONL file of every order request (docs/venue.md
  // "Order log"); empty: none.
  std::string order_log;
  int port = 0;
  double speed = 1.0;                // tape seconds per wall second; 0: unpaced
  double max_trades_per_second = 50; // cap on prints per second per symbol; 0: none
  double duration_s = 0;        // 0: run until SIGINT/SIGTERM
  double summary_interval_s = 5;
  size_t ws_queue_limit = 1024; // frames queued per client before it is dropped
  // REQUEST_WEIGHT per minute (rest-api.md "LIMITS"); Binance spot: 6000.
  int64_t request_weight_limit = default_request_weight_limit;
  // ORDERS limits per account (rest-api.md "Unfilled Order Count").
  order_limits orders;
  // Commission fractions on account fills (0.001 = 0.1 %; Binance's base rate).
  price maker_commission;
  price taker_commission;
  std::string data_file;
  std::string keys_file;
  symbol_rules rules;           // the primary replayed symbol ([symbol])
  std::vector<extra_symbol> extra_symbols;
  seed_config seed;
  // [faults]: armed at start, validated by fault_plan (docs/venue.md).
  fault_settings faults;
  tls_config tls;
};

// Builds the config from an INI text; relative paths are resolved against
// `base_dir` (the config file's folder). Error: "key: reason".
std::variant<venue_config, std::string> load_venue_config(const std::string& text,
                                                          const std::string& base_dir);

// A replay seed: decimal digits of an unsigned 64-bit integer.
std::optional<uint64_t> parse_seed(const std::string& text);

// Reads `[account.<name>] api-key=... secret=... [passphrase=...]` sections
// (the passphrase is OKX v5's OK-ACCESS-PASSPHRASE).
std::variant<key_store, std::string> load_keys(const std::string& text);

} // namespace cwts::venue
