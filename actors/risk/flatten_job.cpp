#include "actors/risk/flatten_job.hpp"

#include <algorithm>
#include <utility>

namespace cwts::risk {

flatten_job::flatten_job(kill_command cmd, int64_t started_ns)
  : cmd_(std::move(cmd)), started_ns_(started_ns) {
}

flatten_round flatten_job::round(flatten_context& ctx) {
  auto plan = plan_flatten(cmd_, ctx.target, ctx.symbols, ctx.book, ctx.check.rules(), next_seq_,
                           ctx.wall_now);
  in_scope_ = plan.in_scope;
  flatten_round out;
  out.notes = std::move(plan.notes);
  if (!plan.orders.empty())
    ++rounds_;
  for (auto& o : plan.orders) {
    auto result = ctx.check.check(o, ctx.mode, ctx.refs, ctx.book, ctx.mono_now());
    if (!result.passed || !ctx.oms_wired) {
      ++orders_refused_;
      last_refusal_ = o.sym.str() + ": "
                      + (result.passed ? std::string("no OMS wired") : result.detail);
      out.refused.push_back(flatten_refusal{o, last_refusal_});
      continue;
    }
    ctx.book.on_order_sent(o, ctx.refs.get(o.sym).value_or(price{}));
    ++orders_sent_;
    out.send.push_back(o);
  }
  out.done = flat(ctx.book);
  return out;
}

flatten_round flatten_job::start(flatten_context& ctx) {
  return round(ctx);
}

flatten_round flatten_job::poll(flatten_context& ctx, int64_t now_ns, int64_t deadline_ns) {
  if (now_ns - started_ns_ >= deadline_ns) {
    flatten_round out;
    out.done = true;
    return out;
  }
  return round(ctx);
}

bool flatten_job::flat(const position_book& book) const {
  return open_positions(in_scope_, book).empty();
}

channel_result flatten_job::report(const position_book& book, const node_id& self,
                                   int64_t now_ns) const {
  auto open = open_positions(in_scope_, book);
  channel_result r{cmd_.id, self, "flatten", open.empty(), now_ns - started_ns_,
                   std::max(0, rounds_ - 1), 0, -1, ""};
  r.orders_sent = orders_sent_;
  r.positions_open_after = static_cast<int64_t>(open.size());
  for (auto& sym : open)
    r.error += sym.str() + " position " + book.get(sym).net.to_string() + " not flat; ";
  if (!last_refusal_.empty() && !open.empty())
    r.error += "last refusal: " + last_refusal_;
  return r;
}

} // namespace cwts::risk
