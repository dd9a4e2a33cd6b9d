#pragma once
// Safety messages only from where they may come (DESIGN.md §3 "Kill switch";
// issue 17 finding 6; docs/kill-switch.md "Safety messages and the actor
// layer").
//
// CAF delivers a message from any process that reached the node's CAF port
// and holds a handle, unauthenticated. A message that changes safety state
// (a directory, a trading state, a cancel-all, a disconnect, a freeze, a
// flatten, a drill crash, an unsigned announce) has exactly one legitimate
// source: an actor of this node (the kill coordinator, the supervisor, the
// actor itself). A CAF shell asks this guard before it acts on one:
//
//   [=](cancel_all_atom, const kill_command& cmd) -> caf::result<channel_result> {
//     if (!self->state.guard.local(self, "cancel_all"))
//       return caf::sec::request_receiver_down; // refused, counted, logged once
//     ...
//
// Refusals are counted per message kind (stats `refused_remote.<kind>`, so
// /metrics shows them) and logged once per kind, at the first refusal:
// `event=safety_message_refused actor=<role> message=<kind> from_node=<...>
// reason="..."`. An anonymous message (no sender) is refused too: nothing
// says where it came from, and a remote client can send one.
//
// Header-only: only the CAF shells include it. Not thread-safe: one guard
// per actor, used from its own handlers.

#include <cstdint>
#include <map>
#include <string>

#include <spdlog/spdlog.h>

#include "common/stray_messages.hpp"

#include "caf/actor_system.hpp"
#include "caf/error.hpp"
#include "caf/local_actor.hpp"
#include "caf/node_id.hpp"
#include "caf/sec.hpp"

namespace cwts {

// Where the message `self` handles now came from, for log lines: the node
// id of its sender, or "anonymous".
inline std::string sender_node_name(caf::local_actor* self) {
  auto& sender = self->current_sender();
  return sender ? to_string(sender->node()) : std::string("anonymous");
}

// True when the message `self` handles now comes from an actor of its own
// node (this process's actor system): never from a remote node or a
// sender-less message.
inline bool sent_by_this_node(caf::local_actor* self) {
  auto& sender = self->current_sender();
  return sender && sender->node() == self->node();
}

class sender_guard {
public:
  explicit sender_guard(std::string actor = {}) : actor_(actor), strays_(std::move(actor)) {}

  // First thing in the actor's behavior: a stray message or an unsolicited
  // error is dropped and counted instead of making the actor quit
  // (common/stray_messages.hpp), so an outsider cannot crash it either.
  void install(caf::scheduled_actor* self) const { strays_.install(self); }

  void name(std::string actor) { actor_ = std::move(actor); }

  // True when the current message comes from an actor of this node; else
  // the message `kind` is refused: counted, logged the first time.
  bool local(caf::local_actor* self, const char* kind) {
    if (sent_by_this_node(self))
      return true;
    refuse(self, kind, self->current_sender() ? "not sent by an actor of this node"
                                              : "anonymous message (no sender)");
    return false;
  }

  // True when the current message comes from an actor of this node or is
  // `expected` (the one remote actor that may send it: the OMS the node's
  // directory lists at the connector, the connector it lists at the OMS;
  // either may live on another node); else refused as `local`. `expected_is`
  // names it in the log line.
  bool local_or(caf::local_actor* self, const caf::actor& expected, const char* kind,
                const char* expected_is = "the OMS of its directory") {
    auto& sender = self->current_sender();
    if (sent_by_this_node(self)
        || (sender && expected && sender == caf::actor_cast<caf::strong_actor_ptr>(expected)))
      return true;
    refuse(self, kind,
           sender ? std::string("neither an actor of this node nor ") + expected_is
                  : std::string("anonymous message (no sender)"));
    return false;
  }

  // Counts and logs (once per kind) the refusal of the current message.
  void refuse(caf::local_actor* self, const std::string& kind, const std::string& reason) {
    auto& n = refused_[kind];
    if (n++ == 0)
      spdlog::error("event=safety_message_refused actor={} message={} from_node={} reason=\"{}\"",
                    actor_, kind, sender_node_name(self), reason);
  }

  int64_t refused(const std::string& kind) const {
    auto i = refused_.find(kind);
    return i == refused_.end() ? 0 : i->second;
  }

  // `refused_remote.<kind>` for every kind refused at least once.
  void add_to(std::map<std::string, int64_t>& counters) const {
    for (auto& [kind, n] : refused_)
      counters["refused_remote." + kind] = n;
    strays_.add_stats(counters);
  }

  // What a refused request is answered with.
  static caf::error refusal(const std::string& kind) {
    return caf::make_error(caf::sec::runtime_error,
                           "refused: " + kind + " is accepted only from an actor of this node");
  }

private:
  std::string actor_;
  std::map<std::string, int64_t> refused_;
  stray_messages strays_;
};

// `s` (an actor_stats) with the guard's `refused_remote.<kind>` counters.
template <class Stats>
Stats with_refusals(Stats s, const sender_guard& guard) {
  guard.add_to(s.counters);
  return s;
}

} // namespace cwts
