#pragma once
// Kraken's nonce: per API key, every private request's nonce must be above
// the last one the venue saw ("EAPI:Invalid nonce" otherwise). A nonce here
// is at least the wall clock in microseconds and always above the last one
// handed out; blocks of nonces are reserved by writing the block's end to a
// small file BEFORE any of them is used, so a restarted process (even with
// the clock stepped back) starts above everything the last one can have
// sent. A failed write hands out nothing: the request is not sent.
// Not thread-safe: the REST client (the worker) and the WebSocket token
// requests go through one owner.

#include <cstdint>
#include <functional>
#include <string>

#include "actors/connector/outcome.hpp"

namespace cwts::connector::kraken {

class kraken_nonce {
public:
  // `clock_us`: the wall clock in microseconds (tests pass their own).
  using clock_fn = std::function<uint64_t()>;
  kraken_nonce(std::string path, uint64_t block, clock_fn clock_us = {});

  // Reads the last reservation from the file; a missing file is a first
  // run. Empty when done, else why (the file exists but is unreadable).
  std::string load();

  // The next nonce, or why none can be given (the reservation write failed).
  outcome<uint64_t> next();

  // "EAPI:Invalid nonce": the venue saw a higher one (another client of the
  // key, a lost file). The next nonce jumps a second ahead of the clock.
  void bump();

  uint64_t last() const { return last_; }
  uint64_t reserved() const { return reserved_; }
  uint64_t writes() const { return writes_; }

private:
  std::string reserve(uint64_t upto);

  std::string path_;
  uint64_t block_;
  clock_fn clock_us_;
  uint64_t last_ = 0;     // the last nonce handed out
  uint64_t reserved_ = 0; // nonces up to this are on disk
  uint64_t writes_ = 0;
};

} // namespace cwts::connector::kraken
