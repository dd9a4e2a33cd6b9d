#pragma once
// The running cluster of one partition scenario (partition_drill.hpp): its
// processes in network namespaces, the cuts between them, and what the
// scenario watches while it runs (who holds the oms lease, whose orders the
// venue received). What it proves afterwards is partition_report.hpp's.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "nodes/cluster/cluster_runtime.hpp"
#include "nodes/cluster/netns.hpp"
#include "nodes/cluster/partition_report.hpp"

namespace cwts::cluster {

class partition_lab {
public:
  using clock_type = std::chrono::steady_clock;

  partition_lab(cluster_runtime& rt, std::string order_log, std::ostream& log);

  cluster_runtime& runtime() { return rt_; }
  const std::string& order_log() const { return order_log_; }

  using link = std::pair<std::string, std::string>; // (from, to): from's packets dropped at to
  // Both directions between a and b.
  static std::vector<link> both_ways(const std::string& a, const std::string& b);
  // Drops every link's packets silently. The cut's time is taken once all
  // are in place: a lease renewed through a link not yet cut was granted
  // before it (docs/partitions.md "Timing").
  bool cut(const std::vector<link>& links);
  // Every cut undone; the last heal is the scenario's heal time.
  bool heal_all();
  const std::string& error() const { return error_; }

  int64_t cut_wall_ns() const { return cut_wall_ns_; }
  // When the first cut began to be put in place (its links are blocked
  // together but not in one instant: a lease can end in between).
  int64_t cut_began_wall_ns() const { return cut_began_wall_ns_; }
  int64_t cut_mono_ns() const { return cut_mono_ns_; }
  int64_t heal_wall_ns() const { return heal_wall_ns_; }
  // Every cut (a heal ends one), the first included.
  const std::vector<partition_run::cut_time>& cuts() const { return cuts_; }

  // "t+1234ms text" (ms since the lab started), logged and kept.
  void step(const std::string& text);
  const std::vector<std::string>& steps() const { return steps_; }

  // Whether `node` holds the oms lease now (/api/actors/lease held.oms);
  // nullopt when it does not answer.
  std::optional<bool> holds_lease(const std::string& node) const;
  // Every node that holds it now.
  std::vector<std::string> holders() const;
  // Orders (new, amend) at the venue from `node`'s address received at or
  // after `since_wall_ns`.
  int64_t orders_from(const std::string& node, int64_t since_wall_ns) const;
  // The venue's whole order log (lines that are no order record are
  // counted in `bad`).
  std::vector<venue_order_op> read_orders(int64_t* bad = nullptr) const;
  // Each node's event= lines (its log).
  std::map<std::string, std::vector<node_log_event>> read_events() const;
  // address -> node id, for the report.
  std::map<std::string, std::string> node_of_address() const;

  // Polls `pred` every 50 ms until it holds (true) or `timeout` passes.
  static bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

  static int64_t wall_now_ns();
  static int64_t mono_now_ns();

private:
  bool record(const std::string& why, const std::string& what);

  cluster_runtime& rt_;
  netns::bridge lan_;
  std::string order_log_;
  std::ostream& log_;
  clock_type::time_point started_ = clock_type::now();
  std::vector<std::pair<std::string, std::string>> blocked_; // (member, blocked address)
  int64_t cut_wall_ns_ = 0, cut_mono_ns_ = 0, cut_began_wall_ns_ = 0, heal_wall_ns_ = 0;
  std::vector<partition_run::cut_time> cuts_;
  std::vector<std::string> steps_;
  std::string error_;
};

} // namespace cwts::cluster
