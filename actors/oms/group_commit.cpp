#include "actors/oms/group_commit.hpp"

#include <algorithm>
#include <utility>

namespace cwts::oms {

bool group_commit::open(journal_error& err) {
  err = {};
  if (!journal_.is_open() || journal_.in_batch())
    return false;
  err = journal_.begin_batch();
  return !err;
}

journal_error group_commit::write(const entry& e) {
  switch (e.what) {
    case kind::submission:
      return journal_.record_submitted(
        e.rec.request, e.rec.entered_at[index_of(order_status::pending_new)], e.ctx);
    case kind::reject: return journal_.record_reject(e.rec.request, e.ctx, e.detail, e.rec.last_update);
    case kind::update: break;
  }
  return journal_.record_update(e.rec, e.previous, e.fill_qty, e.fill_price, e.ctx);
}

journal_error group_commit::submitted(const order_request& req, timestamp_ns entered,
                                      const event_context& ctx) {
  entry e;
  e.what = kind::submission;
  e.ctx = ctx;
  e.rec.request = req;
  e.rec.leaves_qty = req.quantity;
  e.rec.entered_at[index_of(order_status::pending_new)] = entered;
  e.rec.last_update = entered;
  auto err = write(e);
  // A submission that did not write is refused by the shell at once (its
  // order is rejected unsent): nothing of it to replay.
  if (journal_.in_batch() && !err) {
    e.written = true;
    entries_.push_back(std::move(e));
  }
  return err;
}

journal_error group_commit::updated(const order_record& rec, order_status previous, qty fill_qty,
                                    price fill_price, bool& lost, const event_context& ctx) {
  lost = false;
  entry e{kind::update, rec, previous, fill_qty, fill_price, false, ctx, {}};
  auto err = write(e);
  // Only a write the journal could not do is retried: an unknown order or a
  // closed journal fails the same way every time.
  bool retry = err.code == journal_errc::write_failed;
  if (journal_.in_batch()) {
    if (!err || retry) {
      e.written = !err;
      entries_.push_back(std::move(e));
    }
    return err;
  }
  if (retry) {
    err = write(e);
    lost = static_cast<bool>(err);
  }
  return err;
}

journal_error group_commit::rejected(const order_request& req, const event_context& ctx,
                                     const std::string& detail, timestamp_ns at) {
  entry e;
  e.what = kind::reject;
  e.rec.request = req;
  e.rec.last_update = at;
  e.ctx = ctx;
  e.detail = detail;
  auto err = write(e);
  // Kept for a replay like a state change: a failed commit writes it again.
  if (journal_.in_batch() && (!err || err.code == journal_errc::write_failed)) {
    e.written = !err;
    entries_.push_back(std::move(e));
  } else if (err.code == journal_errc::write_failed) {
    err = write(e);
  }
  return err;
}

void group_commit::hold(send_fn send, std::optional<order_request> order) {
  held_.push_back(held_send{std::move(send), std::move(order)});
}

// Every record that is not durable now, in its first order: all of the batch
// when the commit failed, else only the state changes whose write failed.
void group_commit::replay(outcome& out, bool commit_failed) {
  for (auto& e : entries_) {
    if (e.written && !commit_failed)
      continue;
    ++out.replayed;
    auto err = write(e);
    if (!err)
      continue;
    if (out.why.empty())
      out.why = err.message();
    if (e.what == kind::submission)
      out.not_durable.push_back(e.rec.request.id);
    else if (e.what == kind::reject)
      ++out.rejects_lost;
    else
      ++out.lost;
  }
  entries_.clear();
}

group_commit::outcome group_commit::flush(const unsent_fn& unsent) {
  outcome out;
  if (journal_.in_batch()) {
    out.flushed = true;
    out.records = journal_.batch_records();
    out.commit_error = journal_.commit_batch();
    replay(out, static_cast<bool>(out.commit_error));
  }
  entries_.clear();
  auto held = std::exchange(held_, {});
  for (auto& h : held) {
    if (h.order) {
      bool refused = out.lost > 0
                     || std::find(out.not_durable.begin(), out.not_durable.end(), h.order->id)
                          != out.not_durable.end();
      if (refused) {
        ++out.unsent;
        unsent(*h.order, out.lost > 0 ? "journal unreliable: " + std::to_string(out.lost)
                                          + " state changes not durable (" + out.why + ")"
                                      : "journal commit failed, submission not durable: "
                                          + out.why);
        continue;
      }
    }
    ++out.sent;
    h.send();
  }
  return out;
}

} // namespace cwts::oms
