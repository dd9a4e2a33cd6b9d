#pragma once
// Lost roles (DESIGN.md fail-safe, docs/operations.md "node-kill"): a role the
// cluster needs (the OMS that owns the orders at the venue, the connector that
// reaches the venue) with no live holder anywhere in the cluster for longer
// than the failover window means nobody manages those orders any more. If no
// standby took the role over by then, the cluster halts at level 2 (cancel
// all at the venue). CAF-free: the kill coordinator feeds it the roles of its
// wired directory at every heartbeat tick.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace cwts {

// A required name `r` stands for every role `r.<x>` ever seen in the
// directory ("connector": each venue's connector, connector.binance,
// connector.fix, ...), each watched and reported under its full name; until
// one is seen, for `r` itself (so a cluster that never had one is noticed
// too). A full name ("connector.binance") watches that role only.
struct role_watch_config {
  std::vector<std::string> required; // e.g. {"oms", "connector"}; empty: off
  int64_t halt_after_ns = 0;         // 0: off
  int64_t counting_from_ns = 0;      // roles may be missing at start until here
};

class role_watch {
public:
  explicit role_watch(role_watch_config cfg) : cfg_(std::move(cfg)) {}

  bool enabled() const { return cfg_.halt_after_ns > 0 && !cfg_.required.empty(); }

  // The required roles missing from `present` for longer than halt_after,
  // each reported once per outage (a role that comes back re-arms it).
  std::vector<std::string> observe(const std::set<std::string>& present, int64_t now_ns);

  // How long `role` has been missing (0 when present or never seen missing).
  int64_t missing_for_ns(const std::string& role, int64_t now_ns) const;
  uint64_t triggered() const { return triggered_; }
  // True while some required role has been missing longer than halt_after
  // (as of the last observe): this node agrees the cluster lost a role.
  bool any_lost(int64_t now_ns) const;

private:
  role_watch_config cfg_;
  // One watched role: present now, missing, or lost (appended to `lost`).
  void check(const std::string& role, const std::set<std::string>& present, int64_t now_ns,
             std::vector<std::string>& lost);

  std::map<std::string, std::set<std::string>> members_; // r -> every r.<x> seen
  std::map<std::string, int64_t> missing_since_;
  std::set<std::string> fired_;
  uint64_t triggered_ = 0;
};

} // namespace cwts
