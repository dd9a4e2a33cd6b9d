// [venue] .. [venue-4]: each venue's options, its credentials and its
// checks, and [market-data]'s trade-age bounds read with them (every
// symbol has exactly one feed). A protocol's own keys:
// venue_protocol_config.cpp.
#include "nodes/node/node_config.hpp"

#include <cstdlib>
#include <map>
#include <optional>

#include "actors/connector/tls_transport.hpp"
#include "common/ini_file.hpp"
#include "nodes/node/duration_option.hpp"
#include "nodes/node/node_config_detail.hpp"
#include "nodes/node/venue_protocol_config.hpp"

namespace cwts {

namespace config_detail {

// [venue] for the first venue, [venue-2] .. [venue-4] for the others.
std::string venue_category(size_t slot) {
  return slot == 0 ? "venue" : "venue-" + std::to_string(slot + 1);
}

void add_venue_options(caf::config_option_set& set, const std::string& category,
                       raw_venue_options& v) {
  caf::config_option_adder{set, category}
    .add(v.name, "name", "the venue's name in orders, roles and metrics (default: its protocol)")
    .add(v.market_data, "market-data",
         "on: its market streams feed the validator; off: priced from another venue's feed")
    .add(v.venue_host, "host", "venue REST/WS host")
    .add(v.venue_port, "port", "venue REST/WS port")
    .add(v.venue_tls, "tls", "https/wss with the venue's certificate verified")
    .add(v.venue_ca_file, "ca-file", "CA file (PEM) for tls (empty: the system's CA paths)")
    .add(v.credentials_file, "credentials-file", "INI file with [account.<name>] api-key/secret")
    .add(v.account, "account", "account name in the credentials file; what its orders trade")
    .add(v.api_key_env, "api-key-env", "environment variable holding the API key")
    .add(v.secret_env, "secret-env", "environment variable holding the secret")
    .add(v.passphrase_env, "passphrase-env",
         "environment variable holding the API passphrase (OKX; else the credentials file's)")
    .add(v.symbols, "symbols", "symbols to trade")
    .add(v.bound.request_timeout, "request-timeout-ms", "deadline of one REST request")
    .add(v.bound.recv_window, "recv-window-ms", "Binance recvWindow")
    .add(v.bound.poll_interval, "poll-interval-ms", "open-order poll period (fill detection)")
    .add(v.user_data_stream, "user-data-stream",
         "fills from the WebSocket API user-data stream (REST polls stay as the fallback)")
    .add(v.ws_api_orders, "ws-api-orders",
         "orders and cancels over the WebSocket API (REST while it is down)")
    .add(v.ws_api_max_in_flight, "ws-api-max-in-flight",
         "ws-api-orders: requests written and not yet answered (1..1024)")
    .add(v.ws_api_max_queued, "ws-api-max-queued",
         "ws-api-orders: requests waiting beyond ws-api-max-in-flight (0..65536)")
    .add(v.bound.poll_interval_streaming, "poll-interval-when-streaming-ms",
         "open-order poll period while the user-data stream is subscribed")
    .add(v.bound.lost_halt, "lost-halt-ms",
         "REST or a stream lost this long -> level-2 node kill (0: off)")
    .add(v.bound.lost_rest_failures, "lost-rest-failures",
         "failed REST probes in a row before REST counts as lost")
    .add(v.venue_protocol, "protocol",
         "binance (REST/WebSocket API), fix (FIX 4.4 orders, docs/fix.md), okx (OKX v5) or "
         "kraken (Kraken Spot)")
    .add(v.okx_ws_orders, "okx-ws-orders",
         "okx: orders over the private WebSocket, REST while it is down (on/off)")
    .add(v.kraken_ws_orders, "kraken-ws-orders",
         "kraken: orders over WebSocket v2, REST while it is down (on/off)")
    .add(v.nonce_file, "nonce-file",
         "kraken: nonces reserved ahead of use; <node-id> and <venue> are replaced "
         "(default run/<node-id>-<venue>-kraken.nonce)")
    .add(v.dead_mans_switch_ms, "dead-mans-switch-ms",
         "okx, kraken: the venue cancels every order when not renewed this long (0: off; "
         "okx 10000..120000, kraken 1000..86400000; whole seconds; default 60000)")
    .add(v.fix_host, "fix-host", "FIX acceptor host (empty: venue.host)")
    .add(v.fix_port, "fix-port", "FIX acceptor port")
    .add(v.fix_sender_comp_id, "fix-sender-comp-id", "our SenderCompID (empty: the node id)")
    .add(v.fix_target_comp_id, "fix-target-comp-id", "the venue's CompID")
    .add(v.fix_heartbeat_s, "fix-heartbeat-s", "HeartBtInt (108) sent at logon")
    .add(v.fix_store, "fix-store",
         "FIX sequence numbers and sent messages; <node-id> is replaced")
    .add(v.fix_log, "fix-log", "folder logging every FIX message (empty: none)")
    .add(v.fix_data_dictionary, "fix-data-dictionary",
         "FIX44.xml validating what the venue sends (empty: no validation)")
    .add(v.fix_reset_on_logon, "fix-reset-on-logon",
         "logon with 141=Y, sequence numbers back to 1 (default: they persist)")
    .add(v.fix_resend_max_age_s, "fix-resend-max-age-s",
         "an order the venue asks for again is resent only if this fresh (older: gap fill)");
}

} // namespace config_detail

using config_detail::in_range;
using config_detail::off_or_within;
using config_detail::venue_category;
using config_detail::within;

namespace {

// Secrets: the environment wins over the credentials file; none is logged.
bool load_credentials(const std::string& cat, const raw_venue_options& r, venue_settings& venue,
                      std::string& error) {
  const auto& file = r.credentials_file;
  const auto& account = r.account;
  const auto& key_env = r.api_key_env;
  const auto& secret_env = r.secret_env;
  const char* key = std::getenv(key_env.c_str());
  const char* secret = std::getenv(secret_env.c_str());
  if (key && secret && *key && *secret) {
    venue.api_key = key;
    venue.secret = secret;
    // The keys from the environment; OKX's passphrase may still be the file's.
    std::optional<ini_file> ini;
    if (venue.okx && !file.empty()) {
      ini = ini_file::load(file, error);
      if (!ini) {
        error = cat + ".credentials-file: " + error;
        return false;
      }
    }
    return load_passphrase(cat, r, ini ? &*ini : nullptr, venue, error);
  }
  if (file.empty()) {
    error = cat + ".credentials-file: not set and " + key_env + "/" + secret_env + " are not in the "
            "environment";
    return false;
  }
  auto ini = ini_file::load(file, error);
  if (!ini) {
    error = cat + ".credentials-file: " + error;
    return false;
  }
  auto k = ini->get("account." + account + ".api-key");
  auto s = ini->get("account." + account + ".secret");
  if (!k || !s || k->empty() || s->empty()) {
    error = cat + ".account: '" + account + "' has no api-key and secret in " + file;
    return false;
  }
  venue.api_key = *k;
  venue.secret = *s;
  return load_passphrase(cat, r, &*ini, venue, error);
}

// One [venue] / [venue-N] section. Credentials are loaded only where the
// node connects to the venue (gateway role).
bool read_venue(const raw_venue_options& r, const std::string& cat, const node_id& self,
                bool gateway, venue_settings& v, std::string& error) {
  using namespace std::chrono_literals;
  v = r.bound; // durations and counts, bound by add_venue_options
  if (!in_range(cat + ".port", r.venue_port, 1, 65535, error)
      || !within(cat + ".request-timeout-ms", v.request_timeout, 10ms, 60s, error)
      || !within(cat + ".recv-window-ms", v.recv_window, 1ms, 60s, error)
      || !within(cat + ".poll-interval-ms", v.poll_interval, 10ms, 60s, error)
      || !within(cat + ".poll-interval-when-streaming-ms", v.poll_interval_streaming,
                 v.poll_interval, 600s, error)
      || !off_or_within(cat + ".lost-halt-ms", v.lost_halt, 100ms, 24h, error)
      || !in_range(cat + ".lost-rest-failures", v.lost_rest_failures, 1, 1000, error))
    return false;
  auto name = r.name.empty() ? r.venue_protocol : r.name;
  if (!is_valid_venue_name(name)) {
    error = cat + ".name: '" + name + "' is not 1..15 of a-z, 0-9 and '-'";
    return false;
  }
  v.name = venue_name{name};
  v.account = account_id{r.account};
  if (r.market_data != "on" && r.market_data != "off") {
    error = cat + ".market-data: '" + r.market_data + "' is not on or off";
    return false;
  }
  v.market_data = r.market_data == "on";
  v.host = r.venue_host;
  v.port = static_cast<uint16_t>(r.venue_port);
  v.tls = r.venue_tls;
  v.ca_file = r.venue_ca_file;
  if (auto why = connector::validate_tls(v.tls, v.ca_file); !why.empty()) {
    error = cat + ".ca-file: " + why.substr(why.find(": ") + 2); // drops the "ca_file: " prefix
    return false;
  }
  v.user_data_stream = r.user_data_stream;
  v.ws_api_orders = r.ws_api_orders;
  if (r.ws_api_max_in_flight < 1 || r.ws_api_max_in_flight > 1024) {
    error = cat + ".ws-api-max-in-flight: must be 1..1024, not "
            + std::to_string(r.ws_api_max_in_flight);
    return false;
  }
  if (r.ws_api_max_queued < 0 || r.ws_api_max_queued > 65536) {
    error = cat + ".ws-api-max-queued: must be 0..65536, not " + std::to_string(r.ws_api_max_queued);
    return false;
  }
  v.ws_api_max_in_flight = static_cast<std::size_t>(r.ws_api_max_in_flight);
  v.ws_api_max_queued = static_cast<std::size_t>(r.ws_api_max_queued);
  if (r.symbols.empty()) {
    error = cat + ".symbols: at least one symbol";
    return false;
  }
  for (auto& text : r.symbols) {
    auto sym = symbol::parse(text);
    if (!sym) {
      error = cat + ".symbols: '" + text + "' is not an upper-case symbol of 1..15 characters";
      return false;
    }
    v.symbols.push_back(*sym);
  }
  if (!read_venue_protocol(r, cat, self, v, error))
    return false;
  return !gateway || (load_credentials(cat, r, v, error) && check_protocol_secret(cat, r, v, error));
}

} // namespace

std::vector<const venue_settings*> node_settings::venues() const {
  std::vector<const venue_settings*> out{&venue};
  for (auto& v : more_venues)
    out.push_back(&v);
  return out;
}

// [venue] always; [venue-2] .. [venue-4] where they have a name. Names and
// (host, port) pairs are unique: two connectors of one venue account would
// cancel each other's orders in a kill.
bool node_config::read_venues(node_settings& s, std::string& error) const {
  using namespace std::chrono_literals;
  const auto& r = raw_;
  if (!within("market-data.max-age-ms", s.max_trade_age, 1ms, 1h, error)
      || !within("market-data.max-future-ms", s.max_trade_future, 0ms, 60s, error))
    return false;
  bool gateway = s.has_role("gateway");
  if (!read_venue(r.venues[0], venue_category(0), s.self, gateway, s.venue, error))
    return false;
  for (size_t k = 1; k < r.venues.size(); ++k) {
    if (r.venues[k].name.empty())
      continue;
    venue_settings v;
    if (!read_venue(r.venues[k], venue_category(k), s.self, gateway, v, error))
      return false;
    for (auto* other : s.venues())
      if (other->name == v.name) {
        error = venue_category(k) + ".name: venue '" + v.name.value + "' is configured twice";
        return false;
      }
    s.more_venues.push_back(std::move(v));
  }
  // The validator keeps one feed per symbol: exactly one venue streams it.
  std::map<symbol, const venue_settings*> feed;
  for (auto* v : s.venues())
    for (auto& sym : v->symbols) {
      if (!v->market_data)
        continue;
      if (auto [it, fresh] = feed.emplace(sym, v); !fresh) {
        error = "venue.market-data: " + sym.str() + " is streamed by both '"
                + it->second->name.value + "' and '" + v->name.value
                + "' (the validator keeps one feed per symbol: set market-data = off on one)";
        return false;
      }
    }
  for (auto* v : s.venues())
    for (auto& sym : v->symbols)
      if (!feed.count(sym)) {
        error = "venue.market-data: " + sym.str() + " of '" + v->name.value
                + "' has no feed (no venue with market-data = on streams it)";
        return false;
      }
  return true;
}

} // namespace cwts
