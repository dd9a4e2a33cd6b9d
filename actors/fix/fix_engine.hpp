#pragma once
// The FIX 4.4 session layer (logon, heartbeats, sequence numbers stored in
// files, gap detection and resend) behind an interface that includes no
// QuickFIX header, so only fix_engine.cpp is compiled as C++14 (Debian's
// QuickFIX headers use dynamic exception specifications) and the rest of
// the code stays C++17. One engine is either an initiator (the connector:
// one session to a venue) or an acceptor (cwts-venue: one session per
// configured client CompID).
//
// Threads: QuickFIX runs each engine on its own thread; every callback comes
// from it. send() may be called from any thread (QuickFIX locks the session).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/fix/fix_message.hpp"

namespace cwts {
namespace fix {

struct fix_engine_config {
  bool initiator = true;
  std::string local_comp_id;                // our SenderCompID
  std::vector<std::string> remote_comp_ids; // TargetCompIDs: one for an initiator
  std::string host = "127.0.0.1";           // initiator: the acceptor's address
  uint16_t port = 0;                        // initiator: connect to; acceptor: listen on (0: a free one)
  int heartbeat_s = 30;                     // HeartBtInt (108) sent in the initiator's Logon
  int reconnect_s = 1;                      // initiator: pause between connection attempts
  // FileStore folder: sequence numbers and sent messages survive a restart,
  // so a restarted peer resumes where it was and a gap is filled by resend.
  std::string store_dir;
  std::string log_dir;          // FileLog folder (every message, both ways); empty: none
  std::string data_dictionary;  // FIX44.xml; empty: messages are not validated
  // Logon with 141=Y and both sequence numbers back to 1 (off: they persist).
  bool reset_on_logon = false;
  // Stored application messages the peer asks for again (35=2): resent
  // when sent at most this many seconds ago, replaced by a gap fill when
  // older; -1 resends all. An acceptor resends every ExecutionReport; an
  // initiator resends an order only while it is fresh (a logon that races
  // a reconnect asks for the order just sent), never a stale one.
  int resend_max_age_s = -1;
};

// Empty when usable, else "<what>: <reason>".
std::string validate(const fix_engine_config& cfg);

struct fix_callbacks {
  std::function<void(const std::string& remote)> on_logon;
  std::function<void(const std::string& remote, const std::string& reason)> on_logout;
  // Every application message received (resent ones have poss_dup set).
  std::function<void(const std::string& remote, const fix_message& msg)> on_message;
  // A session-level Reject (35=3) the peer sent: RefSeqNum (45) and Text (58).
  std::function<void(const std::string& remote, const fix_message& msg)> on_session_reject;
};

// Counters, readable from any thread.
struct fix_engine_counters {
  std::atomic<int64_t> logons{0};
  std::atomic<int64_t> logouts{0};
  std::atomic<int64_t> app_sent{0};
  std::atomic<int64_t> app_send_failures{0};
  std::atomic<int64_t> app_received{0};
  std::atomic<int64_t> poss_dup_received{0};      // application messages resent to us
  std::atomic<int64_t> resend_requests_sent{0};   // gaps we detected (35=2 sent)
  std::atomic<int64_t> resend_requests_received{0}; // gaps the peer detected (35=2 received)
  std::atomic<int64_t> session_rejects_sent{0};     // 35=3 sent: invalid messages received
  std::atomic<int64_t> session_rejects_received{0};
  std::atomic<int64_t> heartbeats_received{0};
  std::atomic<int64_t> resends_gap_filled{0}; // stale app messages replaced by a gap fill
  std::atomic<int64_t> app_resent{0};         // app messages resent (PossDupFlag=Y)
};

class fix_engine {
public:
  fix_engine(fix_engine_config cfg, fix_callbacks cbs);
  ~fix_engine();
  fix_engine(const fix_engine&) = delete;
  fix_engine& operator=(const fix_engine&) = delete;

  // Reads the settings, opens the stores and starts the session thread;
  // empty on success, else why not (bad dictionary, port in use, ...).
  std::string start();
  // Logs out every session (waiting up to a few seconds) and stops.
  void stop();

  // Sends (or, while logged out, stores for resend at the next logon:
  // QuickFIX persists application messages). False when `remote` is not a
  // session of this engine or QuickFIX refused the message.
  bool send(const std::string& remote, const fix_message& msg);
  bool logged_on(const std::string& remote) const;
  // The next MsgSeqNum we will send / expect from `remote` (0: no session).
  int next_sender_seq(const std::string& remote) const;
  int next_target_seq(const std::string& remote) const;
  // The acceptor's port (the chosen one when configured 0).
  uint16_t port() const;
  const fix_engine_counters& counters() const { return counters_; }
  const fix_engine_config& config() const { return cfg_; }

private:
  struct impl;
  fix_engine_config cfg_;
  fix_callbacks cbs_;
  fix_engine_counters counters_;
  std::unique_ptr<impl> impl_;
};

} // namespace fix
} // namespace cwts
