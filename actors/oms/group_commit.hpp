#pragma once
// Group commit (issue 21, docs/risk-oms-strategy.md "Group commit"), the
// OMS's CAF-free core of it: while a journal batch is open, what the OMS
// would send (orders and cancels to a connector, reports and rejects to risk
// and the strategy) is held here, in order, until the batch is committed: an
// order never reaches the venue, and a report never reaches the strategy,
// before the commit that holds its event. The actor shell opens a batch
// before its first record and sends itself one flush message; CAF queues it
// behind every message already in the mailbox, so one commit covers what
// arrived together.
//
// A failed commit (or SQLite ending the batch's transaction) loses nothing
// silently: every record of the batch is written again, one transaction
// each, in the order it was first written, and so is a state change whose
// own write failed. What still does not write:
//   - a submission: its order is not durable, so it is never sent (the shell
//     rejects it, and a pending amend's replacement with it);
//   - a state change (a report, a fill, a cancel): lost() > 0; the journal
//     can no longer tell a restart where orders and positions stand, so
//     every held order is rejected unsent and the shell halts trading.
//
// Bounded by the mailbox: a batch holds at most what the OMS handled before
// its flush message came up, and every entry is one message it handled.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/oms/order_journal.hpp"
#include "actors/oms/order_record.hpp"

namespace cwts::oms {

class group_commit {
public:
  // Sends one held message (the shell's closure over its actor).
  using send_fn = std::function<void()>;
  // An order held for the venue that must not go out: rejected unsent, why.
  using unsent_fn = std::function<void(const order_request&, const std::string& why)>;

  struct outcome {
    bool flushed = false;          // a batch was open and is now ended
    uint64_t records = 0;          // records the batch held
    journal_error commit_error;    // the batch's COMMIT, or SQLite's rollback of it
    int64_t replayed = 0;          // records written again, one transaction each
    int64_t lost = 0;              // state changes still not durable
    // Records of orders refused unjournaled (record_reject) still not
    // durable: a gap in the regulatory record, not in the order state, so
    // it does not halt trading; the shell logs and counts it.
    int64_t rejects_lost = 0;
    std::vector<client_order_id> not_durable; // submissions still not durable
    int64_t sent = 0;
    int64_t unsent = 0;
    std::string why; // the first error the replay met (empty when none)
  };

  explicit group_commit(order_journal& journal) : journal_(journal) {}

  // Opens a batch when the journal is open and none is. True when this call
  // opened one: the shell then asks for one flush. `err` is set when BEGIN
  // failed; records are then written one transaction each.
  bool open(journal_error& err);

  // Journals a submission (before the order is sent) or a state change,
  // inside the open batch when there is one, and keeps what a replay needs.
  // Outside a batch a state change whose write fails is tried once more;
  // `lost` tells the shell it still did not write.
  // `ctx`: what the regulatory record says besides the state (event_context).
  journal_error submitted(const order_request& req, timestamp_ns entered,
                          const event_context& ctx = {});
  journal_error updated(const order_record& rec, order_status previous, qty fill_qty,
                        price fill_price, bool& lost, const event_context& ctx = {});
  // An order refused before it was journaled (order_journal::record_reject).
  journal_error rejected(const order_request& req, const event_context& ctx,
                         const std::string& detail, timestamp_ns at);

  bool holding() const { return journal_.in_batch(); }
  // Held until flush(); `order` set for an order going to the venue.
  void hold(send_fn send, std::optional<order_request> order = std::nullopt);
  std::size_t held() const { return held_.size(); }

  // Commits the batch, replays what did not write, then sends what was held,
  // in order; orders whose submission is not durable (all of them once a
  // state change is lost) go to `unsent` instead.
  outcome flush(const unsent_fn& unsent);

private:
  enum class kind : uint8_t { update, submission, reject };
  struct entry {
    kind what = kind::update;
    order_record rec; // a submission: the request and when it entered pending_new
    order_status previous = order_status::pending_new;
    qty fill_qty;
    price fill_price;
    bool written = false; // in the batch's transaction
    event_context ctx{};
    std::string detail{}; // a reject's
  };
  struct held_send {
    send_fn send;
    std::optional<order_request> order;
  };

  journal_error write(const entry& e);
  void replay(outcome& out, bool commit_failed);

  order_journal& journal_;
  std::vector<entry> entries_;
  std::vector<held_send> held_;
};

} // namespace cwts::oms
