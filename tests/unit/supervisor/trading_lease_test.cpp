#define CAF_SUITE trading_lease
#include "tests/support/unit_test.hpp"

#include <map>
#include <memory>
#include <string>

#include "actors/supervisor/trading_lease.hpp"

using namespace cwts;

namespace {

constexpr int64_t ms = 1'000'000;
const std::set<std::string> members{"gw1", "tr1", "w1", "tr2"};
const lease_timing timing{1000 * ms, 100}; // 1 s leases, clocks within 100 ppm

// Four members, each with its own grantor, and one candidate's rounds
// delivered to a chosen subset (the others are cut off).
struct cluster {
  std::map<std::string, std::unique_ptr<lease_grantor>> grantors;

  cluster() {
    for (auto& m : members)
      grantors[m] = std::make_unique<lease_grantor>(members, std::set<std::string>{"oms"}, timing);
  }

  // One round of `h` at `now` reaching `reach`; true when it holds after it.
  bool round(lease_holder& h, const std::string& self, int64_t now,
             const std::set<std::string>& reach) {
    auto epoch = h.start_round(now);
    for (auto& m : reach)
      h.on_answer(m, h.round(), grantors.at(m)->on_request("oms", self, epoch, now));
    return h.held(now);
  }
};

} // namespace

CAF_TEST(a_majority_grants_the_lease_and_a_minority_does_not) {
  cluster c;
  lease_holder a("oms", "tr1", members, timing);
  CAF_CHECK_EQUAL(a.majority(), 3u);
  CAF_CHECK(!c.round(a, "tr1", 0, {"tr1", "w1"})); // 2 of 4
  CAF_CHECK(!a.held(0));
  lease_holder b("oms", "tr1", members, timing);
  CAF_CHECK(c.round(b, "tr1", 10 * ms, {"tr1", "w1", "gw1"}));
  // Held for at most the lease's real duration, counted from the request.
  CAF_CHECK(b.held(10 * ms + 999 * ms - 1));
  CAF_CHECK(!b.held(10 * ms + 1000 * ms));
}

CAF_TEST(two_candidates_never_hold_at_once_and_the_second_waits_for_expiry) {
  cluster c;
  lease_holder a("oms", "tr1", members, timing);
  lease_holder b("oms", "tr2", members, timing);
  CAF_REQUIRE(c.round(a, "tr1", 0, {"tr1", "w1", "gw1"}));
  // A partition: tr2 reaches w1, gw1 and itself, all while tr1's lease runs.
  for (int64_t t = 100 * ms; t < 1000 * ms; t += 100 * ms) {
    CAF_CHECK(!c.round(b, "tr2", t, {"tr2", "w1", "gw1"}));
    CAF_CHECK(!(a.held(t) && b.held(t)));
  }
  // tr1 is cut off and cannot renew: its lease ends first...
  auto a_end = a.held_until_ns();
  // ...and no member of its majority grants anyone else before then.
  CAF_CHECK(!c.round(b, "tr2", a_end, {"tr2", "w1", "gw1"}));
  // Past the grant plus the drift margin on the members' clocks, tr2 gets it
  // at a higher epoch.
  CAF_CHECK(c.round(b, "tr2", 1001 * ms, {"tr2", "w1", "gw1"}));
  CAF_CHECK(!a.held(1001 * ms));
  CAF_CHECK_GREATER(b.epoch(), a.epoch());
}

CAF_TEST(the_holder_stops_before_any_grantor_may_grant_again_at_worst_drift) {
  // Real time t; the holder's clock runs fast by drift, a member's slow.
  // The holder's last moment (real) must precede the member's first
  // possible new grant (real).
  const double rho = timing.drift_ppm / 1e6;
  lease_grantor g(members, {"oms"}, timing);
  lease_holder h("oms", "tr1", members, timing);
  int64_t sent_local = 5000 * ms; // holder's clock at the request
  auto epoch = h.start_round(sent_local);
  // The member grants 3 ms (real) later on its own clock.
  int64_t granted_local = 7000 * ms;
  auto answer = g.on_request("oms", "tr1", epoch, granted_local);
  CAF_REQUIRE(answer.granted);
  for (auto& m : {"w1", "gw1"}) {
    lease_grantor other(members, {"oms"}, timing);
    h.on_answer(m, h.round(), other.on_request("oms", "tr1", epoch, 0));
  }
  h.on_answer("tr2", h.round(), answer);
  CAF_REQUIRE(h.held(sent_local));
  // Holder: local elapsed (held_until - sent) at a clock running fast.
  double holder_real_end = 0 + (h.held_until_ns() - sent_local) / (1 + rho);
  // Member (request arrived 3 ms real later): local elapsed until it may
  // grant again, at a clock running slow.
  auto next_local = granted_local;
  while (g.holder("oms", next_local))
    next_local += ms / 10;
  double member_real_start = 3 * ms + (next_local - granted_local) / (1 - rho);
  CAF_CHECK_LESS(holder_real_end, member_real_start);
}

CAF_TEST(renewals_extend_the_lease_at_the_same_epoch) {
  cluster c;
  lease_holder a("oms", "tr1", members, timing);
  CAF_REQUIRE(c.round(a, "tr1", 0, {"tr1", "w1", "gw1"}));
  auto epoch = a.epoch();
  for (int64_t t = 300 * ms; t < 3000 * ms; t += 300 * ms)
    CAF_CHECK(c.round(a, "tr1", t, {"tr1", "w1", "gw1", "tr2"}));
  CAF_CHECK_EQUAL(a.epoch(), epoch);
  CAF_CHECK(a.held(3000 * ms));
}

CAF_TEST(stale_epochs_outsiders_unknown_roles_and_repeated_answers_are_refused) {
  cluster c;
  auto& w1 = *c.grantors.at("w1");
  CAF_CHECK(w1.on_request("oms", "tr1", 5, 0).granted);
  w1.on_release("oms", "tr1", 5);
  auto stale = w1.on_request("oms", "tr2", 5, 10 * ms);
  CAF_CHECK(!stale.granted);
  CAF_CHECK_EQUAL(stale.epoch, 5);
  CAF_CHECK(w1.on_request("oms", "tr2", 6, 10 * ms).granted);
  auto outsider = w1.on_request("oms", "mallory", 99, 20 * ms);
  CAF_CHECK(!outsider.granted);
  CAF_CHECK(outsider.reason.find("not a member") != std::string::npos);
  CAF_CHECK(!w1.on_request("connector.binance", "tr2", 7, 20 * ms).granted);
  // One member's grant counted once, and a non-member's not at all.
  lease_holder h("oms", "tr1", members, timing);
  auto epoch = h.start_round(0);
  CAF_CHECK_GREATER(epoch, 0);
  lease_answer yes{true, epoch, "tr1", "", true};
  CAF_CHECK(!h.on_answer("gw1", h.round(), yes));
  CAF_CHECK(!h.on_answer("gw1", h.round(), yes));
  CAF_CHECK(!h.on_answer("mallory", h.round(), yes));
  CAF_CHECK(!h.on_answer("evil", h.round(), yes));
  CAF_CHECK(!h.held(0));
  CAF_CHECK(h.on_answer("w1", h.round(), yes) == false); // 2 of 3
  CAF_CHECK(h.on_answer("tr2", h.round(), yes));        // 3: held
}

CAF_TEST(a_refusal_teaches_the_candidate_the_epoch_to_beat) {
  cluster c;
  lease_holder a("oms", "tr1", members, timing);
  CAF_REQUIRE(c.round(a, "tr1", 0, {"tr1", "w1", "gw1"}));
  lease_holder b("oms", "tr2", members, timing);
  CAF_CHECK(!c.round(b, "tr2", 100 * ms, {"tr2", "w1", "gw1"}));
  // Its next round asks above what the members promised, and wins after expiry.
  CAF_CHECK(c.round(b, "tr2", 2000 * ms, {"tr2", "w1", "gw1"}));
  CAF_CHECK_GREATER(b.epoch(), a.epoch());
  // The old holder, back, is refused at its old epoch and learns the new one.
  CAF_CHECK(!c.round(a, "tr1", 2100 * ms, {"tr1", "w1", "gw1", "tr2"}));
}

CAF_TEST(a_late_answer_counts_only_from_its_own_rounds_start) {
  cluster c;
  lease_holder a("oms", "tr1", members, timing);
  CAF_REQUIRE(c.round(a, "tr1", 0, {"tr1", "w1", "gw1"}));
  // Round 2 starts at 100 ms; its grants arrive after round 3 started at
  // 500 ms: they still renew, but only to 100 ms + 1 s * (1 - 100 ppm).
  auto epoch = a.start_round(100 * ms);
  auto round2 = a.round();
  a.start_round(500 * ms);
  for (auto& m : {"tr1", "w1"})
    CAF_CHECK(!a.on_answer(m, round2, c.grantors.at(m)->on_request("oms", "tr1", epoch, 100 * ms)));
  CAF_CHECK(a.on_answer("gw1", round2, c.grantors.at("gw1")->on_request("oms", "tr1", epoch, 100 * ms)));
  CAF_CHECK_EQUAL(a.held_until_ns(), 100 * ms + 999'900'000);
  CAF_CHECK_EQUAL(a.granted_count(), 0u); // none in the current round
  // Rounds older than the last kept_rounds no longer count.
  lease_holder b("oms", "tr2", members, timing);
  b.start_round(0);
  auto old_round = b.round();
  for (size_t i = 0; i < lease_holder::kept_rounds; ++i)
    b.start_round(static_cast<int64_t>(i + 1) * ms);
  lease_answer yes{true, b.epoch(), "tr2", "", true};
  for (auto& m : {"tr1", "w1", "gw1"})
    CAF_CHECK(!b.on_answer(m, old_round, yes));
  CAF_CHECK(!b.held(10 * ms));
}

CAF_TEST(judging_changes_nothing_until_committed) {
  lease_grantor g(members, {"oms"}, timing);
  auto a = g.judge("oms", "tr1", 3, 0);
  CAF_CHECK(a.granted);
  CAF_CHECK_EQUAL(g.promised_epoch("oms"), 0); // a failed save leaves no grant
  CAF_CHECK(!g.holder("oms", 0).has_value());
  g.commit("oms", "tr1", 3, 0);
  CAF_CHECK_EQUAL(g.promised_epoch("oms"), 3);
  CAF_CHECK_EQUAL(*g.holder("oms", 10 * ms), "tr1");
}

CAF_TEST(a_restarted_member_renews_the_stored_holder_after_its_quiet_period) {
  // gw1 granted tr1 epoch 4 and restarted; tr1 still holds through the
  // others and keeps renewing at epoch 4: refused (unsure) while quiet,
  // granted again after, and the stored holder's epoch is no one else's.
  lease_grantor g(members, {"oms"}, timing);
  g.restore("oms", 4, "tr1");
  g.quiet_until(1000 * ms);
  auto quiet = g.on_request("oms", "tr1", 4, 500 * ms);
  CAF_CHECK(!quiet.granted);
  CAF_CHECK(quiet.unsure);
  CAF_CHECK(g.on_probe("oms", 500 * ms).unsure);
  CAF_CHECK(g.on_request("oms", "tr1", 4, 1000 * ms).granted);
  CAF_CHECK(!g.on_request("oms", "tr2", 4, 1000 * ms).granted);
  CAF_CHECK_EQUAL(g.promised_holder("oms"), "tr1");
  // A holder that is not a member is not remembered.
  lease_grantor h(members, {"oms"}, timing);
  h.restore("oms", 4, "mallory");
  CAF_CHECK_EQUAL(h.promised_holder("oms"), "");
}

CAF_TEST(a_restarted_member_grants_nothing_in_its_quiet_period_and_keeps_its_epochs) {
  lease_grantor g(members, {"oms"}, timing);
  g.restore("oms", 7);
  g.restore("unknown", 9); // not a leased role: ignored, the table does not grow
  g.quiet_until(1000 * ms);
  auto early = g.on_request("oms", "tr1", 8, 999 * ms);
  CAF_CHECK(!early.granted);
  CAF_CHECK(early.reason.find("restarted") != std::string::npos);
  CAF_CHECK(!g.on_request("oms", "tr1", 7, 1000 * ms).granted); // not above 7
  auto later = g.on_request("oms", "tr1", 8, 1000 * ms);
  CAF_CHECK(later.granted);
  CAF_CHECK_EQUAL(g.promised_epoch("oms"), 8);
  CAF_CHECK_EQUAL(g.promised_epoch("unknown"), 0);
}

CAF_TEST(a_probe_reports_the_holder_and_grants_nothing) {
  lease_grantor g(members, {"oms"}, timing);
  auto none = g.on_probe("oms", 0);
  CAF_CHECK(!none.granted);
  CAF_CHECK(!none.running);
  CAF_REQUIRE(g.on_request("oms", "tr1", 1, 0).granted);
  auto seen = g.on_probe("oms", 10 * ms);
  CAF_CHECK(!seen.granted);
  CAF_CHECK(seen.running);
  CAF_CHECK_EQUAL(seen.holder, "tr1");
  CAF_CHECK_EQUAL(seen.epoch, 1);
  CAF_CHECK(!g.on_probe("oms", 2000 * ms).running);
  CAF_CHECK_EQUAL(g.promised_epoch("oms"), 1); // a probe promises nothing
}

// partition_standby-cut at ctest -j4: the standby's pre-vote, taken in the
// round before the active's first grants landed, let it ask for epoch 2 and
// get a promise at w1, which had not granted the active. w1 then refused the
// active's renewals at epoch 1 for good; the active held through tr1, tr2,
// gw1 only, and one cut away from tr2 ended its lease. A held lease moves to
// a newer epoch when a member reports one: w1 takes it once the standby's
// grant there ran out, and the lease survives that cut.
CAF_TEST(a_holder_wins_back_a_member_that_promised_a_newer_epoch_to_another) {
  cluster c;
  lease_holder active("oms", "tr1", members, timing);
  CAF_REQUIRE(c.round(active, "tr1", 0, {"tr1", "tr2", "gw1"}));
  CAF_CHECK_EQUAL(active.epoch(), 1);
  // The standby's request reaches w1 only (the others refuse it: held).
  auto promised = c.grantors.at("w1")->on_request("oms", "tr2", 2, 10 * ms);
  CAF_REQUIRE(promised.granted);
  // The next renewal: w1 refuses epoch 1 and says 2.
  CAF_REQUIRE(c.round(active, "tr1", 150 * ms, members));
  CAF_CHECK_EQUAL(active.granted_count(), 3u);
  CAF_CHECK_EQUAL(active.highest_seen(), 2);
  // Held, so the next round asks at epoch 3 and stays held meanwhile;
  // w1 still refuses while tr2's grant there runs.
  CAF_REQUIRE(c.round(active, "tr1", 300 * ms, members));
  CAF_CHECK_EQUAL(active.epoch(), 3);
  CAF_CHECK_EQUAL(active.epoch_bumps(), 1);
  CAF_CHECK_EQUAL(active.granted_count(), 3u);
  // Past tr2's grant at w1 (1 s + drift after 10 ms): all four grant epoch 3.
  CAF_REQUIRE(c.round(active, "tr1", 1'200 * ms, members));
  CAF_CHECK_EQUAL(active.granted_count(), 4u);
  CAF_CHECK_EQUAL(active.epoch_bumps(), 1);
  // tr2 cut off: a majority still renews, past the end of what the rounds
  // before the cut bought (without the bump w1 refuses, and it ends at 2.2 s).
  for (int64_t t = 1'350; t <= 2'550; t += 150) {
    CAF_CHECK(active.held(t * ms)); // never lapses (without the bump: from 2.2 s)
    c.round(active, "tr1", t * ms, {"tr1", "w1", "gw1"});
  }
  CAF_CHECK(active.held(2'600 * ms));
  CAF_CHECK_EQUAL(active.epoch(), 3);
  // The standby never holds meanwhile: its epoch 2 is below what w1 now knows.
  lease_holder standby("oms", "tr2", members, timing);
  CAF_CHECK(!c.round(standby, "tr2", 1'400 * ms, {"w1", "tr2", "gw1"}));
}
