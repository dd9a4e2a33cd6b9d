#pragma once
// The running cluster of one drill and the observations a scenario makes on
// it: counters from the admin API, the venue's order counts, waits that
// measure how long a condition took, the proxies that can cut a node off.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "nodes/cluster/cluster_runtime.hpp"
#include "nodes/cluster/drill_report.hpp"
#include "nodes/cluster/drill_runner.hpp"
#include "nodes/cluster/tcp_proxy.hpp"

namespace cwts::cluster {

class drill_context {
public:
  using clock_type = std::chrono::steady_clock;

  drill_context(cluster_runtime& rt, drill_report& report, const drill_options& opts,
                std::ostream& log)
    : rt_(rt), report_(report), opts_(opts), log_(log) {}

  cluster_runtime& runtime() { return rt_; }
  drill_report& report() { return report_; }
  const drill_options& options() const { return opts_; }
  std::ostream& log() { return log_; }

  // One proxy per ordered pair of nodes (from, to); routes every peer link
  // through them. Call before the nodes start.
  bool add_link_proxies(std::string& error);
  // Cuts (or heals) every link from and to `node`.
  void partition(const std::string& node, bool cut);

  void mark_ready() { ready_at_ = clock_type::now(); }
  int64_t since_ready_ms() const;
  static int64_t ms_since(clock_type::time_point t0);

  // Logged and kept in the node's record: "t+1234ms <text>".
  void event(const std::string& node, const std::string& text);

  venue_counts venue() const;
  // A counter of `role` on `node` from /api/actors/<role>; nullopt when the
  // node or role does not answer. key "restarts" reads the supervisor's count.
  std::optional<int64_t> counter(const std::string& node, const std::string& role,
                                 const std::string& key) const;
  bool has_role(const std::string& node, const std::string& role) const;
  node_view view(const std::string& node) const;
  void record_before();
  // Also adds what each node logged since record_before() (its warnings,
  // errors and the supervision, failover, quorum and kill events) to its
  // record, in its own words.
  void record_after();

  // Polls `pred` every 50 ms until it holds (the ms since `t0`) or
  // `timeout` passes (nullopt).
  std::optional<int64_t> wait_for(const std::function<bool()>& pred, clock_type::time_point t0,
                                  std::chrono::milliseconds timeout) const;
  // Polls every condition every 50 ms until each has held once or `timeout`
  // passes: for each, the ms since `t0` when it was first seen, or nullopt.
  // Conditions are watched together so one slow outcome cannot delay the
  // timing of another.
  std::vector<std::optional<int64_t>> watch_all(const std::vector<std::function<bool()>>& conds,
                                                clock_type::time_point t0,
                                                std::chrono::milliseconds timeout) const;
  // Waits until the venue has seen more client orders than `than`.
  std::optional<int64_t> wait_orders_above(int64_t than, clock_type::time_point t0) const;

private:
  cluster_runtime& rt_;
  drill_report& report_;
  const drill_options& opts_;
  std::ostream& log_;
  clock_type::time_point ready_at_ = clock_type::now();
  std::map<std::pair<std::string, std::string>, std::unique_ptr<tcp_proxy>> links_;
  std::map<std::string, std::streamoff> log_offsets_; // node -> log size at record_before()
};

} // namespace cwts::cluster
