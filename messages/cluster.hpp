#pragma once
// Cluster liveness.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/ids.hpp"
#include "messages/time.hpp"

namespace cwts {

// Signed with the sending node's own key (operators file, `node = <node>`):
// a heartbeat proves that node is alive only if no one else could make it.
struct heartbeat {
  node_id node;
  uint64_t seq = 0;
  timestamp_ns sent_at;
  std::vector<uint8_t> signature;
};

// The exact bytes a node signs for its heartbeat (messages/kill.cpp).
std::string signing_payload(const heartbeat& h);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, heartbeat& x) {
  return f(caf::meta::type_name("heartbeat"), x.node, x.seq, x.sent_at, x.signature);
}

} // namespace cwts
