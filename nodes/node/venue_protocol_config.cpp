#include "nodes/node/venue_protocol_config.hpp"

#include <cstdlib>
#include <filesystem>

#include "actors/connector/kraken/kraken_signer.hpp"
#include "common/ini_file.hpp"

namespace cwts {

using config_detail::in_range;

namespace {

bool read_on_off(const std::string& key, const std::string& text, bool& out, std::string& error) {
  if (text != "on" && text != "off") {
    error = key + ": '" + text + "' is not on or off";
    return false;
  }
  out = text == "on";
  return true;
}

// dead-mans-switch-ms: OKX's cancel-all-after takes 10 s .. 120 s,
// Kraken's CancelAllOrdersAfter up to 86400 s; both count whole seconds.
// The connector refreshes it every third of the period from the worker that
// also runs the venue's REST calls (each up to a couple of seconds), so a
// shorter switch than 10 s can run out between two refreshes on a healthy
// node and cancel the whole account: 10 s is the floor for both venues.
bool read_dead_mans_switch(const raw_venue_options& r, const std::string& cat, venue_settings& v,
                           std::string& error) {
  auto key = cat + ".dead-mans-switch-ms";
  auto ms = r.dead_mans_switch_ms;
  if (ms == -1) // not set
    ms = v.okx ? default_okx_dead_mans_switch_ms : v.kraken ? default_kraken_dead_mans_switch_ms : 0;
  if (ms != 0 && !v.okx && !v.kraken) {
    error = key + ": only protocol = okx or kraken has a venue dead-man's switch (it is '"
            + r.venue_protocol + "')";
    return false;
  }
  if (ms != 0 && v.okx && !in_range(key, ms, 10'000, 120'000, error)) {
    error += " (OKX's cancel-all-after range; or 0: off)";
    return false;
  }
  if (ms != 0 && v.kraken && !in_range(key, ms, 10'000, 86'400'000, error)) {
    error += " (Kraken's CancelAllOrdersAfter takes up to 86400 s; under 10 s a refresh delayed"
             " by the worker's REST calls lets it fire on a live node; or 0: off)";
    return false;
  }
  if (ms % 1000 != 0) {
    error = key + ": " + std::to_string(ms) + " is not whole seconds (the venue's timeout is in seconds)";
    return false;
  }
  v.dead_mans_switch = std::chrono::milliseconds(ms);
  return true;
}

bool read_kraken(const raw_venue_options& r, const std::string& cat, const node_id& self,
                 venue_settings& v, std::string& error) {
  if (!read_on_off(cat + ".kraken-ws-orders", r.kraken_ws_orders, v.kraken_ws_orders, error))
    return false;
  if (!v.kraken)
    return true;
  std::string raw = r.nonce_file.empty() ? default_kraken_nonce_file : r.nonce_file;
  const std::string token = "<venue>";
  for (auto at = raw.find(token); at != std::string::npos; at = raw.find(token, at))
    raw.replace(at, token.size(), v.name.value);
  return config_detail::node_file_path(cat + ".nonce-file", raw, self, v.nonce_file, error);
}

// fix-* (docs/fix.md): the FIX 4.4 session of protocol = fix.
bool read_fix(const raw_venue_options& r, const std::string& cat, const node_id& self,
              venue_settings& v, std::string& error) {
  if (!in_range(cat + ".fix-port", r.fix_port, 1, 65535, error)
      || !in_range(cat + ".fix-heartbeat-s", r.fix_heartbeat_s, 1, 3600, error)
      || !in_range(cat + ".fix-resend-max-age-s", r.fix_resend_max_age_s, 0, 3600, error))
    return false;
  auto& f = v.fix_session;
  f.host = r.fix_host.empty() ? v.host : r.fix_host;
  f.port = static_cast<uint16_t>(r.fix_port);
  f.sender_comp_id = r.fix_sender_comp_id.empty() ? self.value : r.fix_sender_comp_id;
  f.target_comp_id = r.fix_target_comp_id;
  if (f.target_comp_id.empty() || f.target_comp_id == f.sender_comp_id) {
    error = cat + ".fix-target-comp-id: empty or equal to the sender ('" + f.sender_comp_id + "')";
    return false;
  }
  f.heartbeat_s = static_cast<int>(r.fix_heartbeat_s);
  if (!config_detail::node_file_path(cat + ".fix-store", r.fix_store, self, f.store_dir, error))
    return false;
  f.log_dir = r.fix_log;
  f.data_dictionary = r.fix_data_dictionary;
  if (!f.data_dictionary.empty() && !std::filesystem::is_regular_file(f.data_dictionary)) {
    error = cat + ".fix-data-dictionary: '" + f.data_dictionary + "' is not a readable file";
    return false;
  }
  f.reset_on_logon = r.fix_reset_on_logon;
  f.resend_max_age_s = static_cast<int>(r.fix_resend_max_age_s);
  f.request_timeout = v.request_timeout;
  return true;
}

} // namespace

// OKX's passphrase: the environment, else the credentials file's
// [account.<name>] passphrase; required where the venue speaks OKX.
bool load_passphrase(const std::string& cat, const raw_venue_options& r, const ini_file* ini,
                     venue_settings& venue, std::string& error) {
  if (const char* env = std::getenv(r.passphrase_env.c_str()); env && *env)
    venue.passphrase = env;
  else if (ini != nullptr)
    venue.passphrase = ini->get("account." + r.account + ".passphrase").value_or("");
  if (!venue.okx || !venue.passphrase.empty())
    return true;
  error = cat + ".account: '" + r.account + "' has no passphrase"
          + (r.credentials_file.empty() ? std::string() : " in " + r.credentials_file) + " and "
          + r.passphrase_env + " is not in the environment (OKX signs with OK-ACCESS-PASSPHRASE)";
  return false;
}

bool read_venue_protocol(const raw_venue_options& r, const std::string& cat, const node_id& self,
                         venue_settings& v, std::string& error) {
  const auto& p = r.venue_protocol;
  if (p != "binance" && p != "fix" && p != "okx" && p != "kraken") {
    error = cat + ".protocol: '" + p + "' is not binance, fix, okx or kraken";
    return false;
  }
  v.fix = p == "fix";
  v.okx = p == "okx";
  v.kraken = p == "kraken";
  if (!read_on_off(cat + ".okx-ws-orders", r.okx_ws_orders, v.okx_ws_orders, error))
    return false;
  if (!v.kraken && !r.nonce_file.empty()) {
    error = cat + ".nonce-file: only protocol = kraken keeps a nonce file (it is '" + p + "')";
    return false;
  }
  return read_kraken(r, cat, self, v, error) && read_dead_mans_switch(r, cat, v, error)
         && (!v.fix || read_fix(r, cat, self, v, error));
}

bool check_protocol_secret(const std::string& cat, const raw_venue_options& r,
                           const venue_settings& v, std::string& error) {
  if (!v.kraken || connector::kraken::base64_decode(v.secret))
    return true;
  error = cat + ".account: the secret of '" + r.account
          + "' is not valid base64 (Kraken signs with the base64-decoded secret)";
  return false;
}

} // namespace cwts
