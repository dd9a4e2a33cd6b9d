#define CAF_SUITE kill_plan
#include "tests/support/unit_test.hpp"

#include <string>

#include "actors/kill/kill_plan.hpp"

using namespace cwts;
using namespace cwts::kill_plan;
using std::chrono::milliseconds;

namespace {

// The roles a node of the test clusters hosts.
node_roles full_node() { // risk, OMS and two venues here; two connectors in the cluster
  node_roles r;
  r.risk_here = r.risk_in_cluster = r.oms_here = true;
  r.venues_here = {venue_name{"binance"}, venue_name{"okx"}};
  r.connectors_in_cluster = 2;
  return r;
}
node_roles gateway_risk_elsewhere() { // one venue here, risk on another node
  node_roles r;
  r.risk_in_cluster = true;
  r.venues_here = {venue_name{"binance"}};
  r.connectors_in_cluster = 3;
  return r;
}
node_roles gateway_no_risk() { // two venues here, no risk in the cluster
  node_roles r;
  r.venues_here = {venue_name{"binance"}, venue_name{"okx"}};
  r.connectors_in_cluster = 2;
  return r;
}
node_roles risk_only() { // risk here; OMS and connectors elsewhere
  node_roles r;
  r.risk_here = r.risk_in_cluster = true;
  r.connectors_in_cluster = 2;
  return r;
}
node_roles risk_no_connectors() { // risk and OMS here, no connector anywhere
  node_roles r;
  r.risk_here = r.risk_in_cluster = r.oms_here = true;
  return r;
}
node_roles bare() {
  return {};
}

constexpr node_outputs both{true, true};

// "audit risk_freeze oms venue_cancel_all(binance) ... | then flatten |
// disconnect=after_flatten*2 | started=9": the plan in one line, so a table
// row shows what a node does.
std::string describe(const channel_plan& p) {
  std::string out;
  for (auto& s : p.at_start) {
    if (!out.empty())
      out += ' ';
    out += to_string(s.kind);
    if (!s.venue.empty())
      out += "(" + s.venue.value + ")";
  }
  if (p.flatten_after_oms)
    out += " | then flatten";
  if (p.disconnect != disconnect_source::none)
    out += std::string(" | disconnect=") + to_string(p.disconnect) + "*"
           + std::to_string(p.disconnects);
  out += " | started=" + std::to_string(p.channels_started());
  return out;
}

std::string plan_of(kill_level level, const node_roles& roles,
                    kill_scope scope = kill_scope::cluster, node_outputs out = both,
                    bool applied = true) {
  return describe(plan_channels(kill_facts{level, scope, applied}, roles, out));
}

} // namespace

CAF_TEST(level_1_closes_the_gate_and_freezes_risk_only) {
  auto l = kill_level::halt_new_orders;
  CAF_CHECK_EQUAL(plan_of(l, full_node()), "audit risk_freeze compliance | started=3");
  CAF_CHECK_EQUAL(plan_of(l, gateway_risk_elsewhere()), "audit compliance | started=2");
  CAF_CHECK_EQUAL(plan_of(l, gateway_no_risk()), "audit compliance | started=2");
  CAF_CHECK_EQUAL(plan_of(l, risk_only()), "audit risk_freeze compliance | started=3");
  CAF_CHECK_EQUAL(plan_of(l, risk_no_connectors()), "audit risk_freeze compliance | started=3");
  CAF_CHECK_EQUAL(plan_of(l, bare()), "audit compliance | started=2");
}

CAF_TEST(level_2_cancels_at_the_oms_and_every_local_venue_at_once) {
  auto l = kill_level::cancel_all;
  CAF_CHECK_EQUAL(plan_of(l, full_node()),
                  "audit risk_freeze oms venue_cancel_all(binance) venue_cancel_all(okx) "
                  "compliance | started=6");
  CAF_CHECK_EQUAL(plan_of(l, gateway_risk_elsewhere()),
                  "audit venue_cancel_all(binance) compliance | started=3");
  CAF_CHECK_EQUAL(plan_of(l, gateway_no_risk()),
                  "audit venue_cancel_all(binance) venue_cancel_all(okx) compliance | started=4");
  CAF_CHECK_EQUAL(plan_of(l, risk_only()), "audit risk_freeze compliance | started=3");
  CAF_CHECK_EQUAL(plan_of(l, risk_no_connectors()),
                  "audit risk_freeze oms compliance | started=4");
  CAF_CHECK_EQUAL(plan_of(l, bare()), "audit compliance | started=2");
}

CAF_TEST(level_3_flattens_after_the_oms_or_at_once_without_one) {
  auto l = kill_level::flatten;
  CAF_CHECK_EQUAL(plan_of(l, full_node()),
                  "audit risk_freeze oms venue_cancel_all(binance) venue_cancel_all(okx) "
                  "compliance | then flatten | started=7");
  CAF_CHECK_EQUAL(plan_of(l, gateway_risk_elsewhere()),
                  "audit venue_cancel_all(binance) compliance | started=3");
  CAF_CHECK_EQUAL(plan_of(l, gateway_no_risk()),
                  "audit venue_cancel_all(binance) venue_cancel_all(okx) compliance | started=4");
  CAF_CHECK_EQUAL(plan_of(l, risk_only()), "audit risk_freeze flatten compliance | started=4");
  CAF_CHECK_EQUAL(plan_of(l, risk_no_connectors()),
                  "audit risk_freeze oms compliance | then flatten | started=5");
  CAF_CHECK_EQUAL(plan_of(l, bare()), "audit compliance | started=2");
}

CAF_TEST(level_4_disconnects_after_the_flatten_or_each_venue_verdict_or_by_timer) {
  auto l = kill_level::full_stop;
  // The flattening node cuts every connector of the cluster after its flatten.
  CAF_CHECK_EQUAL(plan_of(l, full_node()),
                  "audit risk_freeze oms venue_cancel_all(binance) venue_cancel_all(okx) "
                  "compliance | then flatten | disconnect=after_flatten*2 | started=9");
  // Risk elsewhere flattens first: this gateway only arms its fallback timer.
  CAF_CHECK_EQUAL(plan_of(l, gateway_risk_elsewhere()),
                  "audit venue_cancel_all(binance) disconnect_timer compliance | started=3");
  // No risk anywhere: each venue is cut after its own channel's verdict.
  CAF_CHECK_EQUAL(plan_of(l, gateway_no_risk()),
                  "audit venue_cancel_all(binance) venue_cancel_all(okx) compliance | "
                  "disconnect=after_venue_verdict*2 | started=6");
  CAF_CHECK_EQUAL(plan_of(l, risk_only()),
                  "audit risk_freeze flatten compliance | disconnect=after_flatten*2 | started=6");
  // No connector anywhere: the disconnect still reports, as one failure.
  CAF_CHECK_EQUAL(plan_of(l, risk_no_connectors()),
                  "audit risk_freeze oms compliance | then flatten | disconnect=after_flatten*1 | "
                  "started=6");
  CAF_CHECK_EQUAL(plan_of(l, bare()), "audit compliance | started=2");
}

CAF_TEST(a_strategy_scope_never_runs_a_venue_cancel_all) {
  auto s = kill_scope::strategy;
  CAF_CHECK_EQUAL(plan_of(kill_level::cancel_all, gateway_no_risk(), s),
                  "audit compliance | started=2");
  CAF_CHECK_EQUAL(plan_of(kill_level::full_stop, full_node(), s),
                  "audit risk_freeze oms compliance | then flatten | "
                  "disconnect=after_flatten*2 | started=7");
  // No venue channel to wait for: the connectors fall back to the timer.
  CAF_CHECK_EQUAL(plan_of(kill_level::full_stop, gateway_no_risk(), s),
                  "audit disconnect_timer compliance | started=2");
  // Narrower scopes than the node do cancel at the venue.
  CAF_CHECK_EQUAL(plan_of(kill_level::full_stop, gateway_no_risk(), kill_scope::symbol),
                  plan_of(kill_level::full_stop, gateway_no_risk()));
  CAF_CHECK(!venue_cancel_all_runs(kill_level::full_stop, s));
  CAF_CHECK(venue_cancel_all_runs(kill_level::cancel_all, kill_scope::account));
  CAF_CHECK(!venue_cancel_all_runs(kill_level::halt_new_orders, kill_scope::cluster));
}

CAF_TEST(a_kill_this_node_did_not_apply_runs_nothing) {
  for (auto l : {kill_level::halt_new_orders, kill_level::full_stop}) {
    auto p = plan_channels(kill_facts{l, kill_scope::cluster, false}, full_node(), both);
    CAF_CHECK(p.at_start.empty());
    CAF_CHECK(!p.flatten_after_oms);
    CAF_CHECK(p.disconnect == disconnect_source::none);
    CAF_CHECK_EQUAL(p.channels_started(), 0);
  }
}

CAF_TEST(audit_and_compliance_run_only_where_configured) {
  CAF_CHECK_EQUAL(plan_of(kill_level::full_stop, full_node(), kill_scope::node, node_outputs{}),
                  "risk_freeze oms venue_cancel_all(binance) venue_cancel_all(okx) | "
                  "then flatten | disconnect=after_flatten*2 | started=7");
  CAF_CHECK_EQUAL(plan_of(kill_level::halt_new_orders, bare(), kill_scope::node,
                          node_outputs{false, true}),
                  "compliance | started=1");
  CAF_CHECK_EQUAL(plan_of(kill_level::halt_new_orders, bare(), kill_scope::node,
                          node_outputs{true, false}),
                  "audit | started=1");
}

// Over every level, scope and role set: the order the shell starts them in
// (audit first, compliance last, the venues in the directory's order), and
// what the plan says agrees with the single decisions the shell asks again.
CAF_TEST(every_combination_keeps_the_order_and_agrees_with_the_single_decisions) {
  std::vector<venue_name> venue_sets[]
    = {{}, {venue_name{"a"}}, {venue_name{"a"}, venue_name{"b"}}};
  int combinations = 0;
  for (int level = 0; level <= 4; ++level)
    for (int scope = 0; scope <= 4; ++scope)
      for (int bits = 0; bits < 8; ++bits)
        for (auto& venues : venue_sets)
          for (size_t cluster : {size_t{0}, size_t{3}}) {
            ++combinations;
            node_roles r;
            r.risk_here = bits & 1;
            r.risk_in_cluster = r.risk_here || (bits & 2);
            r.oms_here = bits & 4;
            r.venues_here = venues;
            r.connectors_in_cluster = std::max(cluster, venues.size());
            auto lv = static_cast<kill_level>(level);
            auto sc = static_cast<kill_scope>(scope);
            auto p = plan_channels(kill_facts{lv, sc, true}, r, both);
            CAF_REQUIRE(p.at_start.size() >= 2);
            CAF_CHECK(p.at_start.front().kind == step_kind::audit);
            CAF_CHECK(p.at_start.back().kind == step_kind::compliance);
            std::vector<venue_name> cancelled;
            int flattens = p.flatten_after_oms ? 1 : 0;
            bool timer = false;
            for (auto& s : p.at_start) {
              if (s.kind == step_kind::venue_cancel_all)
                cancelled.push_back(s.venue);
              flattens += s.kind == step_kind::flatten ? 1 : 0;
              timer = timer || s.kind == step_kind::disconnect_timer;
            }
            bool flatten = flattens_here(lv, r);
            CAF_CHECK_EQUAL(flattens, flatten ? 1 : 0);
            bool venue_channels = venue_cancel_all_runs(lv, sc) && !venues.empty();
            CAF_CHECK(cancelled == (venue_channels ? venues : std::vector<venue_name>{}));
            auto expected_disconnect
              = lv == kill_level::full_stop && flatten ? disconnect_source::after_flatten
                : venue_channels && disconnects_after_venue(lv, r)
                  ? disconnect_source::after_venue_verdict
                  : disconnect_source::none;
            CAF_CHECK(p.disconnect == expected_disconnect);
            CAF_CHECK_EQUAL(timer, lv == kill_level::full_stop && !venues.empty()
                                     && expected_disconnect == disconnect_source::none);
          }
  CAF_CHECK_EQUAL(combinations, 5 * 5 * 8 * 3 * 2);
}

CAF_TEST(single_decisions) {
  auto r = full_node();
  CAF_CHECK(!flattens_here(kill_level::cancel_all, r));
  CAF_CHECK(flattens_here(kill_level::flatten, r));
  CAF_CHECK(flattens_here(kill_level::full_stop, r));
  CAF_CHECK(!flattens_here(kill_level::full_stop, gateway_no_risk()));
  CAF_CHECK(!disconnects_after_flatten(kill_level::flatten));
  CAF_CHECK(disconnects_after_flatten(kill_level::full_stop));
  CAF_CHECK(disconnects_after_venue(kill_level::full_stop, gateway_no_risk()));
  CAF_CHECK(!disconnects_after_venue(kill_level::flatten, gateway_no_risk()));
  CAF_CHECK(!disconnects_after_venue(kill_level::full_stop, gateway_risk_elsewhere()));
  CAF_CHECK(!disconnects_after_venue(kill_level::full_stop, bare()));
}

CAF_TEST(venue_retries_at_200_400_800_ms_then_the_slow_interval) {
  venue_retry_policy p; // 3 quick, 5 s slow
  milliseconds expected[] = {milliseconds(200), milliseconds(400), milliseconds(800),
                             milliseconds(5000), milliseconds(5000), milliseconds(5000)};
  for (int attempt = 0; attempt < 6; ++attempt) {
    auto v = judge_venue_attempt(p, attempt, false, 0);
    CAF_CHECK(!v.confirmed);
    CAF_REQUIRE(v.retry_in.has_value());
    CAF_CHECK_EQUAL(v.retry_in->count(), expected[attempt].count());
  }
  venue_retry_policy five{5, milliseconds(750)};
  milliseconds longer[] = {milliseconds(200),  milliseconds(400),  milliseconds(800),
                           milliseconds(1600), milliseconds(3200), milliseconds(750)};
  for (int attempt = 0; attempt < 6; ++attempt)
    CAF_CHECK_EQUAL(judge_venue_attempt(five, attempt, false, 3).retry_in->count(),
                    longer[attempt].count());
}

CAF_TEST(escalated_exactly_once_at_the_last_quick_retry) {
  for (int quick : {0, 1, 3}) {
    venue_retry_policy p{quick, milliseconds(5000)};
    int escalations = 0;
    for (int attempt = 0; attempt < 20; ++attempt) {
      auto v = judge_venue_attempt(p, attempt, true, 2); // answered, 2 still open
      escalations += v.escalate ? 1 : 0;
      CAF_CHECK_EQUAL(v.escalate, attempt == quick);
    }
    CAF_CHECK_EQUAL(escalations, 1);
  }
  // Confirmed on the last quick attempt: nothing to escalate.
  CAF_CHECK(!judge_venue_attempt(venue_retry_policy{}, 3, true, 0).escalate);
}

CAF_TEST(confirmed_is_ok_and_nothing_open_after) {
  venue_retry_policy p;
  auto ok = judge_venue_attempt(p, 1, true, 0);
  CAF_CHECK(ok.confirmed);
  CAF_CHECK(!ok.retry_in.has_value());
  CAF_CHECK(!ok.escalate);
  CAF_CHECK(!judge_venue_attempt(p, 1, true, 1).confirmed);  // still open at the venue
  CAF_CHECK(!judge_venue_attempt(p, 1, false, 0).confirmed); // failed or timed out
  CAF_CHECK(judge_venue_attempt(p, 1, false, 0).retry_in.has_value());
}

CAF_TEST(a_venue_is_disconnected_on_its_confirm_or_its_escalation_once) {
  auto r = gateway_no_risk();
  CAF_REQUIRE(disconnects_after_venue(kill_level::full_stop, r));
  venue_retry_policy p;
  // Confirmed at once, or on a quick retry: cut now.
  CAF_CHECK(judge_venue_attempt(p, 0, true, 0).verdict_reached);
  CAF_CHECK(judge_venue_attempt(p, 2, true, 0).verdict_reached);
  // Not confirmed: the quick retries wait; the escalation cuts; the slow
  // retries do not cut again (a later confirm does: the connector answers
  // an already-cut venue at once).
  CAF_CHECK(!judge_venue_attempt(p, 0, false, 0).verdict_reached);
  CAF_CHECK(!judge_venue_attempt(p, 2, true, 4).verdict_reached);
  CAF_CHECK(judge_venue_attempt(p, 3, false, 0).verdict_reached);
  CAF_CHECK(!judge_venue_attempt(p, 4, false, 0).verdict_reached);
  CAF_CHECK(!judge_venue_attempt(p, 9, true, 1).verdict_reached);
  CAF_CHECK(judge_venue_attempt(p, 5, true, 0).verdict_reached);
}
