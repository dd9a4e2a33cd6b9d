#pragma once
// A real actor system with every CWTS message type registered and a scoped
// actor to talk to it: the common base of the actor tests. Fixtures whose
// actors point at the fixture's own members (kill gates) call shutdown() in
// their destructor, so the system is gone before those members are.

#include <functional>
#include <memory>

#include "caf/all.hpp"

#include "messages/registry.hpp"

namespace cwts::testing {

struct actor_test_system {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;

  explicit actor_test_system(std::function<void(caf::actor_system_config&)> extra = {}) {
    register_message_types(cfg);
    if (extra)
      extra(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    self = std::make_unique<caf::scoped_actor>(*sys);
  }

  void shutdown() {
    self.reset();
    sys.reset();
  }

  ~actor_test_system() { shutdown(); }
};

} // namespace cwts::testing
