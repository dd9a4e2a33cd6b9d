#pragma once
// OKX v5 order operations over the venue's matching engine, transport-free:
// REST (okx_rest_api) and the WebSocket order ops (`order`, `cancel-order`,
// `amend-order`, `batch-orders`, `batch-cancel-orders`) call the same code,
// so both answer alike.
//
// For the WebSocket side (V2): given the op's `args` element (a JSON
// object, parsed with venue/json_reader.hpp) and the logged-in account,
//   okx_result r = trade.place_order(arg, account, now_ms);   // op "order"
//   okx_result r = trade.cancel_order(arg, account, now_ms);  // op "cancel-order"
//   okx_result r = trade.amend_order(arg, account, now_ms);   // op "amend-order"
//   okx_batch  b = trade.place_batch(args, account, now_ms);  // op "batch-orders"
// and write each result with write_okx_result; the op reply's "code" is
// okx_batch_code(...) ("0", "1" all failed, "2" partial). The `orders`
// channel pushes write_okx_order (okx_json.hpp) of each engine order update.
// Every failed order is counted by its sCode in venue_stats.
//
// A market buy sized in the quote currency (OKX's default for spot, or
// tgtCcy=quote_ccy) buys the whole lots that sz of quote takes from the
// asks at the time of the order (the engine sizes orders in base).
// amend-order changes newPx and/or newSz in place keeping ordId and clOrdId
// (matching_engine::amend): a smaller size keeps queue priority, a new
// price or a larger size re-enters at the back of its level and trades
// first what it crosses; a post_only order whose new price would take is
// refused with 51511, unfunded terms with 51008 (the order unchanged), a
// newSz not above the filled size with 51000.
// Deviations from OKX, documented: a market sell must be sized in base; a
// post_only order that would take liquidity is refused with 51000 instead
// of being accepted and canceled; `tag` is echoed, not stored.

#include <cstdint>
#include <string>
#include <vector>

#include "venue/fault_plan.hpp"
#include "venue/json_reader.hpp"
#include "venue/json_writer.hpp"
#include "venue/matching_engine.hpp"
#include "venue/okx/okx_errors.hpp"
#include "venue/venue_stats.hpp"

namespace cwts::venue {

inline constexpr size_t okx_max_batch = 20; // batch-orders, cancel-batch-orders, amend-batch

// One order operation's outcome: the per-order data object.
struct okx_result {
  int s_code = 0; // 0 = done
  std::string s_msg;
  std::string ord_id;
  std::string cl_ord_id;
  std::string tag;
  std::string req_id; // amend only
  int64_t ts = 0;
  bool ok() const { return s_code == 0; }
};

// {"clOrdId","ordId","tag","ts","sCode","sMsg"} (+"reqId" when with_req_id).
void write_okx_result(json_writer& w, const okx_result& r, bool with_req_id = false);

// "0" when every result succeeded, "1" when all failed, "2" otherwise.
int okx_batch_code(const std::vector<okx_result>& results);
// The envelope's msg for that code ("", "All operations failed",
// "Batch operation partially succeeded").
const char* okx_batch_msg(int code);

// A batch call: either a request-level error (bad JSON shape, too many
// orders) or one result per element, in order.
struct okx_batch {
  std::optional<okx_error> error;
  std::vector<okx_result> results;
};

class okx_trade {
public:
  okx_trade(matching_engine& engine, fault_plan& faults, venue_stats& stats)
    : engine_(engine), faults_(faults), stats_(stats) {}

  // POST /api/v5/trade/order: instId, tdMode=cash, side, ordType
  // (limit|market|post_only|fok|ioc), sz, px (not for market), clOrdId
  // (1-32 letters/digits), tag, tgtCcy.
  okx_result place_order(const json_value& args, const std::string& account, int64_t now_ms);
  // POST /api/v5/trade/cancel-order: instId and ordId or clOrdId.
  okx_result cancel_order(const json_value& args, const std::string& account, int64_t now_ms);
  // POST /api/v5/trade/amend-order: instId, ordId or clOrdId, newSz (the new
  // total, fills included) and/or newPx (see above), reqId, cxlOnFail.
  okx_result amend_order(const json_value& args, const std::string& account, int64_t now_ms);

  // The batch forms: `list` must be a JSON array of 1..20 objects.
  okx_batch place_batch(const json_value& list, const std::string& account, int64_t now_ms);
  okx_batch cancel_batch(const json_value& list, const std::string& account, int64_t now_ms);
  okx_batch amend_batch(const json_value& list, const std::string& account, int64_t now_ms);

  // Cancels every open order of the account on every instrument (the
  // dead-man's switch); returns how many were canceled.
  size_t cancel_everything(const std::string& account, int64_t now_ms);

  matching_engine& engine() { return engine_; }

private:
  using op = okx_result (okx_trade::*)(const json_value&, const std::string&, int64_t);
  okx_batch batch(const json_value& list, const std::string& account, int64_t now_ms, op f,
                  int too_many_code);
  // The base quantity a quote-sized market buy of `budget` takes.
  std::optional<qty> base_for_quote(const symbol_rules& r, qty budget) const;
  // Counts a failed result by its sCode.
  okx_result counted(okx_result r);

  matching_engine& engine_;
  fault_plan& faults_;
  venue_stats& stats_;
};

// The OKX code for an engine refusal (-2010 insufficient balance -> 51008,
// LOT_SIZE -> 51121, ...).
okx_error okx_from_engine(const venue_error& e);

// A string-or-number argument's text; nullptr when absent or null.
const std::string* okx_arg(const json_value& args, std::string_view name);

} // namespace cwts::venue
