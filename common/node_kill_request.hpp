#pragma once
// Actor side of common/node_kill.hpp, header-only for the actor shells that
// already link CAF and spdlog (risk, validator, connector): sends a node kill
// to the node's own kill coordinator as a request (it answers with its
// kill_report once every channel reported) and logs what happened:
//
//   event=node_kill_requested source=<source> kill_id=... level=... scope=node reason="..."
//   event=node_kill_report source=<source> kill_id=... complete=... total_ms=... error="..."
//   event=node_kill_unsent source=<source> kill_id=... reason="no kill coordinator wired"

#include <chrono>
#include <string>

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "common/node_kill.hpp"
#include "messages/registry.hpp"

namespace cwts {

// False (logged) when no coordinator is wired: the caller counts it unsent.
inline bool request_node_kill(caf::event_based_actor* self, const caf::actor& coordinator,
                              const kill_command& cmd, const std::string& source,
                              std::chrono::milliseconds report_timeout) {
  if (!coordinator) {
    spdlog::error("event=node_kill_unsent source={} kill_id={} reason=\"no kill coordinator wired\"",
                  source, cmd.id.value);
    return false;
  }
  spdlog::warn("event=node_kill_requested source={} kill_id={} level={} scope=node issuer={} "
               "reason=\"{}\"",
               source, cmd.id.value, to_string(cmd.level), cmd.issuer.value, cmd.reason);
  self->request(coordinator, report_timeout, cmd)
    .then(
      [source](const kill_report& r) {
        // A refused kill comes back as a report with an error: never quiet.
        auto level = r.error.empty() ? spdlog::level::info : spdlog::level::err;
        spdlog::log(level,
                    "event=node_kill_report source={} kill_id={} complete={} total_ms={:.3f} "
                    "error=\"{}\"",
                    source, r.id.value, r.complete, r.total_ns / 1e6, r.error);
      },
      [self, source, id = cmd.id.value](caf::error& err) {
        spdlog::error("event=node_kill_report source={} kill_id={} error=\"{}\"", source, id,
                      self->system().render(err));
      });
  return true;
}

} // namespace cwts
