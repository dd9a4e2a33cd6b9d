// Journal shipping (issue 24): the active journal's commits captured as
// patchsets and applied to a replica file give the same journal (orders,
// fills, marks); rolled-back writes ship nothing; a sealed replica refuses;
// a batch that conflicts is refused whole. The cores: ship_log (numbering,
// bounded window, resend ranges, lag), replica_sequencer (apply, duplicate,
// gap asks, new streams, incomplete) and judge_takeover.
#define CAF_SUITE oms_journal_ship
#include "tests/support/unit_test.hpp"

#include <memory>
#include <string>
#include <vector>

#include "actors/oms/journal_ship.hpp"
#include "actors/oms/journal_ship_takeover.hpp"
#include "actors/oms/order_journal.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"
#include "tests/unit/oms/temp_dir.hpp"

using namespace cwts;
using namespace cwts::oms;
using namespace cwts::oms::testing;

namespace {

const node_id active{"tr1"};

struct ship_fixture : oms_fixture {
  temp_dir dir;
  order_journal journal;  // the active's
  order_journal replica;  // the standby's
  std::vector<std::string> shipped;
  std::shared_ptr<journal_faults> faults = std::make_shared<journal_faults>();

  ship_fixture() {
    CAF_REQUIRE_EQUAL(journal.open(dir.file("active.sqlite")).message(), "none");
    CAF_REQUIRE_EQUAL(replica.open(dir.file("replica.sqlite")).message(), "none");
    journal.set_faults(faults);
    auto err = journal.start_capture([this](std::string&& p) { shipped.push_back(std::move(p)); });
    CAF_REQUIRE_EQUAL(err.message(), "none");
  }

  void submit(std::string_view id) {
    auto req = order(id);
    auto now = tick();
    CAF_REQUIRE(!store.submit(req, now));
    CAF_REQUIRE_EQUAL(journal.record_submitted(req, now).message(), "none");
  }

  void fill(std::string_view id, std::string_view cum, std::string_view last, std::string_view px) {
    auto st = cum == "1" ? order_status::filled : order_status::partially_filled;
    auto upd = store.apply(report(id, st, cum, last, px));
    CAF_REQUIRE(upd.changed());
    CAF_REQUIRE_EQUAL(journal.record_update(*store.find(upd.id), upd).message(), "none");
  }

  // Applies every batch shipped so far, in order, as batches 1..n of stream 7.
  void apply_all() {
    for (size_t i = 0; i < shipped.size(); ++i) {
      auto err = replica.apply_shipped(active, 7, static_cast<int64_t>(i) + 1, {}, shipped[i]);
      CAF_REQUIRE_EQUAL(err.message(), "none");
    }
  }

  static std::string fills_of(const order_journal& j) {
    std::vector<journaled_fill> fills;
    CAF_REQUIRE_EQUAL(j.all_fills(fills).message(), "none");
    std::string out;
    for (auto& f : fills)
      out += f.id.value + ":" + f.quantity.to_string() + "@" + f.px.to_string() + " ";
    return out;
  }

  static std::string live_of(const order_journal& j) {
    std::vector<order_record> live;
    CAF_REQUIRE_EQUAL(j.load(live).message(), "none");
    std::string out;
    for (auto& r : live)
      out += r.request.id.value + ":" + to_string(r.status) + ":" + r.cum_qty.to_string() + " ";
    return out;
  }

  static journal_marks marks_of(const order_journal& j) {
    journal_marks m;
    CAF_REQUIRE_EQUAL(j.marks(m).message(), "none");
    return m;
  }
};

journal_batch batch(int64_t stream, int64_t seq, journal_marks start = {}) {
  journal_batch b;
  b.origin = active;
  b.stream = stream;
  b.seq = seq;
  b.start = start;
  return b;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(journal_ship_tests, ship_fixture)

CAF_TEST(replica_holds_the_active_journal_after_every_commit) {
  submit("a");
  submit("b");
  fill("a", "0.4", "0.4", "30000");
  // A group-committed batch ships as one patchset.
  CAF_REQUIRE_EQUAL(journal.begin_batch().message(), "none");
  fill("a", "1", "0.6", "30010");
  submit("c");
  CAF_REQUIRE_EQUAL(journal.commit_batch().message(), "none");
  position_baseline base;
  CAF_REQUIRE_EQUAL(journal.record_baseline(test_venue, {asset_balance{"BTC", qt("2"), {}}},
                                            "reconciliation", "first", tick(), base)
                      .message(),
                    "none");
  CAF_CHECK_EQUAL(shipped.size(), 5u); // three single writes, one batch, one baseline
  apply_all();
  CAF_CHECK_EQUAL(fills_of(replica), fills_of(journal));
  CAF_CHECK_EQUAL(fills_of(replica), "a:0.40000000@30000.00000000 a:0.60000000@30010.00000000 ");
  CAF_CHECK_EQUAL(live_of(replica), live_of(journal));
  CAF_CHECK(marks_of(replica) == marks_of(journal));
  position_baseline copy;
  CAF_REQUIRE_EQUAL(replica.load_baseline(test_venue, copy).message(), "none");
  CAF_CHECK_EQUAL(copy.event_seq, base.event_seq);
  ship_state st;
  CAF_REQUIRE_EQUAL(replica.load_ship_state(st).message(), "none");
  CAF_CHECK_EQUAL(st.origin, "tr1");
  CAF_CHECK_EQUAL(st.seq, 5);
}

CAF_TEST(a_failed_commit_ships_nothing_and_its_replay_ships_once) {
  submit("a");
  auto before = shipped.size();
  faults->commits = 1;
  CAF_REQUIRE_EQUAL(journal.begin_batch().message(), "none");
  submit("b");
  CAF_CHECK(journal.commit_batch()); // rolled back
  CAF_CHECK_EQUAL(shipped.size(), before);
  // What a replay writes again ships as its own commit.
  CAF_REQUIRE_EQUAL(journal.record_submitted(order("b"), tick()).message(), "none");
  CAF_CHECK_EQUAL(shipped.size(), before + 1);
  apply_all();
  CAF_CHECK_EQUAL(live_of(replica), live_of(journal));
}

CAF_TEST(a_sealed_replica_refuses_batches) {
  submit("a");
  ship_state before;
  CAF_REQUIRE_EQUAL(replica.seal(node_id{"tr2"}, tick(), before).message(), "none");
  CAF_CHECK(!before.sealed());
  auto err = replica.apply_shipped(active, 7, 1, {}, shipped.at(0));
  CAF_CHECK(err);
  CAF_CHECK_EQUAL(live_of(replica), "");
  ship_state now;
  CAF_REQUIRE_EQUAL(replica.load_ship_state(now).message(), "none");
  CAF_CHECK_EQUAL(now.sealed_by, "tr2");
}

CAF_TEST(a_conflicting_batch_is_refused_whole) {
  submit("a");
  submit("b");
  apply_all();
  // The same rows again: inserts whose keys exist.
  auto err = replica.apply_shipped(active, 7, 3, {}, shipped.at(0));
  CAF_CHECK(err);
  ship_state st;
  CAF_REQUIRE_EQUAL(replica.load_ship_state(st).message(), "none");
  CAF_CHECK_EQUAL(st.seq, 2); // unchanged
  CAF_CHECK(marks_of(replica) == marks_of(journal));
}

CAF_TEST(the_journal_ship_row_is_never_shipped) {
  ship_state before;
  CAF_REQUIRE_EQUAL(journal.seal(node_id{"tr1"}, tick(), before).message(), "none");
  CAF_CHECK_EQUAL(shipped.size(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(ship_log_numbers_holds_a_bounded_window_and_measures_lag) {
  ship_limits lim;
  lim.max_batches = 3;
  lim.max_request = 2;
  ship_log log{active, 7, journal_marks{1, 0, 0, 1}, lim};
  for (int i = 1; i <= 5; ++i)
    CAF_CHECK_EQUAL(log.append("p" + std::to_string(i), timestamp_ns{i}, i * 100).seq, i);
  CAF_CHECK_EQUAL(log.held(), 3u);
  CAF_CHECK_EQUAL(log.evicted(), 2);
  std::vector<const journal_batch*> out;
  CAF_CHECK(!log.range(2, 5, out)); // evicted: the replica is told `gone`
  CAF_REQUIRE(log.range(3, 5, out));
  CAF_REQUIRE_EQUAL(out.size(), 2u); // at most max_request
  CAF_CHECK_EQUAL(out[0]->patchset, "p3");
  CAF_CHECK_EQUAL(out[1]->seq, 4);
  CAF_CHECK_EQUAL(out[0]->start.events, 1);
  log.acked(4, 450);
  CAF_CHECK_EQUAL(log.last_lag_ns(), 50);
  CAF_CHECK_EQUAL(log.behind(), 1);
  log.acked(9, 500); // not ours
  CAF_CHECK_EQUAL(log.acked_seq(), 4);
}

CAF_TEST(replica_sequencer_applies_in_order_and_asks_for_gaps) {
  ship_limits lim;
  lim.max_request = 10;
  lim.resend_after_ns = 1000;
  replica_sequencer seq{7, 3, "", lim};
  CAF_CHECK(seq.on_batch(batch(7, 4), {}, 0).action == replica_action::apply);
  seq.applied(7, 4);
  CAF_CHECK(seq.on_batch(batch(7, 4), {}, 0).action == replica_action::duplicate);
  auto gap = seq.on_batch(batch(7, 50), {}, 10);
  CAF_REQUIRE(gap.action == replica_action::gap);
  CAF_CHECK_EQUAL(gap.ask_from, 5);
  CAF_CHECK_EQUAL(gap.ask_to, 14); // bounded by max_request
  CAF_CHECK(seq.on_batch(batch(7, 51), {}, 20).action == replica_action::wait);
  CAF_CHECK(seq.on_batch(batch(7, 52), {}, 2000).action == replica_action::gap); // due again
  CAF_CHECK_EQUAL(seq.gaps(), 1);
  CAF_CHECK(seq.on_batch(batch(6, 9), {}, 0).action == replica_action::stale);
  // The shipper no longer holds 5..: the replica can never be whole.
  auto gone = seq.on_gone(7, 5);
  CAF_CHECK(gone.action == replica_action::incomplete);
}

CAF_TEST(a_new_stream_is_followed_only_from_the_same_history) {
  journal_marks own{10, 2, 1, 4};
  replica_sequencer seq{7, 30, "", {}};
  auto later = seq.on_batch(batch(8, 3, own), own, 0);
  CAF_CHECK(later.action == replica_action::gap);
  CAF_CHECK_EQUAL(later.ask_from, 1);
  auto same = seq.on_batch(batch(8, 1, own), own, 0);
  CAF_CHECK(same.action == replica_action::apply);
  CAF_CHECK(same.new_stream);
  auto other = seq.on_batch(batch(8, 1, journal_marks{11, 2, 1, 4}), own, 0);
  CAF_CHECK(other.action == replica_action::incomplete);
  CAF_CHECK(other.why.find("events=11") != std::string::npos);
  replica_sequencer broken{7, 30, "gap", {}};
  CAF_CHECK(broken.on_batch(batch(7, 31), own, 0).action == replica_action::incomplete);
}

CAF_TEST(judge_takeover_agrees_only_when_replica_orders_and_positions_do) {
  position_check ok;
  takeover_view v{"tr1", "", 1, {}, &ok};
  CAF_CHECK(judge_takeover(v).agree); // an adopted order is the venue's truth caught up
  v.replica_incomplete = "missing batches 5..9";
  auto r = judge_takeover(v);
  CAF_CHECK(!r.agree);
  CAF_CHECK(r.difference.find("replica of tr1 incomplete") != std::string::npos);
  position_check off;
  off.unexplained.push_back({"BTC", qt("1"), qt("2")});
  takeover_view p{"tr1", "", 0, {}, &off};
  auto q = judge_takeover(p);
  CAF_CHECK(!q.agree);
  CAF_CHECK(q.difference.find("positions: ") != std::string::npos);
  takeover_view c{"tr1", "", 0, {"order x: the journal has it ended"}, &ok};
  CAF_CHECK(!judge_takeover(c).agree);
}
