#include "nodes/cwts/trace_command.hpp"

#include <iostream>
#include <string>
#include <vector>

#include "common/split_commas.hpp"
#include "nodes/cluster/cluster_runtime.hpp"
#include "nodes/cluster/process_control.hpp"
#include "nodes/console/trace_view.hpp"

namespace cwts {

namespace {

const char* trace_usage =
  "usage: cwts trace <client-order-id> (--admin=HOST:PORT[,HOST:PORT...] | --config=CLUSTER.ini)\n"
  "                  [--json] [--timeout-ms=N]\n"
  "  one order's hops, tick to fill, across the nodes: each node's GET /api/trace merged,\n"
  "  a line per hop with when it started, how long it took and the gap since the hop before\n"
  "  (--config: every node of a cluster started with `cwts cluster up --config=CLUSTER.ini`)\n"
  "exit codes: 0 spans found, 1 none of that order, 2 usage, 5 no node answered\n";

int usage_error(const std::string& why) {
  std::cerr << "cwts trace: " << why << "\n" << trace_usage;
  return 2;
}

} // namespace

int run_trace_command(int argc, char** argv) {
  std::string order, admin, config;
  bool json = false;
  int64_t timeout_ms = 5000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << trace_usage;
      return 0;
    }
    if (a.rfind("--admin=", 0) == 0)
      admin = a.substr(8);
    else if (a.rfind("--config=", 0) == 0)
      config = a.substr(9);
    else if (a == "--json")
      json = true;
    else if (a.rfind("--timeout-ms=", 0) == 0) {
      try {
        timeout_ms = std::stoll(a.substr(13));
      } catch (const std::exception&) {
        timeout_ms = 0;
      }
      if (timeout_ms < 100 || timeout_ms > 600'000)
        return usage_error("--timeout-ms must be 100..600000");
    } else if (a.rfind("--", 0) == 0)
      return usage_error("unknown option " + a);
    else if (order.empty())
      order = a;
    else
      return usage_error("one order id only, got '" + order + "' and '" + a + "'");
  }
  if (order.empty())
    return usage_error("which order? give its client order id");
  if (admin.empty() == config.empty())
    return usage_error("give --admin=HOST:PORT[,...] or --config=CLUSTER.ini (one of them)");
  std::vector<console::admin_address> nodes;
  std::string error;
  if (!admin.empty()) {
    for (auto& text : split_commas(admin)) {
      auto a = console::parse_admin_address(text, error);
      if (!a)
        return usage_error(error);
      nodes.push_back(*a);
    }
  } else {
    auto spec = cluster::load_cluster_spec(config, error);
    if (!spec)
      return usage_error(error);
    cluster::cluster_runtime rt(std::move(*spec), cluster::executable_dir());
    if (!rt.load_state(error)) {
      std::cerr << "cwts trace: " << error << "\n";
      return 2;
    }
    for (auto& [name, p] : rt.processes())
      if (!cluster::cluster_runtime::is_venue(name) && p.admin_port != 0)
        nodes.push_back(console::admin_address{p.host, p.admin_port});
  }
  auto got = console::gather_trace(nodes, order, std::chrono::milliseconds(timeout_ms));
  for (auto& n : got.notes)
    std::cerr << "cwts trace: " << n << "\n";
  if (got.reached == 0) {
    std::cerr << "cwts trace: no node answered\n";
    return 5;
  }
  std::cout << (json ? console::trace_json(order, got.spans) : console::render_trace(order, got.spans));
  return got.spans.empty() ? 1 : 0;
}

} // namespace cwts
