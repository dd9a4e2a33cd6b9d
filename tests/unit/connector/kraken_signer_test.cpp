#define CAF_SUITE connector_kraken_signer
#include "tests/support/unit_test.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "actors/connector/kraken/kraken_adapter.hpp"
#include "actors/connector/kraken/kraken_codec.hpp"
#include "actors/connector/kraken/kraken_nonce.hpp"
#include "actors/connector/kraken/kraken_signer.hpp"

using namespace cwts;
using namespace cwts::connector::kraken;

namespace {

// A fresh file name under the temp dir, removed at the end of the test.
struct temp_path {
  std::string path;
  temp_path() {
    char tmpl[] = "/tmp/kraken_nonce_XXXXXX";
    int fd = ::mkstemp(tmpl);
    ::close(fd);
    path = tmpl;
    std::remove(path.c_str()); // a first run: no file yet
  }
  ~temp_path() {
    std::remove(path.c_str());
    std::remove((path + ".tmp").c_str());
  }
};

// The next nonce, 0 when none could be given.
uint64_t take(kraken_nonce& n) {
  auto v = n.next();
  return v ? v.value() : 0;
}

} // namespace

// docs.kraken.com "Spot REST Authentication", the example of a limit order
// (buy 1.25 XBTUSD at 37500): its key, nonce, body and the API-Sign it shows.
CAF_TEST(api_sign_matches_krakens_documented_example) {
  auto key = base64_decode(
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==");
  CAF_REQUIRE(key.has_value());
  auto sign = kraken_sign(*key, "/0/private/AddOrder", "1616492376594",
                          "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy"
                          "&volume=1.25");
  CAF_CHECK_EQUAL(sign, "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==");
}

CAF_TEST(base64_is_strict) {
  CAF_CHECK_EQUAL(base64_decode("aGVsbG8=").value_or("?"), "hello");
  CAF_CHECK_EQUAL(base64_decode("aGk=").value_or("?"), "hi");
  CAF_CHECK_EQUAL(base64_encode("hello"), "aGVsbG8=");
  CAF_CHECK_EQUAL(base64_decode("").value_or("?"), ""); // no bytes (validate refuses an empty secret)
  CAF_CHECK(!base64_decode("aGVsbG9="));  // unused bits not zero: not the text of any bytes
  CAF_CHECK(!base64_decode("abc"));      // not a multiple of 4
  CAF_CHECK(!base64_decode("ab=c"));     // padding inside
  CAF_CHECK(!base64_decode("a*bc"));     // not the alphabet
  CAF_CHECK(!base64_decode("aGk=aGk=")); // padding before the end
  // The demo secrets (64 alphanumerics) are base64: usable for Kraken as they are.
  CAF_CHECK(base64_decode("cwtsDemoSecretAlpha000000000000000000000000000000000000000000001").has_value());
}

CAF_TEST(validate_refuses_a_secret_that_is_not_base64) {
  kraken_adapter_config c;
  c.port = 1;
  c.api_key = "k";
  c.secret = "not base64!";
  c.symbols = {*symbol::parse("USDCHF")};
  c.nonce_path = "/tmp/n";
  CAF_CHECK_EQUAL(validate(c).rfind("secret:", 0), 0u);
  c.secret = "aGVsbG8=";
  CAF_CHECK_EQUAL(validate(c), "");
  c.nonce_path.clear();
  CAF_CHECK_EQUAL(validate(c).rfind("nonce_path:", 0), 0u);
  c.nonce_path = "/tmp/n";
  c.dead_mans_switch = std::chrono::milliseconds(10500); // not whole seconds
  CAF_CHECK_EQUAL(validate(c).rfind("dead_mans_switch:", 0), 0u);
  // Under 10 s the refresh, on the worker that also waits on REST calls,
  // could come late and cancel a live node's orders.
  c.dead_mans_switch = std::chrono::seconds(9);
  CAF_CHECK_EQUAL(validate(c).rfind("dead_mans_switch:", 0), 0u);
  c.dead_mans_switch = std::chrono::seconds(1);
  CAF_CHECK_EQUAL(validate(c).rfind("dead_mans_switch:", 0), 0u);
  c.dead_mans_switch = std::chrono::seconds(10);
  CAF_CHECK_EQUAL(validate(c), "");
  c.dead_mans_switch = std::chrono::milliseconds(0);
  c.secret.clear();
  CAF_CHECK_NOT_EQUAL(validate(c), "");
}

CAF_TEST(client_ids_fit_cl_ord_id_and_are_stable) {
  CAF_CHECK_EQUAL(kraken_client_id(client_order_id{"tr1-kx2abc-1"}), "tr1-kx2abc-1");
  auto long_id = client_order_id{"tr1-kx2abc-1234567890-abcdefghijkl"};
  auto a = kraken_client_id(long_id);
  CAF_CHECK_EQUAL(a.size(), 36u); // a UUID
  CAF_CHECK_EQUAL(a[14], '4');    // version 4
  CAF_CHECK_EQUAL(a, kraken_client_id(long_id));
  CAF_CHECK_NOT_EQUAL(a, kraken_client_id(client_order_id{"tr1-kx2abc-1234567890-abcdefghijkm"}));
  // ':' and '/' are ours, not Kraken's free text.
  CAF_CHECK_EQUAL(kraken_client_id(client_order_id{"a:b"}).size(), 36u);
}

CAF_TEST(nonces_increase_and_are_at_least_the_clock) {
  uint64_t now = 1'700'000'000'000'000;
  kraken_nonce n("", 1000, [&] { return now; });
  auto a = take(n);
  auto b = take(n);
  CAF_CHECK_EQUAL(a, now);
  CAF_CHECK_EQUAL(b, now + 1); // same microsecond: still above
  now += 5000;
  CAF_CHECK_EQUAL(take(n), now);
  now -= 1'000'000; // the clock steps back
  CAF_CHECK_EQUAL(take(n), 1'700'000'000'005'001u);
}

// A restart reads the reservation written ahead: even with the clock a
// minute back, the first nonce is above every one the last run can have sent.
CAF_TEST(nonces_survive_a_restart_with_the_clock_stepped_back) {
  temp_path file;
  uint64_t now = 1'700'000'000'000'000;
  uint64_t last_sent = 0;
  {
    kraken_nonce n(file.path, 10'000, [&] { return now; });
    CAF_REQUIRE_EQUAL(n.load(), "");
    for (int i = 0; i < 100; ++i) {
      auto v = take(n);
      CAF_REQUIRE_GREATER(v, last_sent);
      last_sent = v;
      now += 50;
    }
    CAF_CHECK_LESS(n.writes(), 5u); // blocks, not a write per request
  }
  now -= 60'000'000;
  kraken_nonce again(file.path, 10'000, [&] { return now; });
  CAF_REQUIRE_EQUAL(again.load(), "");
  CAF_CHECK_GREATER(take(again), last_sent);
}

CAF_TEST(nonce_bump_jumps_past_the_venue_and_a_failed_write_sends_nothing) {
  uint64_t now = 1'000'000;
  kraken_nonce n("", 1000, [&] { return now; });
  auto a = take(n);
  n.bump();
  CAF_CHECK_GREATER(take(n), a + 1'000'000 - 1);
  kraken_nonce broken("/nonexistent-dir/kraken.nonce", 1000, [&] { return now; });
  CAF_CHECK_EQUAL(broken.load(), "");
  CAF_CHECK_EQUAL(take(broken), 0u);
  // A corrupt file is named.
  temp_path file;
  { std::ofstream(file.path) << "12x"; }
  kraken_nonce corrupt(file.path, 1000, [&] { return now; });
  CAF_CHECK_NOT_EQUAL(corrupt.load(), "");
}
