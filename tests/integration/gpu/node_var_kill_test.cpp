// The VaR-limit kill end to end (docs/gpu.md "VaR limit"): a node whose GPU
// worker computes the VaR of the market maker's position from the venue's
// replayed trades, with a var-limit so small that any position breaches it.
// ([gpu] enabled in config/node.ini.) Risk sends one level-2 node kill signed with the node key; the node
// halts, and a reset is voted no while the VaR is still above the limit.
#define CAF_SUITE node_var_kill
#include "tests/support/unit_test.hpp"

#include <string>

#include "tests/integration/node/kill_cli.hpp"
#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace std::chrono_literals;

CAF_TEST(a_var_above_its_limit_halts_the_node_with_one_kill) {
  single_node n("node_var_kill",
                {"--gpu.var-limit=\"0.00000001\"", "--gpu.bucket-ms=100",
                 "--gpu.update-interval-ms=200", "--gpu.window=64", "--gpu.paths=20000"});
  auto backend = n.node.wait_for_line(
    stream::err, [](const std::string& l) { return l.find("event=gpu_backend") != std::string::npos; },
    20s);
  CAF_REQUIRE(backend.has_value());
  CAF_MESSAGE(*backend);
  // A status asks for the trading state before the actors' counters
  // (nodes/status/node_status.cpp): one that says HALTED holds risk's and
  // the GPU worker's counts of the breach that led to it (checked below).
  auto halted = n.wait_for([](const node_status_view& s) { return s.mode == "HALTED"; }, 60s);
  CAF_REQUIRE(halted.met);
  auto breach = n.node.wait_for_line(
    stream::err,
    [](const std::string& l) { return l.find("event=risk_breach kind=var_limit") != std::string::npos; },
    10s);
  CAF_REQUIRE(breach.has_value());
  CAF_MESSAGE(*breach);
  auto applied = n.node.wait_for_line(
    stream::err,
    [](const std::string& l) {
      return l.find("event=kill_applied") != std::string::npos
             && l.find("issuer=node-solo") != std::string::npos;
    },
    10s);
  CAF_CHECK(applied.has_value());
  auto& last = halted.last;
  CAF_CHECK_EQUAL(last.counter("kill", "rejected").value_or(-1), 0);
  CAF_CHECK_EQUAL(last.counter("risk", "var_breaches").value_or(0), 1);
  CAF_CHECK_GREATER(last.counter("risk", "var_latest").value_or(0), 0);
  CAF_CHECK_GREATER_OR_EQUAL(last.counter("gpu", "updates").value_or(0), 1);
  CAF_CHECK_GREATER(last.counter("gpu", "kernel_ns.var").value_or(0), 0);
  // Some backend is named: on CI and this machine lavapipe (cpu-vulkan).
  int64_t backends = 0;
  for (auto b : {"discrete", "integrated", "cpu-vulkan", "native"})
    backends += last.counter("gpu", std::string("backend.") + b).value_or(0);
  CAF_CHECK_EQUAL(backends, 1);

  // While the VaR stays above the limit the node votes no on a reset.
  auto holding = n.wait_for(
    [](const node_status_view& s) { return s.counter("risk", "breach_now.var").value_or(0) == 1; },
    20s);
  CAF_CHECK(holding.met);
  auto early = run_reset(n.paths, n.dir, n.cluster_port, {"--reason=itest var still high"});
  CAF_MESSAGE(early.raw.out << early.raw.err);
  if (early.resumed != "1")
    CAF_CHECK(vote_of(early, "solo")["reason"].find("risk: var") != std::string::npos);
  // Still one kill: the breach latched while halted.
  auto after = n.status();
  CAF_CHECK_EQUAL(after.counter("risk", "var_breaches").value_or(0), 1);
  CWTS_STOP_NODE(n.node);
  auto audit = read_file(n.dir + "/run/solo-kill-audit.log");
  CAF_CHECK(audit.find("var_limit") != std::string::npos);
}
