#pragma once
// The venue's own per-account order log (issue 24): one JSON line for every
// order request that reaches the book (new orders, amends, cancels, accepted
// or refused), with the connection that sent it. A partition test reads it to
// prove that no two nodes sent orders for the same account at the same time,
// from the venue's side, without trusting anything the nodes say.
//
// The shell (nodes/venue) says who is speaking: before it hands a request to
// the engine it opens an origin_scope with the protocol, the connection id
// and the remote address:port; the engine records each order operation it
// performs inside that scope. Everything runs on the venue's one io thread,
// so "the current origin" is well defined. Operations outside any scope
// (OKX/Kraken dead-man timers, GTD expiry) are recorded with protocol
// "internal". docs/venue.md "Order log" lists the fields.
//
// Bounded memory: a line is formatted, written and flushed, nothing is kept.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace cwts::venue {

// Who sent the request being handled.
struct order_origin {
  std::string protocol;     // rest, ws-api, fix, okx-rest, okx-ws, kraken-rest, kraken-ws
  uint64_t connection = 0;  // unique for this venue run (connection_ids)
  std::string remote;       // "address:port" of the peer; empty when unknown (FIX)
  std::string credential;   // the protocol's account name: API key, FIX CompID, key name
  int64_t received_ns = 0;  // wall clock when the venue received the request
};

// One order operation as recorded.
struct order_log_record {
  int64_t received_ns = 0;
  std::string account;        // the venue account the order belongs to
  order_origin origin;
  std::string action;         // new, cancel, amend, cancel_all
  std::string client_order_id;
  int64_t order_id = 0;       // 0 when refused before an id was given
  std::string symbol;
  std::string side;           // BUY/SELL; empty for a cancel-all
  std::string quantity;       // decimals as strings; empty when not applicable
  std::string price;
  std::string outcome;        // accepted or refused
  std::string status;         // accepted: the order's status after it (NEW, FILLED, CANCELED...)
  int error_code = 0;         // refused: the venue error code
  std::string error;          // refused: its message
};

// The JSON line of one record (no trailing newline).
std::string order_log_line(const order_log_record& r);

// Monotonic connection ids for one venue run, shared by every protocol.
uint64_t next_connection_id();

// Wall clock in nanoseconds since the Unix epoch.
int64_t wall_ns();

class order_log {
public:
  order_log() = default;
  ~order_log();
  order_log(const order_log&) = delete;
  order_log& operator=(const order_log&) = delete;

  // Opens `path` for appending (created when missing). False with `error`
  // naming the file and the reason.
  bool open(const std::string& path, std::string& error);
  bool enabled() const { return file_ != nullptr; }
  const std::string& path() const { return path_; }

  // The origin of the request now being handled (origin_scope sets it).
  const order_origin* current() const { return current_; }
  // Writes one line and flushes it; a write error is counted and logged once.
  void record(order_log_record r);
  uint64_t written() const { return written_; }
  uint64_t write_errors() const { return write_errors_; }

private:
  friend class origin_scope;
  std::FILE* file_ = nullptr;
  std::string path_;
  const order_origin* current_ = nullptr;
  uint64_t written_ = 0;
  uint64_t write_errors_ = 0;
};

// Marks the requests handled in its lifetime as coming from `origin`
// (nothing when `log` is null or closed). An inner scope wins until it ends.
class origin_scope {
public:
  origin_scope(order_log* log, const order_origin& origin);
  ~origin_scope();
  origin_scope(const origin_scope&) = delete;
  origin_scope& operator=(const origin_scope&) = delete;

private:
  order_log* log_;
  order_origin origin_;
  const order_origin* previous_ = nullptr;
};

} // namespace cwts::venue
