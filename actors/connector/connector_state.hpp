#pragma once
// Private to the connector's actor shell (connector_actor.cpp,
// connector_safety.cpp): its state, and the handlers of its safety paths
// that live in connector_safety.cpp.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "caf/all.hpp"

#include "actors/connector/connector_actor.hpp"
#include "actors/connector/connector_shell.hpp"
#include "actors/connector/market_source.hpp"
#include "actors/connector/order_fence.hpp"
#include "actors/connector/venue_adapter.hpp"
#include "actors/connector/venue_liveness.hpp"
#include "common/sender_guard.hpp"
#include "common/serial_worker.hpp"
#include "messages/kill.hpp"

namespace cwts::connector_detail {

using connector::actor_slot;
using connector::oms_outbox;
using connector::send_all_as_connector;
using connector::send_as_connector;
using connector::venue_adapter;

struct connector_state {
  connector_actor_config cfg;
  std::shared_ptr<oms_outbox> oms = std::make_shared<oms_outbox>();
  std::shared_ptr<actor_slot> validator = std::make_shared<actor_slot>();
  // The trading lease and the OMS's epoch fence (order_fence.hpp), read on
  // the thread that sends; set at spawn.
  std::shared_ptr<connector::order_fence> fence;
  // Destroyed bottom-up: the worker first (finishing its job; the adapter is
  // stopped before, so nothing posts to it any more), then the stream, then
  // the adapter they used.
  std::shared_ptr<venue_adapter> adapter;
  std::unique_ptr<connector::market_source> stream;
  std::unique_ptr<serial_worker> worker;
  std::map<uint64_t, caf::response_promise> cancel_alls;
  uint64_t next_cancel_all = 0;
  // The level-4 kill that keeps the venue cut (the cut behavior's reason).
  std::optional<kill_id> disconnected_by;
  int64_t disconnects = 0;
  int64_t refused_disconnected = 0;
  // Kill channels, trading states, directories and the worker's reports
  // only from this node's actors (common/sender_guard.hpp).
  sender_guard guard{"connector"};
  std::shared_ptr<std::atomic<int64_t>> reconcile_requests = std::make_shared<std::atomic<int64_t>>(0);
  // Lost venue: sampled on the liveness timer; one order-channel probe at a time.
  connector::venue_liveness liveness{connector::venue_liveness_config{}, 0};
  std::chrono::milliseconds liveness_every{1000};
  caf::actor kill;
  bool probe_in_flight = false;
  int64_t probes = 0;
  int64_t probe_failures = 0;
  int64_t kills_requested = 0;
  int64_t kills_unsent = 0;
  int64_t cancels_scoped = 0; // level-2 kills without the lease: own orders only
  int64_t cancels_scope_unavailable = 0; // ... where the protocol cannot: account-wide
  uint64_t logged_md_tls = 0; // TLS handshake failures already logged
  ~connector_state() {
    if (adapter)
      adapter->stop();
  }
  static inline const char* name = "connector";
};

using connector_ptr = caf::stateful_actor<connector_state>*;

// Lost venue (connector_safety.cpp). How often liveness is sampled for
// `cfg`'s limit; a probe's answer; one liveness tick while not cut; whether
// the venue counts as lost now (a reset precondition).
std::chrono::milliseconds liveness_interval(const connector_actor_config& cfg);
void on_probe(connector_ptr self, bool answered, const std::string& detail);
void on_liveness_tick(connector_ptr self);
bool venue_lost_now(connector_ptr self);

// Kill channels (connector_safety.cpp): level-2 cancel-all (answered when
// the adapter reports) and the level-4 cut of the venue.
caf::result<channel_result> cancel_all(connector_ptr self, const kill_command& cmd);
channel_result cut_venue(connector_ptr self, const kill_command& cmd);

} // namespace cwts::connector_detail
