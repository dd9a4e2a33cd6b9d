#pragma once
// Cluster liveness.

#include <cstdint>

#include "messages/ids.hpp"
#include "messages/time.hpp"

namespace cwts {

struct heartbeat {
  node_id node;
  uint64_t seq = 0;
  timestamp_ns sent_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, heartbeat& x) {
  return f(caf::meta::type_name("heartbeat"), x.node, x.seq, x.sent_at);
}

} // namespace cwts
