#pragma once
// [venue] fix-* keys of a node (docs/fix.md): the FIX 4.4 order-entry
// session to a venue. Plain data, read by node_config and carried in the
// connector's config.

#include <chrono>
#include <cstdint>
#include <string>

namespace cwts::fix {

struct fix_connector_settings {
  std::string host = "127.0.0.1";  // [venue] fix-host (default: [venue] host)
  uint16_t port = 0;               // [venue] fix-port
  std::string sender_comp_id;      // [venue] fix-sender-comp-id (default: the node id)
  std::string target_comp_id;      // [venue] fix-target-comp-id
  int heartbeat_s = 30;            // [venue] fix-heartbeat-s: HeartBtInt (108)
  std::string store_dir;           // [venue] fix-store: sequence numbers, sent messages
  std::string log_dir;             // [venue] fix-log: every message (empty: none)
  std::string data_dictionary;     // [venue] fix-data-dictionary (empty: no validation)
  bool reset_on_logon = false;     // [venue] fix-reset-on-logon
  // [venue] fix-resend-max-age-s (0..3600): an order the venue asks for again (a gap
  // after a reconnect) is resent only if sent at most this long ago; older
  // ones are gap-filled, never executed late.
  int resend_max_age_s = 5;
  // How long a blocking request (status, mass status, mass cancel) waits.
  std::chrono::milliseconds request_timeout{2000};
};

} // namespace cwts::fix
