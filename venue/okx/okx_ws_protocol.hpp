#pragma once
// One OKX v5 WebSocket connection's requests, without sockets: the venue
// side of "WebSocket > Connect / Login / Subscribe / Unsubscribe" and the
// order ops of "Trade > WS" (place, cancel, amend, their batch forms).
//
//   "ping"                                  -> "pong" (text, not JSON)
//   {"op":"subscribe","args":[{"channel":"books","instId":"USD-CHF"}]}
//        -> {"event":"subscribe","arg":{…},"connId":"…"} per arg
//   {"op":"unsubscribe","args":[…]}          -> {"event":"unsubscribe",…} per arg
//   {"op":"login","args":[{"apiKey","passphrase","timestamp","sign"}]}
//        sign = base64(HMAC-SHA256(secret, timestamp + "GET" + "/users/self/verify")),
//        timestamp in Unix seconds within 30 s of the venue's clock
//        -> {"event":"login","code":"0","msg":"","connId":"…"}
//   {"id":"1512","op":"order"|"cancel-order"|"amend-order"|"batch-orders"|
//    "batch-cancel-orders"|"batch-amend-orders","args":[…]}
//        -> {"id","op","code","msg","data":[{ordId,clOrdId,tag,ts,sCode,sMsg}],"inTime","outTime"}
//        (okx_trade.hpp's operations: the same validation and sCodes as REST)
// Connection errors are {"event":"error","code":<code>,"msg":<text>,"connId":<id>}:
//   60012 invalid request (not JSON, no op, bad args shape), 60018 channel or
//   instId that does not exist on this URL, 60019 unknown op, 60011 private
//   channel or order op before login, 60001/60002/60003/60004 login field
//   missing or timestamp unreadable, 60006 timestamp outside 30 s, 60005
//   unknown apiKey, 60024 wrong passphrase, 60007 bad sign, 60030 a second
//   login, 60028 an order op on a public URL. An order op's own errors use
//   the op reply shape, so the client matches them by id: 60011, 60013
//   (args), 50001 (ws-api-unavailable fault), 50011 (the REST endpoint's
//   rate limit per account and 2 s, shared with REST: okx_rest_api's
//   rate_limits()), and per order the 51000-series sCodes of okx_trade.
// Every error is counted by code (venue_stats rejects). Subscriptions are
// bounded per connection. The account channel's `ccy` filter is not
// supported (every currency is pushed).

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "venue/fault_plan.hpp"
#include "venue/json_reader.hpp"
#include "venue/okx/okx_rate_limit.hpp"
#include "venue/okx/okx_trade.hpp"
#include "venue/okx/okx_ws_market.hpp"
#include "venue/request_auth.hpp"
#include "venue/venue_stats.hpp"

namespace cwts::venue::okx {

inline constexpr size_t max_ws_subscriptions = 256;
// OKX "Login": the timestamp must be within 30 s of the server's time.
inline constexpr int64_t login_window_ms = 30'000;

// A private subscription (orders, account) and its arg as echoed in pushes.
struct private_sub {
  std::string channel;
  std::string inst;      // orders: only this instId when set
  std::string inst_type; // orders: SPOT or ANY, echoed in its pushes
  bool operator==(const private_sub& o) const {
    return channel == o.channel && inst == o.inst && inst_type == o.inst_type;
  }
};

struct ws_state {
  ws_endpoint endpoint = ws_endpoint::public_;
  std::string conn_id;
  std::set<channel_key> market;
  // books subscriptions whose snapshot has not been sent yet.
  std::set<channel_key> awaiting_snapshot;
  std::string account; // the logged-in account; empty before login
  std::vector<private_sub> privates;

  size_t subscriptions() const { return market.size() + privates.size(); }
};

struct ws_outcome {
  std::vector<std::string> frames;       // replies, in order
  std::vector<channel_key> subscribed;   // new market subscriptions (first pushes)
  bool account_subscribed = false;       // account channel: its first push
  bool order_op = false;                 // an order op ran (or was refused)
};

class ws_handler {
public:
  // `limits`: the REST surface's (okx_rest_api::rate_limits): an order op
  // and the same REST endpoint draw on one allowance per account.
  ws_handler(const key_store& keys, okx_trade& trade, okx_rate_limit& limits, fault_plan& faults,
             venue_stats& stats)
    : keys_(keys), trade_(trade), faults_(faults), stats_(stats), limits_(limits) {}

  ws_outcome handle(std::string_view frame, ws_state& s, int64_t now_ms);

private:
  void subscribe(const json_value& req, bool on, ws_state& s, ws_outcome& out);
  void login(const json_value& req, ws_state& s, ws_outcome& out, int64_t now_ms);
  void order_op(const json_value& req, std::string_view op, ws_state& s, ws_outcome& out,
                int64_t now_ms);
  std::string error(int code, std::string_view msg, const ws_state& s);

  const key_store& keys_;
  okx_trade& trade_;
  fault_plan& faults_;
  venue_stats& stats_;
  okx_rate_limit& limits_;
};

// A private push frame for one subscriber: {"arg":{channel,instType,instId,uid},"data":[data]}.
std::string private_frame(const private_sub& sub, const std::string& uid,
                          const std::string& data);

} // namespace cwts::venue::okx
