#pragma once
// What a supervisor does when a child fails (docs/supervision.md), without
// actors: the restart strategy, the intensity check per child, and the
// restart and escalation counters by role and by a bounded failure class.
// The CAF shell (supervisor_actor.cpp) only carries the plan out.
//
//   one-for-one   child i fails -> restart i
//   rest-for-one  child i fails -> stop the children started after i (last
//                 first), then start i and those after it, in start order;
//                 a child marked alone (the lease actor: it depends on no
//                 sibling, and stopping it would give the node's lease up)
//                 is neither stopped nor restarted for a sibling, and its
//                 own failure restarts only itself
//   intensity     more than max-restarts failures of one child inside
//                 window-ms -> escalate instead of restarting

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/supervisor/restart_policy.hpp"

namespace cwts {

enum class restart_strategy : uint8_t { one_for_one, rest_for_one };

// "one-for-one" or "rest-for-one"; nullopt otherwise.
std::optional<restart_strategy> parse_restart_strategy(std::string_view text);
const char* to_string(restart_strategy s);

// Why a child went down, folded into a few classes so a metric label keeps a
// bounded cardinality (the full reason stays in the log line).
enum class failure_class : uint8_t {
  drill_crash, // an injected drill crash ((crash_atom, role))
  escalated,   // a group supervisor exceeded its own intensity
  exception,   // an uncaught exception in a handler
  error,       // quit with another error (a CAF system error)
  killed,      // exit_reason::kill and the like
  exit,        // a quit without an error (normal, user_shutdown)
  other,       // none of the above (an application error category)
};
const char* to_string(failure_class c);

struct restart_plan {
  bool escalate = false;
  std::vector<size_t> stop;  // children to stop first, in this order (last started first)
  std::vector<size_t> start; // children to start, in this order (the failed one first)
};

class supervision_plan {
public:
  supervision_plan(restart_strategy strategy, restart_limits limits, size_t children,
                   std::vector<bool> alone = {});

  // Child `child` failed at `now_ns` (monotonic): the intensity of that child
  // is checked; within it the plan lists what to stop and start.
  restart_plan on_failure(size_t child, int64_t now_ns);

  restart_strategy strategy() const { return strategy_; }
  size_t size() const { return policies_.size(); }

private:
  bool alone(size_t child) const { return child < alone_.size() && alone_[child]; }

  restart_strategy strategy_;
  std::vector<restart_policy> policies_;
  std::vector<bool> alone_;
};

// Restarts by role and failure class, and escalations by role. The stats
// keys (cwts status, /metrics, /api/actors):
//   restarts.<role>                 every restart of the role (any reason)
//   restarts_by.<role>.<class>      restarts by failure class; a sibling
//                                   restarted by rest-for-one counts under
//                                   the class of the failure that caused it
//   escalated.<role>                1 while the role is given up on
//   escalations.<role>              times the role exceeded its intensity
//   escalations                     all of them
class supervision_counters {
public:
  void restarted(const std::string& role, failure_class why);
  void escalated(const std::string& role);
  void cleared(const std::string& role); // the role runs again (e.g. after a takeover)
  uint64_t restarts(const std::string& role) const;
  uint64_t restarts(const std::string& role, failure_class why) const;
  uint64_t escalations() const { return escalations_; }
  // Adds the keys above for `roles` (every role listed, zero or not).
  void add_to(std::map<std::string, int64_t>& counters, const std::vector<std::string>& roles) const;

private:
  struct per_role {
    uint64_t restarts = 0;
    std::map<failure_class, uint64_t> by_class;
    uint64_t escalations = 0;
    bool escalated = false;
  };
  std::map<std::string, per_role> roles_;
  uint64_t escalations_ = 0;
};

} // namespace cwts
