#include "nodes/node/cluster_link.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include "common/sender_guard.hpp"
#include "messages/registry.hpp"
#include "nodes/transport/node_transport.hpp"

namespace cwts {

uint16_t publish_node(caf::actor_system& sys, const caf::actor& supervisor,
                      const std::string& host, uint16_t port, std::string& error) {
  return publish_node_at(sys, supervisor, host, port, error);
}

namespace {

constexpr auto request_timeout = std::chrono::seconds(5);

std::string address(const peer_address& p) {
  return (p.id.empty() ? "" : p.id + "@") + p.host + ":" + std::to_string(p.port);
}

// Empty when the node answering at `p` may be taken as the member configured
// there: it must call itself by that member's id (over TLS its certificate
// already had to name it: tls_relay.hpp).
std::string identity_mismatch(const peer_address& p, const std::string& node) {
  if (p.id.empty() || p.id == node)
    return "";
  return "the node at " + p.host + ":" + std::to_string(p.port) + " calls itself '" + node
         + "', the configured member there is '" + p.id + "'";
}

// Signed now: a peer refuses an announce outside its time window.
peer_announce make_announce(const std::string& node, const ed25519_signer* key) {
  peer_announce a{node_id{node}, wall_clock_now(), {}};
  if (key)
    a.signature = key->sign(signing_payload(a));
  return a;
}

// Which peers the link has joined at least once: written by the link actor,
// waited on by the node's main thread at start.
class join_progress {
public:
  explicit join_progress(size_t peers) : joined_(peers, false) {}

  // Peer `i` joined for the first time. True when the main thread still
  // waits (the join counts as the start's: via=start); false once its wait
  // ended, so a peer reported peer_unreachable is never also via=start.
  // Decided under the lock that ends the wait.
  bool join_at_start(size_t i) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      if (closed_)
        return false;
      joined_[i] = true;
    }
    changed_.notify_all();
    return true;
  }

  // Until every peer was joined, `deadline` passed or `stop` was set (by a
  // signal handler, which cannot notify: hence the 50 ms slices); returns
  // which peers were joined.
  std::vector<bool> wait(std::chrono::steady_clock::time_point deadline,
                         const std::atomic<bool>& stop) {
    std::unique_lock<std::mutex> lock(mutex_);
    auto all = [this] { return std::find(joined_.begin(), joined_.end(), false) == joined_.end(); };
    while (!all() && !stop && std::chrono::steady_clock::now() < deadline)
      changed_.wait_for(lock, std::chrono::milliseconds(50));
    closed_ = true;
    return joined_;
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<bool> joined_;
  bool closed_ = false; // the wait ended: later joins are the link's own
};

// The peer link actor (see the header): one slot per configured peer.
struct peer_slot {
  peer_address address;
  bool dials = true; // dials_link(us, this peer); else the peer dials us
  caf::actor supervisor; // the peer's, while joined
  // A peer that dials us: our supervisor's listing of it we joined on. After
  // a loss our supervisor may still list the lost one for a moment (both
  // monitor it); a new listing counts up, whatever its handle.
  uint64_t listing = 0;
  bool connecting = false;
  bool joined_once = false;
  int failures = 0;
  // A wrong identity at that address is logged at its first refusal, then
  // at most once a minute (the link retries every second).
  std::optional<std::chrono::steady_clock::time_point> refused_logged;
};

struct peer_link_state {
  caf::actor supervisor; // ours
  std::shared_ptr<const ed25519_signer> key; // signs our announces
  std::vector<peer_slot> slots;
  // Nobody else holds this actor's handle, and CAF 0.17 ends an actor no one
  // references (exit_reason::unreachable). The state is destroyed when the
  // actor quits (its supervisor went down), which releases this reference.
  caf::actor keep_alive;
  // Read by the node's main thread while it waits at start (join_peers).
  std::shared_ptr<join_progress> progress;
  // Until then a slot never joined is retried every 200 ms, as a node
  // coming up expects its peers to come up too; later as retry_delay says.
  std::chrono::steady_clock::time_point start_deadline;
  // retry_atom is the link's own timer: from anyone else it is refused and
  // counted (each accepted one would start another retry chain).
  sender_guard guard{"peer_link"};
  static inline const char* name = "peer_link";
};

using peer_link_ptr = caf::stateful_actor<peer_link_state>*;

// 250 ms, 500 ms, then every second: quick after a blip, cheap when the
// peer stays away (a refused loopback connect costs microseconds).
std::chrono::milliseconds retry_delay(int failures) {
  return std::chrono::milliseconds(250 << std::min(failures, 2));
}

void schedule_retry(peer_link_ptr self, int32_t i) {
  auto& slot = self->state.slots[static_cast<size_t>(i)];
  auto starting = !slot.joined_once
                  && std::chrono::steady_clock::now() < self->state.start_deadline;
  auto delay = starting ? std::chrono::milliseconds(200) : retry_delay(slot.failures);
  self->delayed_send(self, delay, retry_atom::value, i);
}

void join_failed(peer_link_ptr self, int32_t i, const std::string& why) {
  auto& slot = self->state.slots[static_cast<size_t>(i)];
  slot.connecting = false;
  // Logged on the first failure and then once a minute, not every second.
  if (slot.failures % 60 == 0)
    spdlog::info("event=peer_rejoin_pending address={} attempts={} error=\"{}\"",
                 address(slot.address), slot.failures + 1, why);
  ++slot.failures;
  schedule_retry(self, i);
}

// `dialled`: we dialled the peer (and tell our supervisor and the peer
// about each other); else the peer dialled us, and both already know.
void joined(peer_link_ptr self, int32_t i, const caf::actor& remote, const std::string& node,
            const role_directory& roles, bool dialled) {
  auto& st = self->state;
  auto& slot = st.slots[static_cast<size_t>(i)];
  slot.connecting = false;
  slot.failures = 0;
  slot.supervisor = remote;
  // "start": the first join of this peer while the node comes up; later
  // joins (a peer back after a loss, or one that came up late) are the
  // link's own.
  bool first = !slot.joined_once;
  slot.joined_once = true;
  const char* via = first && st.progress->join_at_start(static_cast<size_t>(i)) ? "start"
                                                                                 : "peer_link";
  self->monitor(remote);
  if (!dialled) {
    spdlog::warn("event=peer_connected node={} roles={} via={} dialled_by=peer", node,
                 roles.size(), via);
    return;
  }
  self->send(st.supervisor, peer_atom::value, node, remote, roles);
  // Announce ourselves with our current roles (asked now: a child may have
  // been restarted since start).
  self->request(st.supervisor, request_timeout, directory_atom::value)
    .then(
      [self, remote](const std::string& me, const role_directory& mine) {
        self->send(remote, peer_atom::value, make_announce(me, self->state.key.get()),
                   self->state.supervisor, mine);
      },
      [self, node](caf::error& err) {
        spdlog::error("event=peer_announce_failed node={} error=\"{}\"", node,
                      self->system().render(err));
      });
  spdlog::warn("event=peer_connected node={} address={} roles={} via={} dialled_by=us", node,
               address(slot.address), roles.size(), via);
}

// A peer that dials us (dials_link): our supervisor lists it once its
// signed announce verified; until then this asks again on the retry
// schedule (a local question, cheap at any rate).
void await_dial(peer_link_ptr self, int32_t i) {
  auto& slot = self->state.slots[static_cast<size_t>(i)];
  slot.connecting = true;
  self->request(self->state.supervisor, request_timeout, peer_atom::value, caf::get_atom::value,
                slot.address.id)
    .then(
      [self, i](const caf::actor& remote, const role_directory& roles, uint64_t listing) {
        auto& slot = self->state.slots[static_cast<size_t>(i)];
        if (!remote || listing == slot.listing)
          return join_failed(self, i, "waiting for " + slot.address.id
                                        + " to dial this node (of two members, the one whose id "
                                          "sorts first dials)");
        slot.listing = listing;
        joined(self, i, remote, slot.address.id, roles, false);
      },
      [self, i](caf::error& err) { join_failed(self, i, self->system().render(err)); });
}

// One connect attempt, all asynchronous: the middleman connects (or answers
// from its cache of live connections), then we ask the peer's directory.
void try_join(peer_link_ptr self, int32_t i) {
  auto& slot = self->state.slots[static_cast<size_t>(i)];
  if (slot.supervisor || slot.connecting)
    return;
  if (!slot.dials)
    return await_dial(self, i);
  slot.connecting = true;
  auto& peer = slot.address;
  if (auto why = expect_member(peer.host, peer.port, peer.id); !why.empty())
    return join_failed(self, i, why);
  auto mm = node_middleman(self->system());
  self->request(mm, request_timeout, caf::connect_atom::value, peer.host, peer.port)
    .then(
      [self, i](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
        if (!ptr)
          return join_failed(self, i, "no actor published at that address");
        auto remote = caf::actor_cast<caf::actor>(ptr);
        self->request(remote, request_timeout, directory_atom::value)
          .then(
            [self, i, remote](const std::string& node, const role_directory& roles) {
              auto& slot = self->state.slots[static_cast<size_t>(i)];
              auto why = identity_mismatch(slot.address, node);
              if (!why.empty()) {
                auto now = std::chrono::steady_clock::now();
                if (!slot.refused_logged || now - *slot.refused_logged >= std::chrono::minutes(1)) {
                  slot.refused_logged = now;
                  spdlog::warn("event=peer_refused address={} reason=\"{}\"",
                               address(slot.address), why);
                }
                return join_failed(self, i, why);
              }
              joined(self, i, remote, node, roles, true);
            },
            [self, i](caf::error& err) { join_failed(self, i, self->system().render(err)); });
      },
      [self, i](caf::error& err) { join_failed(self, i, self->system().render(err)); });
}

void on_link_down(peer_link_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  if (dm.source == st.supervisor.address()) {
    self->quit(); // our node is stopping
    return;
  }
  for (size_t i = 0; i < st.slots.size(); ++i) {
    auto& slot = st.slots[i];
    if (slot.supervisor && slot.supervisor.address() == dm.source) {
      slot.supervisor = nullptr;
      slot.failures = 0;
      spdlog::warn("event=peer_link_lost address={} reason=\"{}\" action={}",
                   address(slot.address), self->system().render(dm.reason),
                   slot.dials ? "rejoin_in_background" : "await_its_dial");
      schedule_retry(self, static_cast<int32_t>(i));
    }
  }
}

caf::behavior peer_link(peer_link_ptr self, caf::actor supervisor, std::vector<peer_slot> slots,
                        std::shared_ptr<const ed25519_signer> key,
                        std::shared_ptr<join_progress> progress,
                        std::chrono::steady_clock::time_point start_deadline) {
  auto& st = self->state;
  st.supervisor = std::move(supervisor);
  st.key = std::move(key);
  st.slots = std::move(slots);
  st.progress = std::move(progress);
  st.start_deadline = start_deadline;
  st.keep_alive = caf::actor_cast<caf::actor>(self);
  self->monitor(st.supervisor);
  for (size_t i = 0; i < st.slots.size(); ++i)
    self->send(self, retry_atom::value, static_cast<int32_t>(i)); // the first tries now
  self->set_down_handler([self](caf::down_msg& dm) { on_link_down(self, dm); });
  spdlog::info("event=peer_link_started peers={}", st.slots.size());

  return {
    [self](retry_atom, int32_t i) {
      if (self->current_sender() != self->ctrl())
        return self->state.guard.refuse(self, "retry", "not sent by the peer link itself");
      if (i >= 0 && static_cast<size_t>(i) < self->state.slots.size())
        try_join(self, i);
    },
  };
}

} // namespace

bool dials_link(const std::string& self, const std::string& peer) {
  return self < peer;
}

std::vector<std::string> join_peers(caf::actor_system& sys, const caf::actor& supervisor,
                                    const std::string& self_id,
                                    const std::vector<peer_address>& peers,
                                    std::chrono::milliseconds timeout,
                                    std::shared_ptr<const ed25519_signer> node_key,
                                    const std::atomic<bool>& stop) {
  std::vector<std::string> missing;
  if (peers.empty())
    return missing;
  auto progress = std::make_shared<join_progress>(peers.size());
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<peer_slot> slots;
  for (auto& p : peers) {
    peer_slot slot;
    slot.address = p;
    slot.dials = dials_link(self_id, p.id);
    slots.push_back(std::move(slot));
  }
  sys.spawn(peer_link, supervisor, std::move(slots), std::move(node_key), progress, deadline);
  // The link joins; this thread only waits, and a stop (SIGTERM) ends the
  // wait: a node must stop within its grace also while peers are away.
  auto joined = progress->wait(deadline, stop);
  for (size_t i = 0; i < peers.size(); ++i)
    if (!joined[i])
      missing.push_back(address(peers[i]));
  return missing;
}

} // namespace cwts
