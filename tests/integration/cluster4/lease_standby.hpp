#pragma once
// What the two lease tests with a standby share (cluster4_lease_test,
// cluster4_lease_grantor_test): the cluster4 fixture with tr2 as the fourth
// member standing by for tr1, a status wait that prints the node's last
// status and the logs when it misses, and the first step both take: tr1
// trading under its "oms" lease.

#include <cstdint>
#include <functional>
#include <string>

#include "tests/integration/cluster4/cluster4.hpp"

namespace cwts::itest {

// tr2: a trading node standing by for tr1, failing over after 1 s of silence.
inline cluster4_options tr2_standby_for_tr1() {
  cluster4_options o;
  o.fourth = "tr2";
  o.extra["tr2"] = {"--cwts.roles=[\"trading\"]", "--cluster.standby-for=tr1",
                    "--cluster.failover-after-ms=1000"};
  return o;
}

// Polls `id`'s status until `pred` holds; on a miss, says what it saw last.
inline status_wait wait_status(four_node_cluster& c, const std::string& id,
                               const std::function<bool(const node_status_view&)>& pred,
                               millis timeout) {
  auto st = wait_for_status(c.paths, c.dir, c.port(id), pred, timeout);
  if (!st.met)
    CAF_MESSAGE(id << " last status:\n" << st.last.text << c.logs());
  return st;
}

// Waits until tr1 holds its "oms" lease and the venue acknowledged 3 of its
// orders; the lease's epoch (the test stops when tr1 never gets there).
inline int64_t tr1_epoch_once_trading(four_node_cluster& c) {
  auto trading = wait_status(
    c, "tr1",
    [](const node_status_view& s) {
      return s.counter_or_zero("lease", "held.oms") == 1 && s.counter_or_zero("oms", "acks") >= 3;
    },
    millis{60000});
  CAF_REQUIRE(trading.met);
  auto epoch = trading.last.counter_or_zero("lease", "epoch.oms");
  CAF_REQUIRE_GREATER(epoch, 0);
  return epoch;
}

} // namespace cwts::itest
