#include "nodes/cluster/partition_drill.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "nodes/cluster/cluster_readiness.hpp"
#include "nodes/cluster/netns.hpp"
#include "nodes/cluster/partition_lab.hpp"

namespace cwts::cluster {

namespace {

namespace fs = std::filesystem;
using ms = std::chrono::milliseconds;

// Scheduling margin on the gate's bound: the lease_lost figure is exact
// (held_until_ns), a give-back is timed by its log line, written by an actor
// after the decision (ms resolution, one scheduling delay).
constexpr int64_t gate_margin_ms = 100;
// The venue may receive an order a moment after the gate let it through.
constexpr int64_t wire_margin_ms = 50;

struct scenario_ctx {
  partition_lab& lab;
  partition_scenario_report& rep;
  const partition_options& opts;
  const std::string& active;
  const std::string& standby;
  const std::vector<std::string>& witnesses;
};

// The cut lasts `length` from the scenario's first cut (a partition's
// stated duration, not a wait for something to happen).
void hold_cut(scenario_ctx& c, ms length) {
  auto left = std::chrono::nanoseconds(c.lab.cut_mono_ns() - c.lab.mono_now_ns()) + length;
  if (left.count() > 0)
    std::this_thread::sleep_for(left);
}

void wait_gate_closed(scenario_ctx& c) {
  bool closed = partition_lab::wait_for(
    [&] { return !c.lab.holds_lease(c.active).value_or(true); }, c.opts.observe);
  c.lab.step(closed ? c.active + " no longer holds the oms lease"
                    : c.active + " still holds the oms lease after the observation window");
}

void wait_traded(scenario_ctx& c, const std::string& node) {
  bool traded = partition_lab::wait_for(
    [&] { return c.lab.orders_from(node, c.lab.cut_wall_ns()) > 0; }, c.opts.observe);
  c.lab.step(traded ? node + "'s orders reach the venue" : node + " sent no order within the window");
}

// {active, witness 1} | {standby, witness 2}: no side has a majority. The
// cut lasts 3 s: past the lease (0.9 s by default), short of the quorum
// fail-safe (kill.quorum-timeout-ms, 5 s), so the lease alone stops trading.
void split_2_2(scenario_ctx& c) {
  auto& w = c.witnesses;
  std::vector<partition_lab::link> links;
  for (auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
         {c.active, c.standby}, {c.active, w[1]}, {w[0], c.standby}, {w[0], w[1]}})
    for (auto& l : partition_lab::both_ways(a, b))
      links.push_back(l);
  if (!c.lab.cut(links))
    return;
  wait_gate_closed(c);
  hold_cut(c, ms(3000));
}

// The active alone (the venue still reachable from it): the standby and the
// witnesses are the majority. Held for 8 s, past the isolated node's quorum
// fail-safe (5 s), as a real partition would be.
void isolate_active(scenario_ctx& c) {
  std::vector<partition_lab::link> links;
  for (auto& other : std::vector<std::string>{c.standby, c.witnesses[0], c.witnesses[1]})
    for (auto& l : partition_lab::both_ways(c.active, other))
      links.push_back(l);
  if (!c.lab.cut(links))
    return;
  wait_gate_closed(c);
  wait_traded(c, c.standby);
  hold_cut(c, ms(8000));
}

// Active and standby cannot see each other; both see the witnesses. The
// active keeps its majority (itself and the witnesses); the standby, past
// failover-after-ms (3 s), asks for the lease and is refused.
void standby_cut(scenario_ctx& c) {
  if (!c.lab.cut(partition_lab::both_ways(c.active, c.standby)))
    return;
  hold_cut(c, ms(6000));
  c.lab.step(std::string(c.lab.holds_lease(c.active).value_or(false) ? c.active + " still holds"
                                                                     : c.active + " lost")
             + " the oms lease");
}

// The active's packets to the witnesses are dropped, theirs to it arrive:
// its lease requests reach no majority (itself and the standby: 2 of 4).
void asymmetric(scenario_ctx& c) {
  if (!c.lab.cut({{c.active, c.witnesses[0]}, {c.active, c.witnesses[1]}}))
    return;
  wait_gate_closed(c);
  wait_traded(c, c.standby);
  hold_cut(c, ms(6000));
}

// The link between the active and both witnesses goes down and up: two
// short cuts (shorter than the lease), then two long ones; after each change
// the drill notes who holds the oms lease.
void flapping(scenario_ctx& c) {
  for (auto length : {ms(400), ms(400), ms(2000), ms(2000)}) {
    auto links = partition_lab::both_ways(c.active, c.witnesses[0]);
    for (auto& l : partition_lab::both_ways(c.active, c.witnesses[1]))
      links.push_back(l);
    if (!c.lab.cut(links))
      return;
    std::this_thread::sleep_for(length);
    std::string holders;
    for (auto& h : c.lab.holders())
      holders += " " + h;
    c.lab.step("after a " + std::to_string(length.count()) + " ms cut, holders:" + holders);
    if (!c.lab.heal_all())
      return;
    std::this_thread::sleep_for(length);
  }
}

struct scenario {
  const char* name;
  const char* what;
  void (*run)(scenario_ctx&);
};

const std::vector<scenario>& scenarios() {
  static const std::vector<scenario> all{
    {"split-2-2", "{active, w1} | {standby, w2}: no majority; the active's gate closes within the "
                  "lease, nobody trades until healed, then one holder trades",
     split_2_2},
    {"isolate-active", "the active alone (venue reachable): its gate closes within the lease, the "
                       "standby takes over and trades, never both",
     isolate_active},
    {"standby-cut", "active and standby cut from each other, not from the witnesses: the active "
                    "keeps trading, the standby is refused",
     standby_cut},
    {"asymmetric", "the active's packets to the witnesses dropped, theirs to it delivered: its "
                   "gate closes within the lease, the standby takes over",
     asymmetric},
    {"flapping", "the active <-> witnesses link cut and healed four times (0.4 s, 0.4 s, 2 s, "
                 "2 s): never two traders, one holder at the end",
     flapping},
  };
  return all;
}

// [lease] duration-ms as the nodes get it (node-args), else the default.
int64_t lease_duration_ms(const cluster_spec& spec) {
  const std::string flag = "--lease.duration-ms=";
  int64_t v = 900;
  for (auto& a : spec.node_args)
    if (a.rfind(flag, 0) == 0)
      v = std::strtoll(a.c_str() + flag.size(), nullptr, 10);
  return v;
}

void expect(partition_scenario_report& r, std::string name, std::string expected,
            std::string observed, bool pass) {
  r.expectations.push_back({std::move(name), std::move(expected), std::move(observed), pass});
}

std::string ms_or(const std::optional<int64_t>& v, const char* none) {
  return v ? std::to_string(*v) + " ms" : std::string(none);
}

// What every scenario, and each one, must show (docs/partitions.md).
void judge(partition_scenario_report& r, const std::string& holder_after) {
  auto& a = r.result;
  auto bound = r.lease_duration_ms + r.gate_margin_ms;
  expect(r, "no overlap", "0 orders at the venue from a node after its successor's first",
         std::to_string(a.overlap_total()) + (a.first_overlap.empty() ? "" : " (" + a.first_overlap + ")"),
         a.overlap_total() == 0);
  int64_t foreign_cancels = 0;
  for (auto& [node, n] : a.cancels_of_others)
    foreign_cancels += n;
  // A cancel is an order request too: a succeeded node must not act on the
  // account, least of all on its successor's orders.
  expect(r, "the old holder leaves the successor's orders alone",
         "0 cancels of another node's orders from a succeeded node",
         std::to_string(foreign_cancels)
           + (a.first_cancel_of_other.empty() ? "" : " (" + a.first_cancel_of_other + ")"),
         foreign_cancels == 0);
  expect(r, "every order from a node", "0 orders from other addresses",
         std::to_string(a.unknown_sender_orders), a.unknown_sender_orders == 0);
  std::string holders;
  for (auto& h : a.holders_at_end)
    holders += (holders.empty() ? "" : ",") + h;
  expect(r, "one holder after the heal", "exactly one node holds the oms lease and trades",
         (holders.empty() ? "none" : holders) + "; trading after the heal: " + holder_after,
         a.holders_at_end.size() == 1 && holder_after == a.holders_at_end[0]);
  bool keeps = r.scenario == "standby-cut";
  if (keeps) {
    expect(r, "the active keeps its lease", "its gate never closed",
           ms_or(a.gate_closed_after_cut_ms, "never closed"), !a.gate_closed_after_cut_ms);
    expect(r, "the majority keeps trading", r.active + " orders while cut > 0",
           std::to_string(a.orders_while_cut[r.active]), a.orders_while_cut[r.active] > 0);
    expect(r, "the standby is refused", "0 orders from " + r.standby,
           std::to_string(a.orders_after_cut[r.standby]), a.orders_after_cut[r.standby] == 0);
    return;
  }
  expect(r, "the minority's gate closes within the lease",
         "<= " + std::to_string(bound) + " ms after the cut (lease " + std::to_string(r.lease_duration_ms)
           + " ms + " + std::to_string(r.gate_margin_ms) + " ms scheduling margin)",
         ms_or(a.gate_closed_after_cut_ms, "never closed") + " " + a.gate_closed_how,
         a.gate_closed_after_cut_ms && *a.gate_closed_after_cut_ms <= bound);
  if (r.scenario != "flapping") {
    // The venue's side of the same: nothing of the old holder arrives after its gate closed.
    auto last = a.old_holder_last_order_after_cut_ms;
    expect(r, "no order of " + r.active + " after its gate closed",
           "its last order <= gate closed + " + std::to_string(wire_margin_ms) + " ms",
           ms_or(last, "none after the cut"),
           !last || (a.gate_closed_after_cut_ms && *last <= *a.gate_closed_after_cut_ms + wire_margin_ms));
  }
  if (r.scenario == "split-2-2") {
    int64_t others = 0;
    for (auto& [node, n] : a.orders_while_cut)
      others += node == r.active ? 0 : n;
    expect(r, "nobody else trades while split", "0 orders from other nodes until the heal",
           std::to_string(others), others == 0);
  } else if (r.scenario != "flapping") {
    expect(r, "the majority resumes trading", r.standby + " trades while the cut lasts",
           a.new_holder.empty() ? "nobody" : a.new_holder + " after " + ms_or(a.new_holder_traded_after_cut_ms, "-"),
           a.new_holder == r.standby && a.orders_while_cut[r.standby] > 0);
  }
}

} // namespace

const std::vector<std::pair<std::string, std::string>>& partition_scenarios() {
  static const auto list = [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& s : scenarios())
      out.emplace_back(s.name, s.what);
    return out;
  }();
  return list;
}

std::string partition_drill_refusal() {
  auto why = netns::missing_capability();
  return why.empty() ? why
                     : "the partition drills run every node in its own network namespace: " + why;
}

bool partition_scenario_report::passed() const {
  if (!error.empty() || expectations.empty())
    return false;
  for (auto& e : expectations)
    if (!e.pass)
      return false;
  return true;
}

partition_scenario_report run_partition_scenario(const cluster_spec& spec,
                                                 const std::string& bin_dir,
                                                 const std::string& name,
                                                 const partition_options& opts, std::ostream& log) {
  partition_scenario_report rep;
  rep.scenario = name;
  rep.lease_duration_ms = lease_duration_ms(spec);
  rep.gate_margin_ms = gate_margin_ms;
  const scenario* chosen = nullptr;
  for (auto& s : scenarios())
    if (s.name == name)
      chosen = &s;
  if (!chosen) {
    rep.error = "unknown scenario '" + name + "'";
    return rep;
  }
  rep.what = chosen->what;
  for (auto& n : spec.nodes)
    if (!n.standby_for.empty()) {
      rep.standby = n.id;
      rep.active = n.standby_for;
    }
  for (auto& n : spec.nodes)
    if (n.id != rep.active && n.id != rep.standby)
      rep.witnesses.push_back(n.id);
  if (rep.active.empty() || !spec.node(rep.active) || rep.witnesses.size() < 2) {
    rep.error = "the cluster config needs an active node, a standby (standby-for = <active>) and "
                "at least two witnesses";
    return rep;
  }
  // Its own run dir, emptied (journals, lease epochs and halt state of an
  // earlier run would change what the nodes do), and the venue's order log.
  auto drill_spec = spec;
  drill_spec.run_dir = spec.run_dir + "/partition-" + name;
  auto run_dir = fs::absolute(drill_spec.run_dir).string();
  auto order_log = run_dir + "/venue-orders.jsonl";
  drill_spec.venue.args.insert(drill_spec.venue.args.end(), {"--order-log", order_log});
  cluster_runtime rt(drill_spec, bin_dir);
  rt.set_netns(true);
  rt.tie_to_this_process(!opts.keep);
  rep.run_dir = rt.run_dir();
  std::error_code ec;
  fs::remove_all(rt.run_dir(), ec);
  // As `cwts drill`: the peers' start-up grace shortened, so the fail-safe
  // counts from the injection rather than from a long start.
  rt.node_extra_args().push_back("--cluster.connect-timeout-ms=2000");
  std::string error;
  if (!rt.prepare(error) || !rt.make_namespaces(error)) {
    rep.error = error;
    return rep;
  }
  auto take_down = [&] {
    if (opts.keep)
      return;
    rt.stop_all();
    rt.remove_namespaces();
    rt.remove_state();
  };
  log << "partition " << name << ": " << rep.what << "\n  starting " << spec.nodes.size()
      << " nodes and the venue in network namespaces (" << rt.run_dir() << ")\n";
  auto started = std::chrono::steady_clock::now();
  std::ostringstream not_ready;
  if (!rt.start_all(error) || !rt.save_state(error)
      || !wait_cluster_ready(rt, started, log, not_ready)) {
    rep.error = error.empty() ? "cluster not ready: " + not_ready.str() : error;
    take_down();
    return rep;
  }
  partition_lab lab(rt, order_log, log);
  scenario_ctx ctx{lab, rep, opts, rep.active, rep.standby, rep.witnesses};
  // The active must be trading before anything is cut.
  auto t0 = partition_lab::wall_now_ns();
  if (!partition_lab::wait_for([&] { return lab.orders_from(rep.active, t0) >= 3; }, opts.observe)) {
    rep.error = rep.active + " sent no orders to the venue within the observation window";
    take_down();
    return rep;
  }
  lab.step(rep.active + " trades");
  chosen->run(ctx);
  if (lab.heal_wall_ns() == 0 || lab.cut_wall_ns() > lab.heal_wall_ns())
    lab.heal_all();
  // After the heal: one holder, and its orders reach the venue again.
  std::string trading_after;
  partition_lab::wait_for(
    [&] {
      auto h = lab.holders();
      if (h.size() == 1 && lab.orders_from(h[0], lab.heal_wall_ns()) > 0)
        trading_after = h[0];
      return !trading_after.empty();
    },
    opts.observe);
  lab.step("after the heal: " + (trading_after.empty() ? "no single holder trading" : trading_after + " holds and trades"));
  if (!lab.error().empty())
    rep.error = lab.error();
  partition_run run;
  run.scenario = name;
  run.account = "demo";
  for (auto& a : spec.node_args)
    if (a.rfind("--venue.account=", 0) == 0)
      run.account = a.substr(16);
  run.old_holder = rep.active;
  run.lease_duration_ms = rep.lease_duration_ms;
  run.cut_wall_ns = lab.cut_wall_ns();
  run.cut_mono_ns = lab.cut_mono_ns();
  run.cut_began_wall_ns = lab.cut_began_wall_ns();
  run.heal_wall_ns = lab.heal_wall_ns();
  run.cuts = lab.cuts();
  run.node_of_address = lab.node_of_address();
  for (auto& n : spec.nodes)
    run.holds_at_end[n.id] = lab.holds_lease(n.id).value_or(false);
  rep.steps = lab.steps();
  take_down();
  int64_t bad = 0;
  run.orders = lab.read_orders(&bad);
  run.events = lab.read_events();
  rep.result = analyse_partition(run);
  if (bad > 0)
    rep.result.notes.push_back(std::to_string(bad) + " order log lines were not order records");
  if (rep.error.empty())
    judge(rep, trading_after);
  return rep;
}

std::string partition_reports_json(const std::vector<partition_scenario_report>& reports) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  bool all = !reports.empty();
  w.StartObject();
  w.Key("scenarios");
  w.StartArray();
  for (auto& r : reports) {
    all = all && r.passed();
    w.StartObject();
    auto str = [&](const char* k, const std::string& v) {
      w.Key(k);
      w.String(v.c_str());
    };
    str("scenario", r.scenario);
    str("what", r.what);
    str("run_dir", r.run_dir);
    str("active", r.active);
    str("standby", r.standby);
    w.Key("lease_duration_ms");
    w.Int64(r.lease_duration_ms);
    w.Key("gate_margin_ms");
    w.Int64(r.gate_margin_ms);
    w.Key("passed");
    w.Bool(r.passed());
    if (!r.error.empty())
      str("error", r.error);
    w.Key("result");
    auto result = to_json(r.result);
    w.RawValue(result.c_str(), result.size(), rapidjson::kObjectType);
    w.Key("steps");
    w.StartArray();
    for (auto& s : r.steps)
      w.String(s.c_str());
    w.EndArray();
    w.Key("expectations");
    w.StartArray();
    for (auto& e : r.expectations) {
      w.StartObject();
      str("name", e.name);
      str("expected", e.expected);
      str("observed", e.observed);
      w.Key("pass");
      w.Bool(e.pass);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("passed");
  w.Bool(all);
  w.EndObject();
  return buf.GetString();
}

void print(const partition_scenario_report& r, std::ostream& out) {
  out << "partition " << r.scenario << ": " << (r.passed() ? "PASS" : "FAIL") << "\n";
  if (!r.error.empty())
    out << "  error: " << r.error << "\n";
  out << "  active " << r.active << ", standby " << r.standby << ", lease " << r.lease_duration_ms
      << " ms; run dir " << r.run_dir << "\n";
  print(r.result, out);
  for (auto& e : r.expectations)
    out << "  [" << (e.pass ? "ok" : "FAIL") << "] " << e.name << ": expected " << e.expected
        << "; observed " << e.observed << "\n";
}

} // namespace cwts::cluster
