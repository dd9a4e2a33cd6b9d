#pragma once
// What a drill did and found, printed for the operator and written as JSON
// (docs/operations.md "Reading a drill report"): what was injected and when,
// what each node looked like before and after, measured times (detection,
// halt, recovery), the venue's order counts before and after, and each
// stated expectation with what was observed and whether it held.

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "nodes/cluster/node_probe.hpp"

namespace cwts::cluster {

struct expectation {
  std::string name;      // "supervisor restarted risk"
  std::string expected;  // what should be seen
  std::string observed;  // what was seen
  bool pass = false;
};

struct node_record {
  std::string id;
  node_view before;
  node_view after;
  std::vector<std::string> events; // "t+1234ms peer tr1 gone", in order
};

struct venue_counts {
  bool known = false;
  int64_t user_orders = 0;   // /venue/stats userOrders: orders placed by clients
  int64_t account_fills = 0; // accountFills
};

struct drill_report {
  std::string scenario;
  std::string cluster;       // cluster config file
  std::string run_dir;
  int64_t started_at_ms = 0; // wall clock, ms since the epoch
  std::string injected;      // what was done, in words
  std::string target;        // node (and role) it was done to
  int64_t injected_at_ms = 0; // since the cluster was ready
  std::map<std::string, int64_t> measured_ms; // "detection_ms" -> 212
  std::map<std::string, node_record> nodes;
  venue_counts venue_before;
  venue_counts venue_after;
  std::vector<expectation> expectations;
  std::string error;         // set when the drill could not run at all

  bool passed() const;
  void expect(std::string name, std::string expected, std::string observed, bool pass);
  std::string to_json() const;
  void print(std::ostream& out) const;
};

} // namespace cwts::cluster
