#include "venue/kraken/kraken_ws_protocol.hpp"

#include "venue/json_writer.hpp"

namespace cwts::venue::kraken {

namespace {

namespace error {
constexpr std::string_view malformed = "Malformed request";
constexpr std::string_view no_such_method = "Event(s) not found";
constexpr std::string_view invalid_depth = "Invalid depth";
constexpr std::string_view invalid_interval = "Invalid interval";
constexpr std::string_view already = "Already subscribed";
constexpr std::string_view not_subscribed = "Subscription not found";
constexpr std::string_view limit = "Subscription limit exceeded";
constexpr std::string_view no_permission = "EAccount:Invalid permissions";
constexpr std::string_view bad_session = "ESession:Invalid session";
} // namespace error

const json_value* typed(const json_value& v, std::string_view name, json_value::kind k) {
  auto* m = v.member(name);
  return m && m->type == k ? m : nullptr;
}

// A member that is present but not of kind `k` makes the request malformed.
bool wrong_type(const json_value& v, std::string_view name, json_value::kind k) {
  auto* m = v.member(name);
  return m && m->type != k;
}

// An integer member (absent: `fallback`); nullopt when not an integer.
std::optional<int64_t> int_member(const json_value& v, std::string_view name, int64_t fallback) {
  auto* m = v.member(name);
  if (!m) return fallback;
  if (m->type != json_value::kind::number || m->text.empty()) return std::nullopt;
  int64_t out = 0;
  for (size_t i = 0; i < m->text.size(); ++i) {
    char c = m->text[i];
    if (c < '0' || c > '9' || i > 9) return std::nullopt;
    out = out * 10 + (c - '0');
  }
  return out;
}

bool is_public(std::string_view c) {
  return c == "book" || c == "trade" || c == "ticker" || c == "ohlc" || c == "instrument";
}

void write_meta_tail(json_writer& w, const request_meta& m) {
  auto t = rfc3339(m.time_in_ms);
  w.field("time_in", t).field("time_out", t);
  if (m.req_id) w.key("req_id").raw(*m.req_id);
}

} // namespace

std::string error_reply(const request_meta& m, std::string_view err,
                        std::optional<std::string_view> symbol) {
  json_writer w;
  w.begin_object().field("error", err).field("method", m.method).field_bool("success", false);
  if (symbol) w.field("symbol", *symbol);
  write_meta_tail(w, m);
  w.end_object();
  return w.take();
}

std::string result_reply(const request_meta& m, std::string_view result_json) {
  json_writer w;
  w.begin_object().field("method", m.method).key("result").raw(result_json)
    .field_bool("success", true);
  write_meta_tail(w, m);
  w.end_object();
  return w.take();
}

std::string ws_handler::status_message(uint64_t connection_id) {
  json_writer w;
  w.begin_object().field("channel", "status").field("type", "update").key("data").begin_array()
    .begin_object().field("api_version", "v2").key("connection_id")
    .raw(std::to_string(connection_id)).field("system", "online").field("version", "2.0.0")
    .end_object().end_array().end_object();
  return w.take();
}

void ws_handler::fail(const request_meta& m, std::string_view err, ws_outcome& out,
                      std::optional<std::string_view> symbol) {
  if (count_) count_(std::string(err));
  out.frames.push_back(error_reply(m, err, symbol));
}

ws_outcome ws_handler::handle(std::string_view frame, ws_state& s, int64_t now_ms) {
  ws_outcome out;
  request_meta m;
  m.time_in_ms = now_ms;
  auto parsed = parse_json(frame);
  auto* req = std::get_if<json_value>(&parsed);
  if (!req || req->type != json_value::kind::object) {
    fail(m, error::malformed, out);
    return out;
  }
  if (auto* id = typed(*req, "req_id", json_value::kind::number)) m.req_id = id->text;
  auto* method = typed(*req, "method", json_value::kind::string);
  if (!method || wrong_type(*req, "req_id", json_value::kind::number)
      || wrong_type(*req, "params", json_value::kind::object)) {
    fail(m, error::malformed, out);
    return out;
  }
  m.method = method->text;
  static const json_value no_params{json_value::kind::object, false, {}, {}, {}};
  auto* params = req->member("params");
  if (!params) params = &no_params;
  if (m.method == "ping") {
    json_writer w;
    w.begin_object().field("method", "pong");
    write_meta_tail(w, m);
    w.end_object();
    out.frames.push_back(w.take());
  } else if (m.method == "subscribe" || m.method == "unsubscribe") {
    subscribe(m, *params, m.method == "subscribe", s, out, now_ms);
  } else if (orders_ && orders_->handles(m.method)) {
    out.order_op = true;
    if (auto account = authorise(m, *params, s, out, now_ms))
      orders_->run(m, *params, *account, out.frames);
  } else {
    fail(m, error::no_such_method, out);
  }
  return out;
}

std::optional<std::string> ws_handler::authorise(const request_meta& m, const json_value& params,
                                                 ws_state& s, ws_outcome& out, int64_t now_ms) {
  auto* token = typed(params, "token", json_value::kind::string);
  if (!token || token->text.empty()) {
    fail(m, error::no_permission, out);
    return std::nullopt;
  }
  // The connection's own token stays valid while the connection lives.
  if (!s.token.empty() && token->text == s.token) return s.account;
  auto account = tokens_ ? tokens_(token->text, now_ms) : std::nullopt;
  if (!account) {
    fail(m, error::bad_session, out);
    return std::nullopt;
  }
  // One account per connection: the first token decides it.
  if (!s.account.empty() && s.account != *account) {
    fail(m, error::no_permission, out);
    return std::nullopt;
  }
  s.account = *account;
  s.token = token->text;
  return account;
}

void ws_handler::subscribe(const request_meta& m, const json_value& params, bool on,
                           ws_state& s, ws_outcome& out, int64_t now_ms) {
  auto* channel = typed(params, "channel", json_value::kind::string);
  if (!channel) return fail(m, error::malformed, out);
  auto& c = channel->text;
  if (c == "executions" || c == "balances")
    return private_subscribe(m, params, on, c, s, out, now_ms);
  if (!is_public(c)) return fail(m, "Channel " + c + " not found", out);
  if (wrong_type(params, "snapshot", json_value::kind::boolean)
      || (c != "instrument" && !typed(params, "symbol", json_value::kind::array)))
    return fail(m, error::malformed, out);
  auto* snap = typed(params, "snapshot", json_value::kind::boolean);
  bool snapshot = !snap || snap->flag;
  int64_t param = 0;
  if (c == "book") {
    auto depth = int_member(params, "depth", default_book_depth);
    if (!depth || !valid_book_depth(*depth)) return fail(m, error::invalid_depth, out);
    param = *depth;
  } else if (c == "ohlc") {
    auto interval = int_member(params, "interval", 1);
    if (!interval || !valid_ohlc_interval(*interval)) return fail(m, error::invalid_interval, out);
    param = *interval;
  }
  std::vector<std::string> symbols;
  if (c == "instrument") {
    symbols.emplace_back();
  } else {
    auto& list = params.member("symbol")->items;
    if (list.empty()) return fail(m, error::malformed, out);
    for (auto& item : list) {
      if (item.type != json_value::kind::string) return fail(m, error::malformed, out);
      symbols.push_back(item.text);
    }
  }
  // One ack per symbol: each is subscribed or refused on its own.
  for (auto& sym : symbols) {
    std::optional<std::string_view> echo;
    if (c != "instrument") echo = sym;
    if (c != "instrument" && !find_pair(engine_, sym)) {
      fail(m, "Currency pair not supported " + sym, out, echo);
      continue;
    }
    sub_key key{c, sym, param};
    bool held = s.market.count(key) > 0;
    if (on && held) {
      fail(m, error::already, out, echo);
      continue;
    }
    if (!on && !held) {
      fail(m, error::not_subscribed, out, echo);
      continue;
    }
    if (on && s.subscriptions() >= max_ws_subscriptions) {
      fail(m, error::limit, out, echo);
      continue;
    }
    if (on) {
      s.market.insert(key);
      if (c == "book") {
        s.awaiting_snapshot.insert(key);
      } else if (snapshot) {
        out.subscribed.push_back(key);
      }
    } else {
      s.market.erase(key);
      s.awaiting_snapshot.erase(key);
    }
    json_writer r;
    r.begin_object().field("channel", c);
    if (echo) r.field("symbol", *echo);
    if (c == "book") r.field_num("depth", param);
    if (c == "ohlc") r.field_num("interval", param);
    if (on) r.field_bool("snapshot", snapshot);
    r.end_object();
    out.frames.push_back(result_reply(m, r.take()));
  }
}

void ws_handler::private_subscribe(const request_meta& m, const json_value& params, bool on,
                                   const std::string& channel, ws_state& s, ws_outcome& out,
                                   int64_t now_ms) {
  bool executions = channel == "executions";
  auto snap_name = executions ? "snap_orders" : "snapshot";
  if (wrong_type(params, snap_name, json_value::kind::boolean))
    return fail(m, error::malformed, out);
  if (!authorise(m, params, s, out, now_ms)) return;
  auto& held = executions ? s.executions : s.balances;
  if (on && held) return fail(m, error::already, out);
  if (!on && !held) return fail(m, error::not_subscribed, out);
  if (on && s.subscriptions() >= max_ws_subscriptions) return fail(m, error::limit, out);
  held = on;
  auto* snap = typed(params, snap_name, json_value::kind::boolean);
  bool snapshot = !snap || snap->flag;
  if (on && snapshot) (executions ? out.executions_subscribed : out.balances_subscribed) = true;
  json_writer r;
  r.begin_object().field("channel", channel);
  if (on) r.field_bool("snapshot", snapshot);
  r.end_object();
  out.frames.push_back(result_reply(m, r.take()));
}

} // namespace cwts::venue::kraken
