#pragma once
// [venue] protocol and the keys only one protocol has, read apart from
// node_config.cpp so each venue's settings stay in one place:
//   protocol            binance | fix | okx | kraken
//   fix-*               fix: the FIX 4.4 session (docs/fix.md)
//   okx-ws-orders       okx: orders over the private WebSocket (on/off)
//   kraken-ws-orders    kraken: orders over WebSocket v2 (on/off)
//   dead-mans-switch-ms okx: cancel-all-after, 10 s .. 120 s; kraken:
//                       CancelAllOrdersAfter, 1 s .. 86400 s; whole seconds,
//                       0 off, default 60 s for both
//   nonce-file          kraken: the write-ahead nonce reservation
//                       (default run/<node-id>-<venue>-kraken.nonce, beside
//                       the OMS journal; its folder is created)
// and the credentials a protocol needs beyond key and secret (OKX: a
// passphrase; Kraken: a base64 secret).

#include <cstdint>
#include <string>

#include "nodes/node/node_config.hpp"

namespace cwts {

// Both venues' dead-man's switch is armed unless the config says 0: a
// gateway that dies without a word leaves no order working at the venue for
// longer than this.
inline constexpr int64_t default_kraken_dead_mans_switch_ms = 60'000;

// The default nonce file; <node-id> and <venue> are replaced.
inline constexpr const char* default_kraken_nonce_file = "run/<node-id>-<venue>-kraken.nonce";

namespace config_detail {
// node_config.cpp's checks, shared with the protocol readers.
bool in_range(const std::string& key, int64_t v, int64_t lo, int64_t hi, std::string& error);
// `raw` with <node-id> replaced, its folder created: false naming `key` when
// it names no file or the folder cannot be made.
bool node_file_path(const std::string& key, const std::string& raw, const node_id& self,
                    std::string& out, std::string& error);
} // namespace config_detail

// [<cat>] protocol and the FIX, OKX and Kraken keys into `v` (v.name,
// v.host and v.request_timeout already read).
bool read_venue_protocol(const raw_venue_options& r, const std::string& cat, const node_id& self,
                         venue_settings& v, std::string& error);

// OKX's passphrase: the environment (passphrase-env), else the credentials
// file's [account.<name>] passphrase (`ini`, may be null); required where
// the venue speaks OKX.
class ini_file;
bool load_passphrase(const std::string& cat, const raw_venue_options& r, const ini_file* ini,
                     venue_settings& venue, std::string& error);

// The loaded secret in the form the protocol signs with: Kraken's must be
// base64 (it is decoded for the HMAC). Never names the secret itself.
bool check_protocol_secret(const std::string& cat, const raw_venue_options& r,
                           const venue_settings& v, std::string& error);

} // namespace cwts
