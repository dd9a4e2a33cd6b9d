// One order's trace across a real 3-node cluster (issue 23): gw1 (venue
// connector, validator), tr1 (strategy, risk, OMS) and w1 over TLS, every
// node exporting its spans as OTLP/HTTP JSON to a collector of the test's
// own. Passes when one trace holds every hop from the tick to the fill
// (tick, validate, decide, risk_check, oms_send, venue_send, venue_ack,
// fill), with spans of both gw1 and tr1, each span's parent a span of the
// same trace (the context crossed the nodes both ways), and when
// `cwts trace <order> --config=...` prints that order's hops from both
// nodes out of their /api/trace.

#include <map>
#include <set>

#include <rapidjson/document.h>

#include "tests/integration/cluster/cluster_fixture.hpp"
#include "tests/integration/support/wait_until.hpp"
#include "tests/unit/compliance/test_receiver.hpp"

using namespace cwts::itest;

namespace {

struct span {
  std::string node, trace, id, parent, name, order;
};

// Every span of every OTLP request the collector got, with its node.
std::vector<span> spans_of(const cwts::compliance_test::test_receiver& collector) {
  std::vector<span> out;
  for (auto& req : collector.requests()) {
    rapidjson::Document doc;
    doc.Parse(req.body.c_str(), req.body.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("resourceSpans"))
      continue;
    for (auto& rs : doc["resourceSpans"].GetArray()) {
      std::string node;
      for (auto& a : rs["resource"]["attributes"].GetArray())
        if (std::string(a["key"].GetString()) == "service.instance.id")
          node = a["value"]["stringValue"].GetString();
      for (auto& ss : rs["scopeSpans"].GetArray())
        for (auto& s : ss["spans"].GetArray()) {
          span x{node, s["traceId"].GetString(), s["spanId"].GetString(),
                 s.HasMember("parentSpanId") ? s["parentSpanId"].GetString() : "",
                 s["name"].GetString(), ""};
          for (auto& a : s["attributes"].GetArray())
            if (std::string(a["key"].GetString()) == "cwts.client_order_id")
              x.order = a["value"]["stringValue"].GetString();
          out.push_back(std::move(x));
        }
    }
  }
  return out;
}

const std::vector<std::string> every_hop{"tick",     "validate",   "decide",    "risk_check",
                                         "oms_send", "venue_send", "venue_ack", "fill"};

// A trace id whose spans hold every hop from tick to fill, from two nodes
// or more; empty when none does yet.
std::string complete_trace(const std::vector<span>& spans) {
  std::map<std::string, std::set<std::string>> hops, nodes;
  for (auto& s : spans) {
    hops[s.trace].insert(s.name);
    nodes[s.trace].insert(s.node);
  }
  for (auto& [trace, names] : hops) {
    bool all = true;
    for (auto& h : every_hop)
      all = all && names.count(h) > 0;
    if (all && nodes[trace].size() >= 2)
      return trace;
  }
  return "";
}

} // namespace

int main() {
  cwts::compliance_test::test_receiver collector({});
  auto port = collector.start();
  std::string collector_url = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces";
  cluster_fixture f("cluster_trace", false, true, false,
                    "--trace.collector=" + collector_url + " --trace.flush-interval-ms=50");
  if (!f.ready() || port == 0) {
    std::cout << "FAIL  environment lacks CWTS_CONFIG_DIR, CWTS_CLI_BIN or CWTS_GEN_CERTS, or "
                 "the collector did not start\n";
    return 1;
  }
  auto up = f.cwts({"cluster", "up", "--config=" + f.file});
  f.check(up.exit_code == 0, "cwts cluster up exits 0: " + up.out + up.err);

  std::string trace;
  bool found = wait_until([&] { return !(trace = complete_trace(spans_of(collector))).empty(); },
                          millis{90000}, millis{250});
  f.check(found, "the collector got one trace with every hop from tick to fill from two nodes");
  auto spans = spans_of(collector);
  std::cout << "collector: " << collector.requests().size() << " OTLP requests, " << spans.size()
            << " spans\n";
  if (found) {
    std::set<std::string> ids, nodes;
    std::string order;
    for (auto& s : spans)
      if (s.trace == trace) {
        ids.insert(s.id);
        nodes.insert(s.node + ":" + s.name);
        if (s.name == "fill")
          order = s.order;
      }
    std::string where;
    for (auto& n : nodes)
      where += " " + n;
    std::cout << "trace " << trace << " of order " << order << ":" << where << "\n";
    f.check(nodes.count("gw1:tick") && nodes.count("gw1:validate") && nodes.count("gw1:venue_send"),
            "gw1 recorded the tick, its validation and the call to the venue");
    f.check(nodes.count("tr1:decide") && nodes.count("tr1:risk_check") && nodes.count("tr1:oms_send")
              && nodes.count("tr1:venue_ack") && nodes.count("tr1:fill"),
            "tr1 recorded the decision, the risk check, the send, the venue's answer and the fill");
    // Every span but the root hangs under a span of the same trace: the
    // context crossed gw1 -> tr1 (the trade) and tr1 -> gw1 (the order).
    bool linked = true;
    int roots = 0;
    for (auto& s : spans)
      if (s.trace == trace) {
        if (s.parent.empty())
          ++roots;
        else
          linked = linked && ids.count(s.parent) > 0;
      }
    f.check(linked && roots == 1, "one root (the tick) and every other span's parent in the trace");

    // The operator's view of the same order, from the nodes' admin ports.
    auto shown = f.cwts({"trace", order, "--config=" + f.file});
    std::cout << shown.out << shown.err;
    f.check(shown.exit_code == 0, "cwts trace exits 0");
    bool every = true;
    for (auto& h : every_hop)
      every = every && cluster_fixture::contains(shown.out, " " + h + " ");
    f.check(every && cluster_fixture::contains(shown.out, "gw1")
              && cluster_fixture::contains(shown.out, "tr1"),
            "cwts trace prints every hop of the order, from gw1 and tr1");
    auto unknown = f.cwts({"trace", "no-such-order", "--config=" + f.file});
    f.check(unknown.exit_code == 1 && cluster_fixture::contains(unknown.out, "no span of order"),
            "cwts trace of an unknown order exits 1 and says so");
  }
  auto down = f.cwts({"cluster", "down", "--config=" + f.file});
  f.check(down.exit_code == 0, "cwts cluster down exits 0");
  std::cout << (f.failures ? "FAILED " : "PASSED ") << f.failures << " failure(s); logs in " << f.dir
            << "\n";
  return f.failures ? 1 : 0;
}
