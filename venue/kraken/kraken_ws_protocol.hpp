#pragma once
// One Kraken WebSocket v2 connection's requests, without sockets: the venue
// side of "Spot Websockets (v2)" on path /v2 (public and private on the
// same path; private requests carry the token of GetWebSocketsToken).
//
//   on connect   {"channel":"status","type":"update","data":[{"api_version":"v2",
//                "connection_id":N,"system":"online","version":"2.0.0"}]}
//   {"method":"ping","req_id":N} -> {"method":"pong","req_id":N,"time_in","time_out"}
//   {"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":10,
//    "snapshot":true},"req_id":N}
//        -> one {"method":"subscribe","result":{"channel","symbol","depth",
//           "snapshot"},"success":true,"time_in","time_out","req_id"} per symbol,
//           or {"method":"subscribe","success":false,"error":"...","symbol",
//           "time_in","time_out","req_id"}
//   "unsubscribe" alike; "executions" / "balances" take "token" instead of
//   symbols (one ack without symbol). A book subscription always starts
//   with a snapshot ("snapshot": false is echoed but not honoured: without
//   one a client can verify no checksum); other channels honour it. Params
//   the venue does not know (event_trigger, snap_trades...) are ignored.
//   add_order, amend_order, cancel_order, cancel_all,
//   cancel_all_orders_after (token in params) -> kraken_ws_orders.hpp.
// Errors (Kraken's WS v2 strings): "Malformed request" (not a JSON object,
// params not an object, a field of the wrong type), "Event(s) not found"
// (unknown method), "Channel <name> not found" (unknown channel),
// "Currency pair not supported <symbol>", "Invalid depth", "Invalid
// interval", "Already subscribed", "Subscription not found",
// "EAccount:Invalid permissions" (private channel or method without a
// token, or a token of another account than the connection's),
// "ESession:Invalid session" (token unknown or expired, unless it is the
// token the connection is bound to: ws_state::token),
// "Subscription limit exceeded" (more than max_ws_subscriptions on one
// connection). Every error is counted by its text.

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "venue/json_reader.hpp"
#include "venue/kraken/kraken_ws_market.hpp"

namespace cwts::venue::kraken {

inline constexpr size_t max_ws_subscriptions = 256;

struct ws_state {
  uint64_t connection_id = 0;
  std::set<sub_key> market;
  // book subscriptions whose snapshot has not been sent yet.
  std::set<sub_key> awaiting_snapshot;
  // The connection's account and token, bound at the first successful
  // authorisation (a private subscription or an order method). Kraken's
  // GetWebSocketsToken: "the token does not expire once a successful
  // WebSockets connection and private subscription has been made and is
  // maintained", so this token is accepted on this connection afterwards
  // whatever the token store says (expiry, eviction of an account's oldest
  // token). Another token is checked as new; if it is valid for the same
  // account it becomes the bound one. One account per connection.
  std::string account;
  std::string token;
  bool executions = false;
  bool balances = false;
  // The last "sequence" of each private channel's messages on this connection.
  uint64_t executions_seq = 0;
  uint64_t balances_seq = 0;

  size_t subscriptions() const {
    return market.size() + (executions ? 1 : 0) + (balances ? 1 : 0);
  }
  bool subscribed_any() const { return subscriptions() > 0; }
};

struct ws_outcome {
  std::vector<std::string> frames;  // replies, in order
  std::vector<sub_key> subscribed;  // new market subscriptions (first pushes)
  bool executions_subscribed = false; // snap_orders: the open orders snapshot
  bool balances_subscribed = false;   // the balances snapshot
  bool order_op = false;              // an order method ran (or was refused)
};

// The request frame's req_id and the time it arrived, echoed in replies.
struct request_meta {
  std::string method;
  std::optional<std::string> req_id; // number text as sent
  int64_t time_in_ms = 0;
};

// {"method":…,"success":false,"error":…,["symbol":…],"time_in","time_out","req_id"}
std::string error_reply(const request_meta& m, std::string_view error,
                        std::optional<std::string_view> symbol = std::nullopt);
// {"method":…,"result":<result>,"success":true,"time_in","time_out","req_id"}
std::string result_reply(const request_meta& m, std::string_view result_json);

// The order methods (kraken_ws_orders.hpp) as the handler calls them: the
// account and `params` (the token already checked), the replies appended.
class order_methods {
public:
  virtual ~order_methods() = default;
  virtual bool handles(std::string_view method) const = 0;
  virtual void run(const request_meta& m, const json_value& params, const std::string& account,
                   std::vector<std::string>& replies) = 0;
};

class ws_handler {
public:
  // The account a GetWebSocketsToken token belongs to; nullopt when the
  // token is unknown or expired.
  using token_lookup = std::function<std::optional<std::string>(const std::string& token,
                                                                int64_t now_ms)>;
  // Counts an error reply by its text.
  using error_counter = std::function<void(const std::string& error)>;

  ws_handler(const matching_engine& engine, token_lookup tokens, order_methods* orders,
             error_counter count)
    : engine_(engine), tokens_(std::move(tokens)), orders_(orders), count_(std::move(count)) {}

  ws_outcome handle(std::string_view frame, ws_state& s, int64_t now_ms);

  // The status message sent on connect.
  static std::string status_message(uint64_t connection_id);

private:
  void subscribe(const request_meta& m, const json_value& params, bool on, ws_state& s,
                 ws_outcome& out, int64_t now_ms);
  void private_subscribe(const request_meta& m, const json_value& params, bool on,
                         const std::string& channel, ws_state& s, ws_outcome& out,
                         int64_t now_ms);
  // The account of the params' token (binding the connection to it at the
  // first success: ws_state::token), or the error reply sent.
  std::optional<std::string> authorise(const request_meta& m, const json_value& params,
                                       ws_state& s, ws_outcome& out, int64_t now_ms);
  void fail(const request_meta& m, std::string_view error, ws_outcome& out,
            std::optional<std::string_view> symbol = std::nullopt);

  const matching_engine& engine_;
  token_lookup tokens_;
  order_methods* orders_;
  error_counter count_;
};

} // namespace cwts::venue::kraken
