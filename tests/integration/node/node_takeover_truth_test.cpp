// A takeover starts from the truth (issue 24, docs/reconciliation.md
// "Takeover from the truth"), with real processes: a cwts-venue writing its
// per-account order log, gateway gw1, trading node tr1 and tr2 standing by
// for tr1 (--cluster.standby-for). tr2 runs a journal replica (role
// replica-for/tr1) while it stands by; tr1's OMS ships every journal commit
// to it.
//
// tr1 trades until it has fills and the replica has acknowledged its
// batches, is SIGKILLed right after its OMS sent more orders (the last
// `cwts status` before the kill is the first to count them), and tr2 takes
// over (waited for by state, whatever the failover's timing). Then, to the
// unit (raw fixed point, 1e-8):
//   - positions and PnL: tr1's risk as last published before the kill equals
//     risk's own core (position_book) rebuilding the first fills of tr1's
//     journal; tr2's journal holds every fill of tr1's, the same rows in the
//     same order, and after them only the venue's catch-up of tr1's live
//     orders (what the venue filled after tr1's last record, checked against
//     the venue's own order state); tr2's risk as published after the
//     takeover equals the same core rebuilding tr1's fills plus those
//     catch-ups (plus, if it already traded, its own later fills): net,
//     average cost and realized PnL; unrealized PnL is that position at tr2's
//     mark. With no catch-up, tr2's positions are tr1's, unit for unit.
//   - orders: the venue's order log shows no client order id sent twice
//     (one `new` at most, by any node), and every order tr1's OMS journaled
//     (those of its last moment included) is in tr2's journal and either
//     reached the venue or was ended never_reached: none lost;
//   - tr2's OMS opened the replica (complete) and judged venue and journal in
//     agreement; at the venue no client order id is open twice.
#define CAF_SUITE node_takeover_truth
#include "tests/support/unit_test.hpp"

#include <signal.h>

#include <chrono>
#include <map>
#include <set>
#include <string>

#include "tests/integration/node/stop_node.hpp"
#include "tests/integration/node/takeover_truth_support.hpp"
#include "tests/integration/node/venue_view.hpp"
#include "tests/integration/support/cluster.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace cwts::itest::takeover;
using namespace std::chrono_literals;

namespace {

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

// cwts-venue at the tests' usual speed with its order log on; the port it
// printed, 0 when it did not start.
uint16_t start_venue(child_process& venue) {
  const std::string marker = "cwts-venue listening host=127.0.0.1 port=";
  auto line = venue.wait_for_line(
    stream::out, [&](const std::string& l) { return l.rfind(marker, 0) == 0; }, 30s);
  if (!line)
    return 0;
  long p = std::strtol(line->c_str() + marker.size(), nullptr, 10);
  return p > 0 && p <= 65535 ? static_cast<uint16_t>(p) : 0;
}

// N of tr2's `event=risk_positions_restored fills=N` after its takeover.
std::optional<size_t> restored_fills(const std::string& log) {
  auto from = log.find("event=journal_takeover");
  auto at = log.find("event=risk_positions_restored fills=", from == std::string::npos ? 0 : from);
  if (from == std::string::npos || at == std::string::npos)
    return std::nullopt;
  return std::stoul(log.substr(at + std::string("event=risk_positions_restored fills=").size()));
}

} // namespace

CAF_TEST(the_new_active_starts_from_the_shipped_journal_and_the_venue) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  auto dir = make_test_dir("node_takeover_truth");
  CAF_MESSAGE("logs in " << dir);
  auto order_log_path = dir + "/venue-orders.jsonl";
  child_process venue("venue",
                      {paths.venue_bin, "--config", paths.config("venue.ini"), "--port", "0",
                       "--speed", "300", "--order-log", order_log_path},
                      dir);
  auto venue_port = start_venue(venue);
  CAF_REQUIRE(venue_port != 0);
  auto gw_port = free_port(), tr1_port = free_port(), tr2_port = free_port();
  // No --risk.max-reject-ratio override: refusals while the trading lease is
  // first granted (no_trading_lease) do not count toward the reject rate.
  std::vector<std::string> common{"--cluster.members=[\"gw1\",\"tr1\",\"tr2\"]",
                                  "--kill.heartbeat-interval-ms=100",
                                  "--cluster.connect-timeout-ms=5000"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), common.begin(), common.end());
    return extra;
  };
  auto tr1_journal = dir + "/tr1-oms.sqlite";
  auto tr2_journal = dir + "/tr2-oms.sqlite";
  child_process gw1("gw1",
                    node_argv(paths, "node-gateway.ini", venue_port, gw_port,
                              with({peers_arg({{"tr1", tr1_port}, {"tr2", tr2_port}})})),
                    dir, dir);
  auto tr1 = std::make_unique<child_process>(
    "tr1",
    node_argv(paths, "node-trading.ini", venue_port, tr1_port,
              with({peers_arg({{"tr2", tr2_port}, {"gw1", gw_port}}), "--oms.journal-path=" + tr1_journal})),
    dir, dir);
  child_process tr2("tr2",
                    node_argv(paths, "node-trading.ini", venue_port, tr2_port,
                              with({peers_arg({{"gw1", gw_port}, {"tr1", tr1_port}}), "--cwts.node-id=tr2",
                                    "--cluster.standby-for=tr1",
                                    "--cluster.failover-after-ms=1000",
                                    "--oms.journal-path=" + tr2_journal})),
                    dir, dir);
  CAF_REQUIRE(gw1.started() && tr1->started() && tr2.started());
  auto logs = [&] {
    return "gw1:\n" + tail(gw1.err()) + "\ntr1:\n" + tail(tr1->err()) + "\ntr2:\n" + tail(tr2.err());
  };

  // tr1 trades with fills, and its replica on tr2 has acknowledged them.
  auto traded = wait_for_status(
    paths, dir, tr1_port,
    [](const node_status_view& s) {
      return s.mode == "ACTIVE" && s.counter_or_zero("oms", "fills") >= 2
             && s.counter_or_zero("oms", "ship.acked") >= 5;
    },
    120s);
  if (!traded.met)
    CAF_MESSAGE(traded.last.text << logs());
  CAF_REQUIRE(traded.met);
  CAF_CHECK(tr2.err().find("event=journal_replica_stream node=tr2 active=tr1") != std::string::npos);

  // SIGKILL right after tr1's OMS accepted more orders: tr1 is polled every
  // 10 ms and the first status that counts more orders sent than the one
  // before is the last read. Orders journaled after that earlier poll began
  // (`unmet_at`: it did not count them) are those of tr1's last moment.
  node_status_view pre_kill;
  int64_t unmet_at = 0;
  std::optional<int64_t> sent;
  bool more = wait_until(
    [&] {
      auto at = wall_ns();
      auto s = query_status(paths, dir, tr1_port);
      if (!s.ok())
        return false;
      auto n = s.counter_or_zero("oms", "orders_sent");
      if (sent && n > *sent) {
        pre_kill = std::move(s);
        return true;
      }
      sent = n;
      unmet_at = at;
      return false;
    },
    60s, 10ms);
  CAF_REQUIRE(more);
  CAF_REQUIRE_EQUAL(::kill(tr1->pid(), SIGKILL), 0);
  CAF_REQUIRE(tr1->wait_exit(10s).has_value());
  // Nothing halted tr1 (a reject-rate kill at the lease's first grant would).
  CAF_CHECK_EQUAL(pre_kill.counter_or_zero("kill", "applied"), 0);
  CAF_CHECK_EQUAL(pre_kill.counter_or_zero("risk", "reject_rate_breaches"), 0);
  CAF_CHECK_EQUAL(pre_kill.mode, "ACTIVE");
  auto p1 = positions_of(pre_kill.text);
  CAF_REQUIRE(p1.has_value() && p1->count("USDCHF") == 1);

  // tr2 takes over and trades (its OMS running), however long it takes. The
  // status that first shows its OMS running and risk's USDCHF position
  // marked (a validated price taken since the takeover: before its first
  // tick risk publishes no mark, its unrealized PnL unknown) is read at once
  // (polled every 10 ms) and holds risk's positions as restored, unless
  // tr2's own orders filled first: its OMS handed risk the fills before it
  // answered the status's stats request, and risk is asked after.
  node_status_view after;
  bool took = wait_until(
    [&] {
      after = query_status(paths, dir, tr2_port);
      auto marked = positions_of(after.text);
      return after.ok() && after.counter_or_zero("supervisor", "failover.active") == 1
             && after.counter_or_zero("oms", "reconcile.phase_running") == 1 && marked
             && marked->count("USDCHF") == 1 && marked->at("USDCHF").mark.has_value();
    },
    90s, 10ms);
  if (!took)
    CAF_MESSAGE(after.text << logs());
  CAF_REQUIRE(took);
  CAF_CHECK_EQUAL(after.counter_or_zero("oms", "takeover.from_replica"), 1);
  CAF_CHECK_EQUAL(after.counter_or_zero("oms", "takeover.replica_complete"), 1);
  CAF_CHECK_EQUAL(after.counter_or_zero("oms", "takeover.mismatch"), 0);
  CAF_CHECK_EQUAL(after.counter_or_zero("kill", "applied"), 0);
  CAF_CHECK_EQUAL(after.counter_or_zero("risk", "reject_rate_breaches"), 0);
  auto p2 = positions_of(after.text);
  CAF_REQUIRE(p2.has_value() && p2->count("USDCHF") == 1);
  CAF_REQUIRE(wait_until([&] { return restored_fills(tr2.err()).has_value(); }, 30s));
  auto err2 = tr2.err();
  CAF_CHECK(err2.find("event=journal_takeover node=tr2 from=tr1") != std::string::npos);
  CAF_CHECK(err2.find("complete=1") != std::string::npos);
  CAF_CHECK(err2.find("event=takeover_agreed node=tr2 from=tr1") != std::string::npos);
  CAF_CHECK(err2.find("event=takeover_mismatch") == std::string::npos);

  // The venue's own state: no client order id open twice; every order's
  // executed quantity (for the catch-ups below).
  venue_view vv(paths, venue_port);
  auto open = vv.try_open_orders();
  CAF_REQUIRE(open.has_value());
  std::set<std::string> ids;
  for (auto& o : *open)
    CAF_CHECK(ids.insert(o.client_id.value).second);
  auto all = vv.gw->all_orders(*symbol::parse("USDCHF"));
  CAF_REQUIRE(all.ok());
  std::map<std::string, connector::venue_order> at_venue;
  for (auto& o : all.value)
    at_venue[o.client_id.value] = o;

  CWTS_STOP_NODE(tr2);
  CWTS_STOP_NODE(gw1);

  auto j1 = read_journal_file(tr1_journal);
  auto j2 = read_journal_file(tr2_journal);
  CAF_REQUIRE_EQUAL(j1.error, "");
  CAF_REQUIRE_EQUAL(j2.error, "");
  const auto& f1 = j1.fills;
  const auto& f2 = j2.fills;
  auto usd = *symbol::parse("USDCHF");
  CAF_MESSAGE("tr1 journal: orders=" << j1.orders.size() << " fills=" << f1.size()
              << "; tr2 journal: orders=" << j2.orders.size() << " fills=" << f2.size());
  CAF_CHECK(f1.size() >= 2);

  // tr1's risk, last published, is its journal's first k1 fills rebuilt by
  // risk's core (k1 < |f1|: fills that came between that read and the kill).
  auto from1 = std::min(static_cast<size_t>(traded.last.counter_or_zero("oms", "fills")), f1.size());
  auto k1 = matching_prefix(f1, from1, *p1);
  CAF_MESSAGE("tr1 risk before the kill: " << describe(p1->at("USDCHF")) << " = its journal's first "
              << (k1 ? std::to_string(*k1) : "none") << " of " << f1.size() << " fills");
  CAF_CHECK(k1.has_value());
  rebuilt old_active(f1, f1.size()); // tr1's positions when it died
  CAF_MESSAGE("tr1 at its death (journal): " << describe(old_active.book.get(usd)));

  // tr2's journal: every fill of tr1's first, row for row, in tr1's order.
  size_t shipped = 0;
  while (shipped < f1.size() && shipped < f2.size() && same_fill(f1[shipped], f2[shipped]))
    ++shipped;
  CAF_MESSAGE("fills of tr1 in tr2's journal, in order: " << shipped << " of " << f1.size());
  CAF_CHECK_EQUAL(shipped, f1.size());
  for (size_t i = shipped; i < f1.size(); ++i)
    CAF_MESSAGE("not shipped before the kill: " << describe(f1[i]));
  // What tr2 holds of tr1's is tr1's position: rebuilt, and as tr1's risk
  // last published it when no fill came between that read and the kill.
  rebuilt held(f2, shipped);
  CAF_CHECK(same_position(held.book.get(usd), old_active.book.get(usd)));
  if (k1 && *k1 == f1.size())
    CAF_CHECK(held.equals("USDCHF", p1->at("USDCHF")));
  if (k1) {
    rebuilt tr1_read(f1, *k1);
    auto mark1 = mark_for(tr1_read.book, usd, p1->at("USDCHF").unrealized);
    CAF_CHECK(mark1.has_value()); // tr1's unrealized PnL: that position at its mark
  }

  // Then, up to what risk was restored from, the venue's catch-up of tr1's
  // orders: written by tr2, each of an order tr1 left live, none beyond what
  // the venue executed.
  auto n = restored_fills(err2);
  CAF_REQUIRE(n.has_value());
  CAF_REQUIRE(*n >= shipped && *n <= f2.size());
  std::map<std::string, qty> at_restore;
  for (size_t i = 0; i < *n; ++i)
    at_restore[f2[i].id.value] += f2[i].quantity;
  for (size_t i = shipped; i < *n; ++i) {
    auto& f = f2[i];
    CAF_MESSAGE("caught up from the venue: " << describe(f));
    CAF_CHECK_EQUAL(j2.fill_writer[i], "tr2");
    // Written by the catch-up, or by tr2's OMS from the venue's own report
    // of a tr1 order it adopted from the replica (no text) when that report
    // came first on a loaded machine: either way once (checked just below).
    CAF_CHECK(j2.fill_text[i] == "reconciliation" || j2.fill_text[i].empty());
    auto o = j1.orders.find(f.id.value);
    CAF_CHECK(o != j1.orders.end() && (o->second.live || shipped < f1.size()));
    auto v = at_venue.find(f.id.value);
    CAF_REQUIRE(v != at_venue.end());
    CAF_CHECK(at_restore[f.id.value] <= v->second.executed_qty);
  }

  // tr2's risk as published: its journal's first k2 >= n fills rebuilt (k2 >
  // n only when tr2 had fills of its own before the read).
  auto k2 = matching_prefix(f2, *n, *p2);
  CAF_MESSAGE("tr2 risk after the takeover: " << describe(p2->at("USDCHF")) << " = its journal's first "
              << (k2 ? std::to_string(*k2) : "none") << " of " << f2.size() << " fills (restored from "
              << *n << ")");
  CAF_REQUIRE(k2.has_value());

  // The old active's positions continued with the catch-ups are what tr2's
  // risk was restored to, and, before tr2's own fills, what it published.
  std::vector<journaled_fill> continued = f1;
  continued.insert(continued.end(), f2.begin() + static_cast<long>(shipped),
                   f2.begin() + static_cast<long>(*n));
  rebuilt expected(continued, continued.size());
  rebuilt restored(f2, *n);
  CAF_MESSAGE("tr1's positions + catch-ups: " << describe(expected.book.get(usd)));
  CAF_CHECK(same_position(expected.book.get(usd), restored.book.get(usd)));
  qty caught_up_net;
  for (size_t i = shipped; i < *n; ++i)
    caught_up_net += f2[i].order_side == side::buy ? f2[i].quantity : -f2[i].quantity;
  CAF_CHECK_EQUAL(restored.book.get(usd).net, old_active.book.get(usd).net + caught_up_net);
  if (*k2 == *n)
    CAF_CHECK(expected.equals("USDCHF", p2->at("USDCHF")));
  if (*n == f1.size() && shipped == f1.size()) {
    // Nothing caught up: tr2 holds tr1's positions and PnL, unit for unit.
    CAF_CHECK(same_position(restored.book.get(usd), old_active.book.get(usd)));
    if (*k2 == *n)
      CAF_CHECK(old_active.equals("USDCHF", p2->at("USDCHF")));
  }
  // Unrealized PnL: tr2 published the position above at its mark (a tape
  // price): (mark - avg_cost) x net, to the unit.
  rebuilt read_at(f2, *k2);
  auto mark = mark_for(read_at.book, usd, p2->at("USDCHF").unrealized);
  CAF_MESSAGE("tr2's mark: " << (read_at.book.get(usd).net.is_zero() ? "any (flat)"
                                  : mark ? mark->to_string() : "none"));
  CAF_CHECK(mark.has_value());
  // ... and the mark it published is that price (any, when flat).
  if (!read_at.book.get(usd).net.is_zero())
    CAF_CHECK(mark == p2->at("USDCHF").mark);

  // Orders: each client order id reached the venue at most once (the
  // venue's order log, `new` requests from any connection), and every order
  // tr1 journaled is in tr2's journal, reached the venue or was ended
  // never_reached.
  CAF_REQUIRE(venue.stop().has_value());
  auto log = read_order_log(order_log_path);
  CAF_MESSAGE("venue order log: " << log.lines << " lines, " << log.new_outcomes.size()
              << " client order ids");
  CAF_CHECK(log.lines > 0);
  for (auto& [id, outcomes] : log.new_outcomes) {
    if (outcomes.size() > 1)
      CAF_MESSAGE("client order id " << id << " sent to the venue " << outcomes.size() << " times");
    CAF_CHECK(outcomes.size() <= 1);
  }
  size_t last_moment = 0, never_reached = 0;
  for (auto& [id, o] : j1.orders) {
    auto in2 = j2.orders.find(id);
    CAF_CHECK(in2 != j2.orders.end());
    if (in2 == j2.orders.end())
      continue;
    auto sent_to_venue = log.new_outcomes.count(id);
    if (sent_to_venue == 0) {
      ++never_reached;
      CAF_MESSAGE("never at the venue: " << id << " tr1: " << o.status << " '" << o.last_text
                  << "' tr2: " << in2->second.status << " '" << in2->second.last_text << "'");
      CAF_CHECK_EQUAL(in2->second.status, "REJECTED");
      // Refused on tr1's side before it died (the gateway's connector without
      // its trading lease yet, on a loaded machine): tr2 holds tr1's own
      // ending. Otherwise tr2's takeover ended it as never reached.
      if (o.status == "REJECTED")
        CAF_CHECK_EQUAL(in2->second.last_text, o.last_text);
      else
        CAF_CHECK(in2->second.last_text.find("never reached") != std::string::npos);
    }
    if (o.submitted_ns >= unmet_at) {
      ++last_moment;
      CAF_MESSAGE("accepted by tr1 just before the kill: " << id << " at the venue: "
                  << (sent_to_venue ? log.new_outcomes[id].front() : "never reached")
                  << ", on tr2: " << in2->second.status);
    }
  }
  CAF_MESSAGE("tr1's orders: " << j1.orders.size() << ", never reached the venue: " << never_reached);
  CAF_CHECK(last_moment >= 1);
}
