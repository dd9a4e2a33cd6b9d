// The compliance outbox (actors/compliance/compliance_outbox.hpp) against
// the test receiver on loopback: durable across a reopen, delivered in
// order, once acknowledged never again, the idempotency key and signature
// on every POST, the backoff schedule, the bound, and every way a receiver
// can fail to acknowledge (500, a hang, a malformed or an oversized answer).
#define CAF_SUITE compliance_outbox
#include "tests/support/unit_test.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "actors/compliance/compliance_config.hpp"
#include "actors/compliance/compliance_notification.hpp"
#include "actors/compliance/compliance_outbox.hpp"
#include "tests/integration/support/process.hpp"
#include "tests/unit/compliance/test_receiver.hpp"

using namespace cwts;
using namespace cwts::compliance;
using namespace cwts::compliance_test;
using namespace std::chrono_literals;

namespace {

struct fixture {
  ed25519_signer key = ed25519_signer::generate();
  test_receiver receiver{key.public_key()};
  std::string dir;
  uint16_t port = 0;

  fixture() {
    dir = (std::filesystem::temp_directory_path()
           / ("cwts-outbox-" + std::to_string(::getpid()) + "-"
              + std::to_string(wall_clock_now().ns)))
            .string();
    std::filesystem::create_directories(dir);
    port = receiver.start();
    CAF_REQUIRE(port != 0);
  }
  ~fixture() {
    receiver.stop();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  outbox_config config() const {
    outbox_config c;
    c.path = dir + "/outbox.sqlite";
    c.to = endpoint{false, "127.0.0.1", port, "/kills"};
    c.request_timeout = 300ms;
    c.retry_min = 20ms;
    c.retry_max = 100ms;
    return c;
  }

  std::shared_ptr<outbox> open(const outbox_config& c) {
    std::string error;
    auto box = outbox::open(c, error);
    CAF_REQUIRE_EQUAL(error, "");
    CAF_REQUIRE(box != nullptr);
    return box;
  }

  kill_notification kill(const std::string& id) const {
    return kill_notification{id, 2, "2-cancel-all", "cluster", "", "alice", "operator",
                             "test \"quoted\" reason", "solo", "solo", 1, 2, 3, ""};
  }

  enqueue_result put(outbox& box, const std::string& id) {
    auto n = kill(id);
    auto body = notification_body(n);
    return box.enqueue(idempotency_key(n), body, sign_body(key, body), "node-solo");
  }
};

bool delivered(const std::shared_ptr<outbox>& box, int64_t n) {
  return itest::wait_until([&] { return box->stats().delivered >= n; }, 20s, 5ms);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(outbox_tests, fixture)

CAF_TEST(backoff_doubles_from_the_minimum_up_to_the_cap) {
  CAF_CHECK_EQUAL(retry_delay(0, 200ms, 5000ms).count(), 0);
  CAF_CHECK_EQUAL(retry_delay(1, 200ms, 5000ms).count(), 200);
  CAF_CHECK_EQUAL(retry_delay(2, 200ms, 5000ms).count(), 400);
  CAF_CHECK_EQUAL(retry_delay(3, 200ms, 5000ms).count(), 800);
  CAF_CHECK_EQUAL(retry_delay(5, 200ms, 5000ms).count(), 3200);
  CAF_CHECK_EQUAL(retry_delay(6, 200ms, 5000ms).count(), 5000);
  CAF_CHECK_EQUAL(retry_delay(1'000'000, 200ms, 5000ms).count(), 5000);
}

CAF_TEST(delivered_in_order_signed_with_the_idempotency_key_and_never_again) {
  auto box = open(config());
  for (auto id : {"k-1", "k-2", "k-3"})
    CAF_REQUIRE(put(*box, id).ok);
  CAF_REQUIRE(delivered(box, 3));
  auto got = receiver.requests();
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK_EQUAL(got[0].key, idempotency_key(kill("k-1")));
  CAF_CHECK_EQUAL(got[1].key, idempotency_key(kill("k-2")));
  CAF_CHECK_EQUAL(got[2].key, idempotency_key(kill("k-3")));
  for (auto& r : got) {
    CAF_CHECK(r.verified);
    CAF_CHECK_EQUAL(r.target, "/kills");
    CAF_CHECK_EQUAL(r.key_id, "node-solo");
    CAF_CHECK_EQUAL(r.content_type, "application/json");
    CAF_CHECK(r.body.find("\"schema_version\":1") == 1);
    CAF_CHECK(r.body.find("\"reason\":\"test \\\"quoted\\\" reason\"") != std::string::npos);
  }
  // The same kill again is one entry, not a second delivery.
  auto again = put(*box, "k-2");
  CAF_CHECK(again.ok && again.duplicate);
  // A later entry is delivered, proving the worker ran past the duplicate.
  CAF_REQUIRE(put(*box, "k-4").ok);
  CAF_REQUIRE(delivered(box, 4));
  CAF_CHECK_EQUAL(receiver.requests().size(), 4u);
  auto s = box->stats();
  CAF_CHECK_EQUAL(s.pending, 0);
  CAF_CHECK_EQUAL(s.attempts, 4);
  CAF_CHECK_EQUAL(s.duplicates, 1);
  CAF_CHECK_EQUAL(s.oldest_pending_age_ns, 0);
}

CAF_TEST(the_key_tells_contents_apart_is_unambiguous_header_safe_and_signed) {
  auto a = kill("k-1");
  auto b = kill("k-1");
  a.content_digest = std::string(64, 'a');
  b.content_digest = std::string(64, 'b'); // equivocation: same issuer and id
  CAF_CHECK_NOT_EQUAL(idempotency_key(a), idempotency_key(b));
  auto slash1 = kill("b/c");
  slash1.issuer = "a";
  auto slash2 = kill("c");
  slash2.issuer = "a/b";
  CAF_CHECK_NOT_EQUAL(idempotency_key(slash1), idempotency_key(slash2));
  auto crlf = kill("k-1\r\nX-Injected: yes");
  CAF_CHECK(!has_control_chars(idempotency_key(crlf)));
  CAF_CHECK_EQUAL(idempotency_key(crlf), "alice/k-1%0D%0AX-Injected:%20yes@solo#");
  auto body = notification_body(a);
  CAF_CHECK(body.find("\"idempotency_key\":\"" + idempotency_key(a) + "\"") != std::string::npos);
  // Both contents are delivered: two notifications, not one duplicate.
  auto box = open(config());
  for (auto* n : {&a, &b}) {
    auto bd = notification_body(*n);
    auto put = box->enqueue(idempotency_key(*n), bd, sign_body(key, bd), "node-solo");
    CAF_CHECK(put.ok && !put.duplicate);
  }
  CAF_REQUIRE(delivered(box, 2));
  // A header value with a CR or LF is never written.
  auto bad = box->enqueue("k\r\nX-Injected: yes", body, sign_body(key, body), "node-solo");
  CAF_CHECK(!bad.ok);
  CAF_CHECK(bad.error.find("control character") != std::string::npos);
}

CAF_TEST(an_altered_body_fails_the_receivers_signature_check) {
  auto n = kill("k-9");
  auto body = notification_body(n);
  auto sig = sign_body(key, body);
  CAF_CHECK(verify_body(key.public_key(), body, sig));
  auto altered = body;
  altered[altered.find("cancel-all")] = 'C';
  CAF_CHECK(!verify_body(key.public_key(), altered, sig));
  CAF_CHECK(!verify_body(ed25519_signer::generate().public_key(), body, sig));
  CAF_CHECK(!verify_body(key.public_key(), body, "not base64!"));
}

CAF_TEST(pending_entries_survive_a_reopen_and_are_delivered_once_after) {
  receiver.stop(); // connect refused
  auto cfg = config();
  {
    auto box = open(cfg);
    for (auto id : {"k-1", "k-2"})
      CAF_REQUIRE(put(*box, id).ok);
    CAF_REQUIRE(itest::wait_until([&] { return box->stats().failures["connect_failed"] >= 2; },
                                  20s, 5ms));
    CAF_CHECK_EQUAL(box->stats().pending, 2);
    CAF_CHECK(box->stats().oldest_pending_age_ns > 0);
  } // closed as a stopped node leaves it
  auto box = open(cfg);
  CAF_CHECK_EQUAL(box->stats().pending, 2); // read back from the file
  CAF_REQUIRE_EQUAL(receiver.start(port), port);
  CAF_REQUIRE(delivered(box, 2));
  auto got = receiver.requests();
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(got[0].key, idempotency_key(kill("k-1")));
  CAF_CHECK_EQUAL(got[1].key, idempotency_key(kill("k-2")));
  // Reopened again: nothing left to send.
  box.reset();
  box = open(cfg);
  CAF_CHECK_EQUAL(box->stats().pending, 0);
  CAF_REQUIRE(put(*box, "k-3").ok);
  CAF_REQUIRE(delivered(box, 1));
  CAF_CHECK_EQUAL(receiver.requests().size(), 3u);
  CAF_CHECK_EQUAL(receiver.acknowledged(), 3u);
}

CAF_TEST(a_full_outbox_refuses_with_a_reason_and_never_blocks) {
  receiver.stop();
  auto cfg = config();
  cfg.max_pending = 2;
  auto box = open(cfg);
  CAF_REQUIRE(put(*box, "k-1").ok);
  CAF_REQUIRE(put(*box, "k-2").ok);
  auto third = put(*box, "k-3");
  CAF_CHECK(!third.ok);
  CAF_CHECK(third.error.find("compliance outbox full") != std::string::npos);
  CAF_CHECK_EQUAL(box->stats().refused_full, 1);
  CAF_CHECK_EQUAL(box->stats().pending, 2);
}

CAF_TEST(refused_hung_and_malformed_answers_are_failures_then_one_ack) {
  auto box = [&] {
    receiver.set_mode(receiver_mode::refuse);
    return open(config());
  }();
  auto failures = [&](const char* why) { return box->stats().failures[why]; };
  CAF_REQUIRE(put(*box, "k-1").ok);
  CAF_REQUIRE(itest::wait_until([&] { return failures("http_5xx") >= 2; }, 20s, 5ms));
  receiver.set_mode(receiver_mode::hang);
  CAF_REQUIRE(itest::wait_until([&] { return failures("timeout") >= 1; }, 20s, 5ms));
  receiver.set_mode(receiver_mode::malformed);
  CAF_REQUIRE(itest::wait_until([&] { return failures("protocol_error") >= 1; }, 20s, 5ms));
  CAF_CHECK_EQUAL(box->stats().delivered, 0);
  CAF_CHECK_EQUAL(box->stats().pending, 1);
  receiver.set_mode(receiver_mode::acknowledge);
  CAF_REQUIRE(delivered(box, 1));
  CAF_CHECK_EQUAL(receiver.acknowledged(), 1u);
  CAF_CHECK(receiver.hung() >= 1u);
  // Every request the receiver read was the same signed entry.
  for (auto& r : receiver.requests()) {
    CAF_CHECK_EQUAL(r.key, idempotency_key(kill("k-1")));
    CAF_CHECK(r.verified);
  }
  auto s = box->stats();
  CAF_CHECK(s.attempts >= 5);
  CAF_CHECK(s.last_ack_latency_ns > 0);
  // Acknowledged: never sent again, however long we look.
  CAF_REQUIRE(put(*box, "k-2").ok);
  CAF_REQUIRE(delivered(box, 2));
  CAF_CHECK_EQUAL(receiver.acknowledged(), 2u);
}

CAF_TEST(an_extra_answer_never_acknowledges_the_next_entry) {
  receiver.set_mode(receiver_mode::double_ack); // two 200s to k-1, then 500s
  auto box = open(config());
  CAF_REQUIRE(put(*box, "k-1").ok);
  CAF_REQUIRE(delivered(box, 1));
  CAF_REQUIRE(put(*box, "k-2").ok);
  auto failures = [&] { return box->stats().failures["http_5xx"]; };
  CAF_REQUIRE(itest::wait_until([&] { return failures() >= 1; }, 20s, 5ms));
  // Without the transport fix the stale 200 acknowledged k-2 (delivered 2).
  auto s = box->stats();
  CAF_CHECK_EQUAL(s.delivered, 1);
  CAF_CHECK_EQUAL(s.pending, 1);
  CAF_CHECK_EQUAL(s.stale_connections, 1);
  receiver.set_mode(receiver_mode::acknowledge);
  CAF_REQUIRE(delivered(box, 2));
  auto got = receiver.requests();
  CAF_REQUIRE(got.size() >= 3u);
  CAF_CHECK_EQUAL(got.back().key, idempotency_key(kill("k-2")));
}

CAF_TEST(an_interim_100_continue_is_skipped_and_an_oversized_2xx_is_an_ack) {
  receiver.set_mode(receiver_mode::interim);
  auto box = open(config());
  CAF_REQUIRE(put(*box, "k-1").ok);
  CAF_REQUIRE(delivered(box, 1));
  receiver.set_mode(receiver_mode::oversized);
  CAF_REQUIRE(put(*box, "k-2").ok);
  CAF_REQUIRE(delivered(box, 2));
  auto s = box->stats();
  CAF_CHECK_EQUAL(s.attempts, 2); // one POST each: no failure, no resend
  CAF_CHECK_EQUAL(s.failures.size(), 0u);
  CAF_CHECK_EQUAL(s.oversized_acks, 1);
  CAF_CHECK_EQUAL(receiver.requests().size(), 2u);
}

CAF_TEST(https_delivers_to_a_receiver_the_ca_file_vouches_for_and_to_no_other) {
  auto gen = std::string(CWTS_SOURCE_DIR) + "/scripts/gen-certs ";
  CAF_REQUIRE_EQUAL(std::system((gen + dir + "/ca1 server >/dev/null 2>&1").c_str()), 0);
  CAF_REQUIRE_EQUAL(std::system((gen + dir + "/ca2 server >/dev/null 2>&1").c_str()), 0);
  receiver.stop();
  CAF_REQUIRE_EQUAL(receiver.start_tls(port, dir + "/ca1/server.pem", dir + "/ca1/server.key"),
                    port);
  auto cfg = config();
  cfg.to.tls = true;
  // A CA that did not sign the receiver's certificate: never acknowledged.
  cfg.ca_file = dir + "/ca2/ca.pem";
  cfg.path = dir + "/untrusted.sqlite";
  {
    auto box = open(cfg);
    CAF_REQUIRE(put(*box, "k-1").ok);
    auto failed = [&] {
      int64_t n = 0;
      for (auto& [why, count] : box->stats().failures)
        n += count;
      return n;
    };
    CAF_REQUIRE(itest::wait_until([&] { return failed() >= 2; }, 20s, 5ms));
    CAF_CHECK_EQUAL(box->stats().delivered, 0);
  }
  CAF_CHECK_EQUAL(receiver.requests().size(), 0u);
  cfg.ca_file = dir + "/ca1/ca.pem";
  cfg.path = dir + "/trusted.sqlite";
  auto box = open(cfg);
  CAF_REQUIRE(put(*box, "k-2").ok);
  CAF_REQUIRE(delivered(box, 1));
  auto got = receiver.requests();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK(got[0].verified);
  CAF_CHECK_EQUAL(got[0].key, idempotency_key(kill("k-2")));
}

CAF_TEST(config_errors_name_the_key) {
  std::optional<outbox_config> out;
  std::string error;
  compliance_raw_options raw;
  CAF_CHECK(parse_compliance_config(raw, "x.sqlite", out, error));
  CAF_CHECK(!out); // no endpoint: no channel
  raw.endpoint = "ftp://127.0.0.1/x";
  CAF_CHECK(!parse_compliance_config(raw, "x.sqlite", out, error));
  CAF_CHECK(error.rfind("compliance.endpoint:", 0) == 0);
  raw.endpoint = "http://[::1]:8080/x";
  CAF_CHECK(!parse_compliance_config(raw, "o.sqlite", out, error));
  CAF_CHECK(error.rfind("compliance.endpoint:", 0) == 0);
  CAF_CHECK(error.find("IPv6") != std::string::npos);
  raw.endpoint = "http://127.0.0.1:99999/x";
  CAF_CHECK(!parse_compliance_config(raw, "x.sqlite", out, error));
  CAF_CHECK(error.rfind("compliance.endpoint:", 0) == 0);
  raw.endpoint = "https://127.0.0.1:8443/x";
  raw.ca_file = "/nonexistent/ca.pem";
  CAF_CHECK(!parse_compliance_config(raw, "x.sqlite", out, error));
  CAF_CHECK(error.rfind("compliance.ca-file:", 0) == 0);
  raw.ca_file.clear();
  raw.retry_min_ms = 500;
  raw.retry_max_ms = 100;
  CAF_CHECK(!parse_compliance_config(raw, "x.sqlite", out, error));
  CAF_CHECK(error.rfind("compliance.retry-max-ms:", 0) == 0);
  raw.retry_max_ms = 1000;
  raw.max_pending = 0;
  CAF_CHECK(!parse_compliance_config(raw, "x.sqlite", out, error));
  CAF_CHECK(error.rfind("compliance.max-pending:", 0) == 0);
  raw.max_pending = 5;
  raw.endpoint = "http://127.0.0.1:8080/regulator/kills?x=1";
  CAF_REQUIRE(parse_compliance_config(raw, "x.sqlite", out, error));
  CAF_REQUIRE(out.has_value());
  CAF_CHECK_EQUAL(out->to.port, 8080);
  CAF_CHECK_EQUAL(out->to.target, "/regulator/kills?x=1");
  CAF_CHECK_EQUAL(out->max_pending, 5);
}

CAF_TEST_FIXTURE_SCOPE_END()
