#pragma once
// What the market-data tests of the checksummed book streams against a real
// cwts-venue (okx_market_data_test, kraken_market_data_test) share: polling
// with a deadline, the steady book's view, and the venue's ws-drop and
// malformed-frames faults survived. `books` counts the stream's book frames
// (each protocol names its channel). Include it after
// caf/test/unit_test.hpp and venue_client.hpp; use inside a CAF_TEST.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>

#include "tests/integration/support/process.hpp"
#include "actors/connector/book_channel_source.hpp"

namespace {

// `pred` within 20 s, polled every 25 ms.
template <class Pred>
bool eventually(Pred pred, int tries = 800) {
  return cwts::itest::wait_until(pred, std::chrono::milliseconds(25) * tries,
                                 std::chrono::milliseconds(25));
}

// The synced USDCHF book as the stream's thread has it: neither crossed nor
// empty, at most `depth` levels a side.
inline void check_the_book_view(cwts::connector::book_channel_source& stream, std::size_t depth) {
  auto view = stream.book(cwts::symbol::parse("USDCHF").value(), depth, std::chrono::milliseconds(2000));
  CAF_REQUIRE(view.has_value());
  CAF_CHECK(!view->crossed);
  CAF_CHECK(!view->bids.empty() || !view->asks.empty());
  CAF_CHECK(view->bids.size() <= depth && view->asks.size() <= depth);
}

// A dropped connection is reconnected and the book rebuilt from a snapshot;
// malformed frames are counted and the book frames go on.
inline void check_a_drop_and_malformed_frames(cwts::connector::book_channel_source& stream, int venue_port,
                                              const std::function<uint64_t()>& books) {
  auto reconnects = stream.reconnects();
  CAF_REQUIRE_EQUAL(request(venue_port, http::verb::post, "/venue/faults?ws-drop=true").status, 200);
  CAF_CHECK(eventually([&] { return stream.reconnects() > reconnects; }));
  CAF_CHECK(eventually([&] { return stream.connected() && stream.book_synced(0); }));

  auto bad = stream.parse_errors();
  CAF_REQUIRE_EQUAL(request(venue_port, http::verb::post, "/venue/faults?malformed-frames=1").status, 200);
  CAF_CHECK(eventually([&] { return stream.parse_errors() > bad; }));
  auto later = books();
  CAF_CHECK(eventually([&] { return books() > later; }));
}

} // namespace
