// The node's side of its trading leases (actors/supervisor/lease_session.hpp):
// rounds, answers, renewal failures and lapses reported once, the view the
// supervisor acts on, watch mode (probes) that never holds anything, the
// pre-vote before a real request, late answers, and what proves a newer
// holder (a majority, never one member).
#define CAF_SUITE lease_session
#include "tests/support/unit_test.hpp"

#include "actors/supervisor/lease_session.hpp"

using namespace cwts;

namespace {

constexpr int64_t ms = 1'000'000;
const std::set<std::string> members{"gw1", "tr1", "w1", "tr2"};
const lease_timing timing{900 * ms, 1000};

struct grantors {
  std::map<std::string, lease_grantor> g;
  grantors() {
    for (auto& m : members)
      g.emplace(m, lease_grantor(members, {"oms", "connector.binance"}, timing));
  }
  // One round of `s` at `now`, answered by `reach` (the rest are silent).
  std::vector<lease_effect> round(lease_session& s, const std::string& self, int64_t now,
                                  const std::set<std::string>& reach,
                                  std::vector<lease_lapse>* failed = nullptr) {
    std::vector<lease_lapse> f;
    std::vector<lease_effect> out;
    for (auto& it : s.start_round(now, f))
      for (auto& m : reach) {
        auto a = it.probe ? g.at(m).on_probe(it.role, now)
                          : g.at(m).on_request(it.role, self, it.epoch, now);
        out.push_back(s.on_answer(m, it.role, it.round, a, now));
      }
    if (failed)
      *failed = f;
    return out;
  }
};

size_t count(const std::vector<lease_effect>& v, bool lease_effect::*field) {
  size_t n = 0;
  for (auto& e : v)
    n += (e.*field) ? 1 : 0;
  return n;
}

} // namespace

CAF_TEST(a_majority_makes_every_role_held_and_renewals_keep_it) {
  grantors c;
  lease_session s("tr1", members, {"oms"}, timing, true);
  // The first round is the pre-vote: probes, nothing promised.
  auto pre = c.round(s, "tr1", 0, {"tr1", "w1", "gw1"});
  CAF_CHECK_EQUAL(count(pre, &lease_effect::acquired), 0u);
  CAF_CHECK_EQUAL(c.g.at("w1").promised_epoch("oms"), 0);
  auto first = c.round(s, "tr1", 0, {"tr1", "w1", "gw1"});
  CAF_CHECK_EQUAL(count(first, &lease_effect::acquired), 1u);
  CAF_CHECK(s.all_held(0));
  CAF_CHECK(s.view(0).all_held);
  auto next = c.round(s, "tr1", 150 * ms, {"tr1", "w1", "gw1", "tr2"});
  CAF_CHECK_EQUAL(count(next, &lease_effect::renewed), 1u);
  CAF_CHECK_EQUAL(count(next, &lease_effect::acquired), 0u);
  // Held until the renewal round's start + 900 ms * (1 - 0.001).
  CAF_CHECK(s.held("oms", 150 * ms + 899 * ms));
  CAF_CHECK(!s.held("oms", 150 * ms + 900 * ms));
}

CAF_TEST(a_cut_off_holder_reports_the_failed_renewal_once_and_the_lapse_once) {
  grantors c;
  lease_session s("tr1", members, {"oms"}, timing, true);
  c.round(s, "tr1", 0, {"tr1", "w1", "gw1"}); // pre-vote
  c.round(s, "tr1", 0, {"tr1", "w1", "gw1"});
  std::vector<lease_lapse> failed;
  c.round(s, "tr1", 150 * ms, {"tr1"}, &failed); // cut off: only itself
  CAF_CHECK(failed.empty());                    // the round before succeeded
  c.round(s, "tr1", 300 * ms, {"tr1"}, &failed);
  CAF_REQUIRE_EQUAL(failed.size(), 1u);
  CAF_CHECK_EQUAL(failed[0].role, "oms");
  CAF_CHECK_EQUAL(failed[0].granted, 1u);
  c.round(s, "tr1", 450 * ms, {"tr1"}, &failed);
  CAF_CHECK(failed.empty()); // once per lapse
  // Held until 0 + 900 ms * (1 - 0.001) = 899.1 ms.
  CAF_CHECK(s.take_lost(899 * ms).empty());
  auto lost = s.take_lost(900 * ms);
  CAF_REQUIRE_EQUAL(lost.size(), 1u);
  CAF_CHECK_EQUAL(lost[0].epoch, 1);
  CAF_CHECK(s.take_lost(2000 * ms).empty());
  CAF_CHECK(!s.all_held(900 * ms));
}

CAF_TEST(watching_probes_names_the_active_and_never_holds) {
  grantors c;
  lease_session active("tr1", members, {"oms"}, timing, true);
  lease_session standby("tr2", members, {"oms"}, timing, false);
  c.round(active, "tr1", 0, {"tr1", "w1", "gw1", "tr2"}); // pre-vote
  c.round(active, "tr1", 0, {"tr1", "w1", "gw1", "tr2"});
  c.round(standby, "tr2", 10 * ms, {"tr1", "w1", "gw1", "tr2"});
  auto v = standby.view(10 * ms);
  CAF_CHECK(!v.all_held);
  CAF_CHECK_EQUAL(v.other, "tr1");
  CAF_CHECK_EQUAL(v.other_epoch, 1);
  for (auto& [m, g] : c.g)
    CAF_CHECK_EQUAL(g.promised_epoch("oms"), 1); // probes promise nothing
  // Armed while tr1's grants run: the pre-vote fails, it keeps probing and
  // promises nothing anywhere.
  standby.set_hold(true);
  auto probed = c.round(standby, "tr2", 20 * ms, {"w1", "gw1", "tr2"});
  CAF_CHECK_EQUAL(count(probed, &lease_effect::acquired), 0u);
  for (auto& [m, g] : c.g)
    CAF_CHECK_EQUAL(g.promised_epoch("oms"), 1);
  CAF_CHECK_EQUAL(standby.view(20 * ms).other, "tr1");
  // tr1 is silent from now on: tr2 gets it once tr1's grants ran out.
  int64_t t = 20 * ms;
  while (!standby.all_held(t) && t < 3000 * ms) {
    t += 150 * ms;
    c.round(standby, "tr2", t, {"w1", "gw1", "tr2"});
  }
  CAF_CHECK(standby.all_held(t));
  CAF_CHECK_GREATER_OR_EQUAL(t, 900 * ms); // not before tr1's grant (900 ms + drift) ended
  CAF_CHECK(!active.held("oms", t));       // and tr1 had stopped before that
  // One round later no member names tr1 any more (the view keeps one round).
  c.round(standby, "tr2", t + 150 * ms, {"w1", "gw1", "tr2"});
  CAF_CHECK_EQUAL(standby.view(t + 150 * ms).other, "");
  CAF_CHECK(standby.all_held(t + 150 * ms));
}

CAF_TEST(leaving_hold_gives_every_lease_up_and_ignores_late_answers) {
  grantors c;
  lease_session s("gw1", members, {"connector.binance"}, timing, true);
  c.round(s, "gw1", 0, {"gw1", "w1", "tr1"}); // pre-vote
  c.round(s, "gw1", 0, {"gw1", "w1", "tr1"});
  CAF_REQUIRE(s.all_held(0));
  std::vector<lease_lapse> f;
  auto items = s.start_round(150 * ms, f);
  auto given = s.set_hold(false);
  CAF_REQUIRE_EQUAL(given.size(), 1u);
  CAF_CHECK_EQUAL(given[0].first, "connector.binance");
  CAF_CHECK(!s.all_held(150 * ms));
  CAF_CHECK(s.take_lost(5000 * ms).empty()); // given up on purpose: not a lapse
  // An answer of the round before the mode change does not make it held.
  auto a = c.g.at("w1").on_request(items[0].role, "gw1", items[0].epoch, 150 * ms);
  auto e = s.on_answer("w1", items[0].role, items[0].round, a, 150 * ms);
  CAF_CHECK(!e.acquired && !e.renewed);
  CAF_CHECK(!s.held("connector.binance", 150 * ms));
  std::map<std::string, int64_t> stats;
  s.add_to(stats, 150 * ms);
  CAF_CHECK_EQUAL(stats["held.connector.binance"], 0);
  CAF_CHECK_EQUAL(stats["acquired.connector.binance"], 1);
  CAF_CHECK_EQUAL(stats["mode_hold"], 0);
}

// Finding 1 (issue 24 review): a grantor whose grant to the active lapsed
// (restarted, or its link flapped) must not let an armed standby promise a
// new epoch there: the active still holds through the others, and would be
// refused at that grantor (and fenced on its node) for nothing.
CAF_TEST(an_armed_standby_asks_only_once_a_majority_shows_no_running_grant) {
  grantors c;
  lease_session active("tr1", members, {"oms"}, timing, true);
  lease_session standby("tr2", members, {"oms"}, timing, true);
  c.round(active, "tr1", 0, {"tr1", "w1", "gw1", "tr2"});
  c.round(active, "tr1", 0, {"tr1", "w1", "gw1", "tr2"});
  CAF_REQUIRE(active.all_held(0));
  // gw1 restarts: it remembers epoch 1 and its holder tr1, and is quiet.
  c.g.erase("gw1");
  c.g.emplace("gw1", lease_grantor(members, {"oms", "connector.binance"}, timing));
  c.g.at("gw1").restore("oms", 1, "tr1");
  c.g.at("gw1").quiet_until(10 * ms + 901 * ms);
  for (int64_t t = 10 * ms; t < 3000 * ms; t += 150 * ms) {
    c.round(active, "tr1", t, {"tr1", "w1", "gw1", "tr2"});
    c.round(standby, "tr2", t + ms, {"tr1", "w1", "gw1", "tr2"});
    CAF_CHECK(active.all_held(t + ms));
    CAF_CHECK(!standby.all_held(t + ms));
  }
  // tr2 never promised anything anywhere; gw1 renews tr1 again after its quiet period.
  for (auto& [m, g] : c.g)
    CAF_CHECK_EQUAL(g.promised_epoch("oms"), 1);
  CAF_CHECK_EQUAL(*c.g.at("gw1").holder("oms", 2900 * ms), "tr1");
  std::map<std::string, int64_t> stats;
  standby.add_to(stats, 3000 * ms);
  CAF_CHECK_GREATER(stats["prevote_failed.oms"], 10);
  CAF_CHECK_EQUAL(active.view(3000 * ms).superseded_by, "");
}

// Finding 4: one member naming another holder's running grant is no reason
// to give the roles back; a majority naming the same one is.
CAF_TEST(one_member_naming_a_newer_holder_does_not_supersede_a_majority_does) {
  grantors c;
  lease_session s("tr1", members, {"oms"}, timing, true);
  c.round(s, "tr1", 0, {"tr1", "w1", "gw1"});
  c.round(s, "tr1", 0, {"tr1", "w1", "gw1"});
  CAF_REQUIRE(s.all_held(0));
  // tr2's grant at epoch 2 runs at gw1 only (gw1's grant to tr1 lapsed).
  CAF_REQUIRE(c.g.at("gw1").on_request("oms", "tr2", 2, 1000 * ms).granted);
  c.round(s, "tr1", 1100 * ms, {"tr1", "gw1"});
  CAF_CHECK_EQUAL(s.view(1100 * ms).other, "tr2");
  CAF_CHECK_EQUAL(s.view(1100 * ms).superseded_by, "");
  // Now w1 and tr2 granted tr2 too: three of four name it.
  CAF_REQUIRE(c.g.at("w1").on_request("oms", "tr2", 2, 1100 * ms).granted);
  CAF_REQUIRE(c.g.at("tr2").on_request("oms", "tr2", 2, 1100 * ms).granted);
  c.round(s, "tr1", 1200 * ms, {"tr1", "gw1", "w1", "tr2"});
  auto v = s.view(1200 * ms);
  CAF_CHECK_EQUAL(v.superseded_by, "tr2");
  CAF_CHECK_EQUAL(v.superseded_epoch, 2);
}

CAF_TEST(a_notice_supersedes_only_for_another_member_at_a_newer_epoch) {
  grantors c;
  lease_session s("tr1", members, {"oms"}, timing, true);
  c.round(s, "tr1", 0, {"tr1", "w1", "gw1"});
  c.round(s, "tr1", 0, {"tr1", "w1", "gw1"});
  CAF_REQUIRE(s.all_held(0));
  CAF_CHECK(!s.on_notice("oms", "tr1", 5));               // itself
  CAF_CHECK(!s.on_notice("oms", "tr2", 1));               // not newer than its epoch 1
  CAF_CHECK(!s.on_notice("connector.binance", "tr2", 9)); // not its role
  CAF_CHECK_EQUAL(s.view(0).superseded_by, "");
  CAF_CHECK(s.on_notice("oms", "tr2", 2));
  CAF_CHECK_EQUAL(s.view(0).superseded_by, "tr2");
  CAF_CHECK(!s.on_notice("oms", "tr2", 2)); // known already
}

// Finding 11: an epoch asked for and granted by some members, answers in
// flight, is released too when the node leaves hold.
CAF_TEST(leaving_hold_releases_the_epoch_in_flight_too) {
  grantors c;
  lease_session s("tr2", members, {"oms"}, timing, true);
  c.round(s, "tr2", 0, {"tr2", "w1", "gw1"}); // pre-vote
  std::vector<lease_lapse> f;
  auto items = s.start_round(10 * ms, f);
  CAF_REQUIRE_EQUAL(items.size(), 1u);
  CAF_REQUIRE(!items[0].probe);
  CAF_REQUIRE(c.g.at("w1").on_request("oms", "tr2", items[0].epoch, 10 * ms).granted);
  auto given = s.set_hold(false);
  CAF_REQUIRE_EQUAL(given.size(), 1u);
  CAF_CHECK_EQUAL(given[0].second, items[0].epoch);
}

// Finding 5: answers slower than one renew-ms still count, each in its own round.
CAF_TEST(answers_of_the_round_before_still_renew_from_that_rounds_start) {
  grantors c;
  lease_session s("tr1", members, {"oms"}, timing, true);
  c.round(s, "tr1", 0, {"tr1", "w1", "gw1"});
  c.round(s, "tr1", 0, {"tr1", "w1", "gw1"});
  std::vector<lease_lapse> f;
  auto slow = s.start_round(150 * ms, f);
  s.start_round(300 * ms, f); // the next round started before the answers came
  lease_effect last;
  for (auto& m : {"tr1", "w1", "gw1"})
    last = s.on_answer(m, "oms", slow[0].round,
                       c.g.at(m).on_request("oms", "tr1", slow[0].epoch, 160 * ms), 320 * ms);
  CAF_CHECK(last.renewed);
  CAF_CHECK_EQUAL(last.until_ns, 150 * ms + 899'100'000);
}

// A holder resuming from a pause (SIGSTOP) must not ask for a new epoch on
// a pre-vote it passed before the pause: it probes first. Else its own
// grantor would promise it an epoch and refuse the new holder's renewals.
CAF_TEST(a_prevote_from_before_a_pause_does_not_count) {
  grantors c;
  lease_session s("tr1", members, {"oms"}, timing, true);
  c.round(s, "tr1", 0, {"tr1", "w1", "gw1"});
  c.round(s, "tr1", 0, {"tr1", "w1", "gw1"});
  CAF_REQUIRE(s.all_held(0));
  c.round(s, "tr1", 150 * ms, {"tr1", "w1", "gw1"}); // answers: all running to tr1 (clear)
  // Paused for 2 s: the lease ended meanwhile; the first round probes.
  std::vector<lease_lapse> f;
  auto items = s.start_round(2150 * ms, f);
  CAF_REQUIRE_EQUAL(items.size(), 1u);
  CAF_CHECK(items[0].probe);
  CAF_CHECK_EQUAL(c.g.at("tr1").promised_epoch("oms"), 1);
}

// Two candidates asking in the same rounds, the grantors taking oms from tr1
// first and connector.binance from tr2 first: each holds one role, at the
// same epoch (the split seen in the split-2-2 partition drill under load).
// The view says how long each held only part; once tr2 gives its part up
// (the failover decision for the higher id, failover_decisions_test), tr1's
// next rounds hold both.
CAF_TEST(a_split_between_two_candidates_shows_in_the_view_and_ends_when_one_gives_up) {
  grantors c;
  const std::set<std::string> roles{"oms", "connector.binance"};
  lease_session s1("tr1", members, roles, timing, true);
  lease_session s2("tr2", members, roles, timing, true);
  const std::set<std::string> all{"gw1", "tr1", "w1", "tr2"};
  // Interleaved rounds: per role, who reaches the grantors first.
  auto both_round = [&](int64_t now) {
    std::vector<lease_lapse> f;
    auto i1 = s1.start_round(now, f);
    auto i2 = s2.start_round(now, f);
    for (size_t k = 0; k < i1.size(); ++k) {
      bool tr1_first = i1[k].role == "oms";
      for (int turn = 0; turn < 2; ++turn) {
        bool tr1_now = (turn == 0) == tr1_first;
        auto& s = tr1_now ? s1 : s2;
        auto& it = tr1_now ? i1[k] : i2[k];
        auto self = tr1_now ? "tr1" : "tr2";
        for (auto& m : all) {
          auto a = it.probe ? c.g.at(m).on_probe(it.role, now)
                            : c.g.at(m).on_request(it.role, self, it.epoch, now);
          s.on_answer(m, it.role, it.round, a, now);
        }
      }
    }
  };
  both_round(0); // the pre-votes
  both_round(0);
  CAF_REQUIRE(s1.held("oms", 0) && !s1.held("connector.binance", 0));
  CAF_REQUIRE(s2.held("connector.binance", 0) && !s2.held("oms", 0));
  int64_t now = 0;
  for (int r = 1; r <= 13; ++r) {
    now = r * 150 * ms;
    both_round(now);
  }
  auto v2 = s2.view(now);
  CAF_CHECK(!v2.all_held);
  CAF_CHECK_EQUAL(v2.lease_ns, 900 * ms);
  CAF_CHECK_EQUAL(v2.other, "tr1");
  // Partial at every round start since the first renewal (150 ms).
  CAF_CHECK_EQUAL(v2.partial_for_ns, now - 150 * ms);
  CAF_CHECK_EQUAL(s1.view(now).partial_for_ns, now - 150 * ms);
  // tr2 gives its part up; the grantors are told.
  for (auto& [role, epoch] : s2.set_hold(false))
    for (auto& m : all)
      c.g.at(m).on_release(role, "tr2", epoch);
  CAF_CHECK_EQUAL(s2.view(now).partial_for_ns, 0);
  // tr1: a pre-vote round for connector.binance, then it asks and holds both.
  for (int r = 1; r <= 2; ++r) {
    std::vector<lease_lapse> f;
    auto t = now + r * 150 * ms;
    for (auto& it : s1.start_round(t, f))
      for (auto& m : all) {
        auto a = it.probe ? c.g.at(m).on_probe(it.role, t)
                          : c.g.at(m).on_request(it.role, "tr1", it.epoch, t);
        s1.on_answer(m, it.role, it.round, a, t);
      }
  }
  auto t = now + 300 * ms;
  CAF_CHECK(s1.all_held(t));
  CAF_CHECK(s1.view(t).all_held);
  CAF_CHECK_EQUAL(s1.view(t).partial_for_ns, 0);
}
