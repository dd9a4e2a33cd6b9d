// The lease actor (actors/supervisor/lease_actor.hpp) under CAF's
// deterministic test coordinator: its peers are doubles that answer as
// grantors and record what they receive. Issue 24 review findings 1, 8, 11:
// who may ask, what a grant changes (not the fence), the notice's
// certificate, the store failing, the quiet period after a restart, and
// giving the lease up on exit. Lease time is the real monotonic clock; a
// test runs in well under one lease, so each round's outcome is fixed.
#define CAF_SUITE lease_actor
#include "tests/support/unit_test.hpp"

#include "caf/test/dsl.hpp"

#include <filesystem>
#include <fstream>
#include <mutex>
#include <unistd.h>

#include "actors/supervisor/lease_actor.hpp"
#include "actors/supervisor/lease_auth.hpp"
#include "messages/registry.hpp"

using namespace cwts;

namespace {

struct lease_test_config : caf::actor_system_config {
  lease_test_config() { register_message_types(*this); }
};

const std::vector<std::string> ids{"gw1", "tr1", "w1", "tr2"};

// What a peer double saw.
struct peer_log {
  std::vector<lease_request> requests;
  std::vector<lease_release> releases;
  std::vector<lease_notice> notices;
  std::vector<lease_view> views; // the supervisor double
  // Misbehaving: sign with this key instead of its own, or answer in
  // another member's name (with that member's key: a relay replaying it).
  std::shared_ptr<const ed25519_signer> forge_key;
  std::string claim_as;
  std::shared_ptr<const ed25519_signer> claim_key;
};

// A member's lease actor as a double: answers every request as a grantor
// that grants everything asked for real (signed with its key), probes as
// one with no grant running.
caf::behavior peer_double(caf::event_based_actor*, std::string id,
                          std::shared_ptr<const ed25519_signer> key, std::shared_ptr<peer_log> log) {
  return {
    [=](lease_atom, const lease_request& r) {
      log->requests.push_back(r);
      auto as = log->claim_as.empty() ? id : log->claim_as;
      lease_reply out{r.role, node_id{as}, r.candidate, r.round, !r.probe,
                      r.probe ? 0 : r.epoch, r.probe ? "" : r.candidate.value, !r.probe, false,
                      r.probe ? "probe" : "", wall_clock_now(), {}};
      auto& signer = log->forge_key ? log->forge_key : log->claim_key ? log->claim_key : key;
      out.signature = signer->sign(signing_payload(out));
      return out;
    },
    [=](lease_atom, const lease_release& r) { log->releases.push_back(r); },
    [=](lease_atom, const lease_notice& n) { log->notices.push_back(n); },
    [=](lease_atom, const lease_view& v) { log->views.push_back(v); },
  };
}

std::string temp_dir() {
  static int n = 0;
  auto dir = std::filesystem::temp_directory_path()
             / ("cwts-lease-actor-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

struct fixture : test_coordinator_fixture<lease_test_config> {
  std::map<std::string, std::shared_ptr<const ed25519_signer>> keys;
  std::shared_ptr<const operator_registry> registry;
  std::shared_ptr<const cluster_membership> members;
  lease_gate gate;
  std::string dir = temp_dir();
  std::map<std::string, std::shared_ptr<peer_log>> logs;
  std::map<std::string, caf::actor> peers;
  caf::actor lease;

  fixture() {
    std::vector<operator_key> op;
    for (auto& id : ids) {
      keys[id] = std::make_shared<const ed25519_signer>(ed25519_signer::generate());
      op.push_back({operator_id{"node-" + id}, keys[id]->public_key(), {operator_role::kill}, id});
    }
    registry = std::make_shared<const operator_registry>(op, std::chrono::seconds(30));
    std::string error;
    auto m = cluster_membership::make(ids, "tr1", *registry, error);
    CAF_REQUIRE(m.has_value());
    members = std::make_shared<const cluster_membership>(*m);
    gate.add_role("oms");
    gate.add_role("connector.binance");
    for (auto& id : ids) {
      logs[id] = std::make_shared<peer_log>();
      if (id != "tr1")
        peers[id] = sys.spawn(peer_double, id, keys[id], logs[id]);
    }
    logs["supervisor"] = std::make_shared<peer_log>();
    peers["supervisor"] = sys.spawn(peer_double, std::string("supervisor"), keys["tr1"],
                                    logs["supervisor"]);
  }

  ~fixture() override {
    if (lease)
      caf::anon_send_exit(lease, caf::exit_reason::kill);
    for (auto& [id, p] : peers)
      caf::anon_send_exit(p, caf::exit_reason::kill);
    sched.run();
  }

  std::string state_path() const { return dir + "/tr1-lease.state"; }

  void spawn(bool hold, std::string path = {}) {
    lease_actor_config cfg;
    cfg.self = node_id{"tr1"};
    cfg.operators = registry;
    cfg.members = members;
    cfg.signer = node_kill_signer{node_id{"tr1"}, operator_id{"node-tr1"}, keys["tr1"], ""};
    cfg.gate = &gate;
    cfg.settings.state_path = path.empty() ? state_path() : path;
    cfg.all_roles = {"oms", "connector.binance"};
    cfg.own_roles = {"oms"};
    cfg.hold_at_start = hold;
    lease = spawn_lease_actor(sys, cfg);
    sched.run(); // its first round: no peers yet
  }

  // Wires the lease actor with the peer doubles in `with`.
  void wire(const std::set<std::string>& with) {
    role_directory dir{{"supervisor", peers["supervisor"]}};
    for (auto& id : with)
      dir[peer_lease_prefix + id] = peers[id];
    self->send(lease, wire_atom::value, dir);
    sched.run();
  }

  // The next round (its tick is the pending timeout), and every answer.
  void next_round() {
    advance_time(std::chrono::milliseconds(150));
    sched.run();
  }

  lease_request request(const std::string& candidate, int64_t epoch, const ed25519_signer& key,
                        timestamp_ns at = wall_clock_now()) {
    lease_request r{"oms", node_id{candidate}, epoch, 1, false, at, {}};
    r.signature = key.sign(signing_payload(r));
    return r;
  }

  lease_reply ask(const lease_request& r) {
    lease_reply out;
    self->send(lease, lease_atom::value, r);
    sched.run();
    self->receive([&](const lease_reply& x) { out = x; },
                  caf::after(std::chrono::seconds(0)) >> [] { CAF_FAIL("no reply"); });
    return out;
  }

  std::map<std::string, int64_t> stats() {
    std::map<std::string, int64_t> out;
    self->send(lease, stats_atom::value);
    sched.run();
    self->receive([&](const actor_stats& s) { out = s.counters; },
                  caf::after(std::chrono::seconds(0)) >> [] { CAF_FAIL("no stats"); });
    return out;
  }

  lease_reply grant_by(const std::string& grantor, const std::string& holder, int64_t epoch,
                       const ed25519_signer& key) {
    lease_reply g{"oms", node_id{grantor}, node_id{holder}, 1, true, epoch, holder, true, false,
                  "", wall_clock_now(), {}};
    g.signature = key.sign(signing_payload(g));
    return g;
  }

  lease_notice notice(const std::string& holder, int64_t epoch, std::vector<lease_reply> grants) {
    lease_notice n{"oms", node_id{holder}, epoch, std::move(grants), wall_clock_now(), {}};
    n.signature = keys[holder]->sign(signing_payload(n));
    return n;
  }

  std::string file(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(lease_actor_tests, fixture)

CAF_TEST(requests_count_only_signed_by_a_wired_member_inside_the_window) {
  spawn(false);
  auto other = ed25519_signer::generate();
  // w1 is a member but not wired yet: its process is unknown.
  auto unwired = ask(request("w1", 1, *keys["w1"]));
  CAF_CHECK(!unwired.granted);
  CAF_CHECK(unwired.unsure);
  wire({"gw1", "w1", "tr2"});
  auto forged = ask(request("gw1", 1, other));
  auto outsider = ask(request("mallory", 1, other));
  auto stale = ask(request("gw1", 1, *keys["gw1"],
                           timestamp_ns{wall_clock_now().ns - 60'000'000'000}));
  for (auto* r : {&forged, &outsider, &stale}) {
    CAF_CHECK(!r->granted);
    CAF_CHECK(r->reason.rfind("refused: ", 0) == 0);
  }
  auto s = stats();
  CAF_CHECK_EQUAL(s["refused.unknown_peer"], 1);
  CAF_CHECK_EQUAL(s["refused.bad_signature"], 1);
  CAF_CHECK_EQUAL(s["refused.not_member"], 1);
  CAF_CHECK_EQUAL(s["refused.stale"], 1);
  CAF_CHECK_EQUAL(s["grants"], 0);
  // A signed request of a wired member is granted, signed by tr1, stored
  // with its holder, and raises no fence (finding 1: one grant is not a holder).
  auto ok = ask(request("gw1", 1, *keys["gw1"]));
  CAF_CHECK(ok.granted);
  CAF_CHECK_EQUAL(ok.epoch, 1);
  lease_auth auth(registry, members);
  CAF_CHECK(auth.check(ok, wall_clock_now().ns).ok());
  CAF_CHECK_EQUAL(gate.fence("oms"), 0);
  CAF_CHECK(file(state_path()).find("oms=1 gw1") != std::string::npos);
  CAF_CHECK_EQUAL(stats()["grants"], 1);
}

CAF_TEST(a_notice_raises_the_fence_only_with_a_majority_certificate) {
  spawn(false);
  wire({"gw1", "w1", "tr2"});
  // One grant, then three where one is forged (w1's reply signed by gw1).
  self->send(lease, lease_atom::value, notice("tr2", 5, {grant_by("gw1", "tr2", 5, *keys["gw1"])}));
  self->send(lease, lease_atom::value,
             notice("tr2", 5, {grant_by("gw1", "tr2", 5, *keys["gw1"]),
                               grant_by("w1", "tr2", 5, *keys["gw1"]),
                               grant_by("tr2", "tr2", 5, *keys["tr2"])}));
  // The same grantor three times.
  auto g = grant_by("gw1", "tr2", 5, *keys["gw1"]);
  self->send(lease, lease_atom::value, notice("tr2", 5, {g, g, g}));
  sched.run();
  CAF_CHECK_EQUAL(gate.fence("oms"), 0);
  CAF_CHECK_EQUAL(stats()["refused.bad_certificate"], 3);
  self->send(lease, lease_atom::value,
             notice("tr2", 5, {grant_by("gw1", "tr2", 5, *keys["gw1"]),
                               grant_by("w1", "tr2", 5, *keys["w1"]),
                               grant_by("tr2", "tr2", 5, *keys["tr2"])}));
  sched.run();
  CAF_CHECK_EQUAL(gate.fence("oms"), 5);
  auto s = stats();
  CAF_CHECK_EQUAL(s["notices"], 1);
  CAF_CHECK_EQUAL(s["fence_raised"], 1);
}

CAF_TEST(holding_asks_after_the_prevote_announces_a_certificate_and_gives_up_on_exit) {
  spawn(true);
  wire({"gw1", "w1", "tr2"});
  next_round(); // the pre-vote: probes answered by every member, nothing held
  CAF_CHECK(!gate.check("oms", lease_clock_ns()).has_value());
  for (auto& id : {"gw1", "w1", "tr2"}) {
    CAF_REQUIRE(!logs[id]->requests.empty());
    CAF_CHECK(logs[id]->requests.back().probe);
  }
  next_round(); // real requests: granted by all
  auto epoch = gate.check("oms", lease_clock_ns());
  CAF_REQUIRE(epoch.has_value());
  CAF_CHECK_EQUAL(*epoch, 1);
  CAF_CHECK_EQUAL(gate.fence("oms"), 1);
  // Every member heard a notice whose certificate holds.
  lease_auth auth(registry, members);
  for (auto& id : {"gw1", "w1", "tr2"}) {
    CAF_REQUIRE_EQUAL(logs[id]->notices.size(), 1u);
    auto& n = logs[id]->notices.front();
    CAF_CHECK_EQUAL(n.epoch, 1);
    CAF_CHECK(auth.check(n, wall_clock_now().ns).ok());
    CAF_CHECK(auth.check_certificate(n, 3, wall_clock_now().ns).ok());
  }
  // The supervisor was told it holds every role.
  CAF_REQUIRE(!logs["supervisor"]->views.empty());
  CAF_CHECK(logs["supervisor"]->views.back().all_held);
  // A notice of a newer holder with a certificate supersedes it.
  self->send(lease, lease_atom::value,
             notice("tr2", 2, {grant_by("gw1", "tr2", 2, *keys["gw1"]),
                               grant_by("w1", "tr2", 2, *keys["w1"]),
                               grant_by("tr2", "tr2", 2, *keys["tr2"])}));
  sched.run();
  CAF_CHECK_EQUAL(logs["supervisor"]->views.back().superseded_by, "tr2");
  CAF_CHECK_EQUAL(logs["supervisor"]->views.back().superseded_epoch, 2);
  // Stopping: the gate closes and every member hears the release.
  caf::anon_send_exit(lease, caf::exit_reason::user_shutdown);
  sched.run();
  lease = nullptr;
  CAF_CHECK(!gate.check("oms", lease_clock_ns()).has_value());
  for (auto& id : {"gw1", "w1", "tr2"}) {
    CAF_REQUIRE_EQUAL(logs[id]->releases.size(), 1u);
    CAF_CHECK_EQUAL(logs[id]->releases.front().epoch, 1);
  }
}

CAF_TEST(a_failed_save_grants_nothing_and_a_later_new_epoch_retries) {
  auto path = dir + "/missing/tr1-lease.state";
  spawn(false, path);
  wire({"gw1", "w1", "tr2"});
  auto failed = ask(request("gw1", 1, *keys["gw1"]));
  CAF_CHECK(!failed.granted);
  CAF_CHECK(failed.reason.find("cannot store") != std::string::npos);
  // Nothing runs in memory: w1 is granted nothing either (it would be, were
  // gw1's grant running: "held by gw1")... and a probe shows no grant.
  lease_request probe{"oms", node_id{"w1"}, 0, 2, true, wall_clock_now(), {}};
  probe.signature = keys["w1"]->sign(signing_payload(probe));
  auto seen = ask(probe);
  CAF_CHECK(!seen.running);
  CAF_CHECK_EQUAL(stats()["store_failing"], 1);
  std::filesystem::create_directories(dir + "/missing");
  auto retried = ask(request("gw1", 1, *keys["gw1"]));
  CAF_CHECK(retried.granted);
  auto s = stats();
  CAF_CHECK_EQUAL(s["store_failing"], 0);
  CAF_CHECK_EQUAL(s["store_failures"], 1);
}

CAF_TEST(a_restarted_grantor_is_quiet_and_unsure_and_keeps_the_holder) {
  std::ofstream(state_path()) << "cwts-lease-epochs/2\noms=4 gw1\n";
  spawn(false);
  wire({"gw1", "w1", "tr2"});
  auto renewal = ask(request("gw1", 4, *keys["gw1"]));
  CAF_CHECK(!renewal.granted);
  CAF_CHECK(renewal.unsure);
  CAF_CHECK_EQUAL(renewal.holder, "gw1");
  auto other = ask(request("w1", 5, *keys["w1"]));
  CAF_CHECK(!other.granted);
  CAF_CHECK_EQUAL(stats()["quiet"], 1);
  CAF_CHECK(file(state_path()).find("oms=4 gw1") != std::string::npos);
}

CAF_TEST(forged_or_misattributed_replies_never_make_the_lease_held) {
  // gw1's answers are signed by a key that is not gw1's; w1's come in tr2's
  // name (tr2's key, a relayed reply). Only tr1 and tr2 count: no majority.
  logs["gw1"]->forge_key = std::make_shared<const ed25519_signer>(ed25519_signer::generate());
  logs["w1"]->claim_as = "tr2";
  logs["w1"]->claim_key = keys["tr2"];
  spawn(true);
  wire({"gw1", "w1", "tr2"});
  for (int i = 0; i < 4; ++i)
    next_round();
  CAF_CHECK(!gate.check("oms", lease_clock_ns()).has_value());
  auto s = stats();
  CAF_CHECK_GREATER_OR_EQUAL(s["refused.bad_signature"], 1);
  CAF_CHECK_GREATER_OR_EQUAL(s["refused.wrong_grantor"], 1);
  CAF_CHECK_EQUAL(s["held.oms"], 0);
  for (auto& id : {"gw1", "w1", "tr2"})
    CAF_CHECK(logs[id]->notices.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
