// The kill's compliance channel on a real cwts-node (docs/kill-switch.md
// "Compliance channel"): [compliance] points at the test receiver. A
// level-2 kill while the receiver refuses (500), then hangs, then
// acknowledges: the notification, signed with the node's key, is
// acknowledged exactly once (the receiver counts raw acknowledged
// deliveries, no dedup), and the kill report lists the compliance channel
// with its measured time. Then a kill while the receiver is down, the node
// SIGKILLed with that entry undelivered, restarted on the same folder: the
// entry is resent and acknowledged once the receiver is back; the first
// kill's is not sent again.
#define CAF_SUITE compliance_channel
#include "tests/support/unit_test.hpp"

#include <csignal>
#include <map>
#include <string>

#include "actors/compliance/compliance_notification.hpp"
#include "common/operator_auth.hpp"
#include "tests/integration/node/single_node.hpp"
#include "tests/integration/node/stop_node.hpp"
#include "tests/unit/compliance/test_receiver.hpp"

using namespace cwts;
using namespace cwts::itest;
using namespace cwts::compliance_test;
using namespace std::chrono_literals;

namespace {

std::vector<uint8_t> node_public_key(const cluster_paths& paths) {
  std::string error;
  auto key = ed25519_signer::from_pem_file(paths.keys_dir + "/nodes/node-solo.pem", error);
  CAF_REQUIRE_EQUAL(error, "");
  return key->public_key();
}

std::vector<std::string> compliance_args(uint16_t port) {
  return {"--compliance.endpoint=\"http://127.0.0.1:" + std::to_string(port) + "/regulator/kills\"",
          "--compliance.request-timeout-ms=600", "--compliance.retry-min-ms=100",
          "--compliance.retry-max-ms=400"};
}

// The report's channel line of `name` at node solo, or an empty map.
std::map<std::string, std::string> channel(const kill_view& k, const std::string& name) {
  for (auto& c : k.channels)
    if (c.count("name") && c.at("name") == name)
      return c;
  return {};
}

// The kill id of the report's "kill <id> origin=..." line.
std::string kill_id_of(const kill_view& k) {
  for (auto& line : split_lines(k.raw.out))
    if (line.rfind("kill ", 0) == 0)
      return line.substr(5, line.find(' ', 5) - 5);
  return {};
}

// Acknowledged raw deliveries per idempotency key.
std::map<std::string, int> acks_by_key(const test_receiver& r) {
  std::map<std::string, int> out;
  for (auto& q : r.requests())
    if (q.acknowledged)
      ++out[q.key];
  return out;
}

int64_t kill_counter(const node_status_view& s, const std::string& key) {
  return s.counter("kill", key).value_or(-1);
}

} // namespace

CAF_TEST(the_outbox_delivers_once_after_refusals_a_hang_and_a_node_restart) {
  auto paths = cluster_paths::from_env();
  CAF_REQUIRE_EQUAL(paths.missing(), "");
  test_receiver receiver(node_public_key(paths));
  auto port = receiver.start();
  CAF_REQUIRE(port != 0);
  receiver.set_mode(receiver_mode::refuse);

  single_node n("compliance_channel", compliance_args(port));
  CAF_REQUIRE(n.wait_for([](const node_status_view& s) { return s.mode == "ACTIVE"; }, 45s).met);

  // 1. Refused, then hung, then acknowledged: once.
  auto first = n.kill({"--level=2", "--reason=itest compliance"});
  CAF_MESSAGE("kill: rc=" << first.raw.exit_code << "\n" << first.raw.out << first.raw.err);
  CAF_REQUIRE_EQUAL(first.raw.exit_code, 0);
  auto c = channel(first, "compliance");
  CAF_CHECK_EQUAL(c["node"], "solo");
  CAF_CHECK_EQUAL(c["ok"], "1");
  CAF_CHECK(!c["duration_ms"].empty() && std::stod(c["duration_ms"]) > 0);
  auto first_id = kill_id_of(first);
  CAF_REQUIRE(!first_id.empty());
  CAF_MESSAGE("first kill id " << first_id);
  CAF_REQUIRE(wait_until([&] { return receiver.requests().size() >= 2; }, 30s));
  receiver.set_mode(receiver_mode::hang);
  CAF_REQUIRE(wait_until([&] { return receiver.hung() >= 1; }, 30s));
  CAF_CHECK_EQUAL(receiver.acknowledged(), 0u);
  receiver.set_mode(receiver_mode::acknowledge);
  CAF_REQUIRE(wait_until([&] { return receiver.acknowledged() >= 1; }, 30s));
  auto delivered = n.wait_for(
    [](const node_status_view& s) { return kill_counter(s, "compliance.delivered") == 1; }, 20s);
  CAF_REQUIRE(delivered.met);
  CAF_CHECK(kill_counter(delivered.last, "compliance.failures.http_5xx") >= 2);
  CAF_CHECK(kill_counter(delivered.last, "compliance.failures.timeout") >= 1);
  CAF_CHECK_EQUAL(kill_counter(delivered.last, "compliance.pending"), 0);
  CAF_CHECK(kill_counter(delivered.last, "compliance.last_ack_latency_ns") > 0);
  auto got = receiver.requests();
  // issuer/id@node#<16 hex of the content digest>, the same in the signed body.
  CAF_REQUIRE(!got.empty());
  std::string first_key = got.front().key;
  CAF_CHECK_EQUAL(first_key.rfind("alice/" + first_id + "@solo#", 0), 0u);
  CAF_CHECK_EQUAL(first_key.size(), ("alice/" + first_id + "@solo#").size() + 16);
  for (auto& r : got) {
    CAF_CHECK_EQUAL(r.key, first_key);
    CAF_CHECK(r.body.find("\"idempotency_key\":\"" + first_key + "\"") != std::string::npos);
    CAF_CHECK(r.verified);
    CAF_CHECK_EQUAL(r.target, "/regulator/kills");
    CAF_CHECK(r.body.find("\"kill_id\":\"" + first_id + "\"") != std::string::npos);
    CAF_CHECK(r.body.find("\"level\":2,\"level_name\":\"2-cancel-all\"") != std::string::npos);
    CAF_CHECK(r.body.find("\"issuer_kind\":\"operator\"") != std::string::npos);
    CAF_CHECK(r.body.find("\"reason\":\"itest compliance\"") != std::string::npos);
  }

  // 2. Receiver down; a kill's entry undelivered; the node SIGKILLed.
  receiver.stop();
  auto second = n.kill({"--level=1", "--reason=itest compliance restart"});
  CAF_MESSAGE("kill 2: rc=" << second.raw.exit_code << "\n" << second.raw.out);
  CAF_REQUIRE_EQUAL(second.raw.exit_code, 0);
  CAF_CHECK_EQUAL(channel(second, "compliance")["ok"], "1");
  auto second_id = kill_id_of(second);
  CAF_REQUIRE(!second_id.empty() && second_id != first_id);
  auto refused = n.wait_for(
    [](const node_status_view& s) {
      return kill_counter(s, "compliance.failures.connect_failed") >= 1
             && kill_counter(s, "compliance.pending") == 1;
    },
    20s);
  CAF_REQUIRE(refused.met);
  ::kill(n.node.pid(), SIGKILL);
  CAF_REQUIRE(n.node.wait_exit(10s).has_value());

  auto again_port = free_port();
  CAF_REQUIRE(again_port != 0);
  child_process again("node2", node_argv(n.paths, "node.ini", n.venue.port(), again_port,
                                         compliance_args(port)),
                      n.dir, n.dir);
  CAF_REQUIRE(again.started());
  auto pending = wait_for_status(
    n.paths, n.dir, again_port,
    [](const node_status_view& s) {
      return kill_counter(s, "compliance.pending") == 1
             && kill_counter(s, "compliance.failures.connect_failed") >= 1;
    },
    45s);
  if (!pending.met)
    CAF_MESSAGE("last status:\n" << pending.last.text << tail(again.err()));
  CAF_REQUIRE(pending.met);
  // The port was free while the receiver was down: under ctest -j another
  // test may have taken it; then this fails here, never talking to it.
  CAF_REQUIRE_EQUAL(receiver.start(port), port);
  CAF_REQUIRE(wait_until([&] { return receiver.acknowledged() >= 2; }, 30s));
  auto done = wait_for_status(
    n.paths, n.dir, again_port,
    [](const node_status_view& s) { return kill_counter(s, "compliance.pending") == 0; }, 20s);
  CAF_CHECK(done.met);
  auto acks = acks_by_key(receiver);
  CAF_CHECK_EQUAL(acks.size(), 2u);
  CAF_CHECK_EQUAL(acks[first_key], 1);
  int second_acks = 0;
  for (auto& [k, count] : acks)
    if (k.rfind("alice/" + second_id + "@solo#", 0) == 0)
      second_acks += count;
  CAF_CHECK_EQUAL(second_acks, 1);
  for (auto& r : receiver.requests())
    CAF_CHECK(r.verified);
  CWTS_STOP_NODE(again);
}
