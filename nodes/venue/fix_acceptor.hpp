#pragma once
// cwts-venue's FIX 4.4 acceptor (docs/fix.md): the same matching engine as
// REST and WebSocket, reached by FIX clients configured in [fix]. Each
// client CompID trades one account. Messages arrive on QuickFIX's thread
// and are posted to the venue's io_context, the one thread that touches the
// engine (venue_server.hpp), so FIX, REST and WS requests are serialized.
// Every state change of a FIX account's order (whoever caused it: a FIX
// message, a REST request, a tape print) becomes an ExecutionReport to the
// account's sessions; while a session is logged out they are stored and
// resent when it asks (35=2) after its next logon.

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "actors/fix/fix_engine.hpp"
#include "nodes/venue/fix_venue_codec.hpp"
#include "venue/matching_engine.hpp"
#include "venue/venue_config.hpp"

namespace cwts::venue {

// [fix] in the venue config (or --fix-port / --fix-store).
struct venue_fix_config {
  bool enabled = false;
  uint16_t port = 0;                          // 0: a free one (printed at start)
  std::string comp_id = "CWTS-VENUE";         // the venue's SenderCompID
  std::map<std::string, std::string> clients; // client CompID -> account
  std::string store_dir = "run/cwts-venue-fix"; // sequence numbers and sent messages
  std::string log_dir;                        // every message; empty: none
  std::string data_dictionary;                // FIX44.xml: incoming messages validated
};

// The [fix] section; relative data-dictionary paths against `base_dir`.
// Error: "[fix] key: reason".
std::variant<venue_fix_config, std::string> read_fix_config(const ini_sections& ini,
                                                            const std::string& base_dir);

struct venue_fix_stats {
  uint64_t orders = 0;        // 35=D accepted by the engine
  uint64_t rejects = 0;       // 35=D refused (150=8)
  uint64_t cancels = 0;       // 35=F that canceled
  uint64_t cancel_rejects = 0; // 35=9 sent
  uint64_t replaces = 0;
  uint64_t status_requests = 0;
  uint64_t mass_cancels = 0;
  uint64_t mass_status_requests = 0;
  uint64_t reports = 0;        // 35=8 sent
  uint64_t unsupported = 0;    // other application messages (answered with 35=j)
};

class venue_fix_acceptor {
public:
  // `settled` runs after every engine operation (venue_server::publish_settled).
  venue_fix_acceptor(boost::asio::io_context& ioc, matching_engine& engine, venue_fix_config cfg,
                     std::function<void()> settled);
  ~venue_fix_acceptor();

  // Empty, or why the acceptor could not start.
  std::string start();
  void stop();
  uint16_t port() const;
  // Read on the io thread only.
  const venue_fix_stats& stats() const { return stats_; }
  const fix::fix_engine_counters& session_counters() const { return engine_->counters(); }

private:
  struct seen_order {
    std::size_t fills = 0;
    order_status status = order_status::new_order;
    bool reported = false;
  };

  void on_message(const std::string& client, const fix::fix_message& m);
  void handle(const std::string& client, const fix::fix_message& m);
  void new_order(const std::string& client, const fix::fix_message& m);
  void cancel(const std::string& client, const fix::fix_message& m);
  void replace(const std::string& client, const fix::fix_message& m);
  void status(const std::string& client, const fix::fix_message& m);
  void mass_cancel(const std::string& client, const fix::fix_message& m);
  void mass_status(const std::string& client, const fix::fix_message& m);
  void on_order(const order& o);
  void send(const std::string& client, const fix::fix_message& m);
  void send_to_account(const std::string& account, const fix::fix_message& m);
  std::string next_exec_id();
  std::string account_of(const std::string& client) const;
  void record_refusal(const std::string& client, const fix::fix_message& m,
                      const fixv::fix_refusal& why);

  boost::asio::io_context& ioc_;
  matching_engine& engine_ref_;
  venue_fix_config cfg_;
  std::function<void()> settled_;
  std::unique_ptr<fix::fix_engine> engine_;
  venue_fix_stats stats_;
  std::unordered_map<int64_t, seen_order> seen_;
  // CumQty carried over from a replaced order, by the replacement's orderId.
  std::unordered_map<int64_t, qty> cum_offset_;
  // While a 35=G runs: the original's orderId (its cancel is reported as the
  // replace) and the ids the replacement's first report carries.
  std::optional<int64_t> replacing_;
  std::string replace_new_id_, replace_orig_id_;
  std::string exec_base_;
  uint64_t exec_seq_ = 0;
  uint64_t report_seq_ = 0;
  // The order log's connection id of each client's current logon.
  std::unordered_map<std::string, uint64_t> connections_;
};

} // namespace cwts::venue
