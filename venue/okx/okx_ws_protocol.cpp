#include "venue/okx/okx_ws_protocol.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/hmac.hpp"
#include "venue/json_writer.hpp"
#include "venue/okx/okx_auth.hpp"
#include "venue/okx/okx_json.hpp"

namespace cwts::venue::okx {

namespace {

namespace code {
constexpr int key_empty = 60001;
constexpr int sign_empty = 60002;
constexpr int passphrase_empty = 60003;
constexpr int bad_timestamp = 60004;
constexpr int bad_key = 60005;
constexpr int expired = 60006;
constexpr int bad_sign = 60007;
constexpr int log_in_first = 60011;
constexpr int invalid_request = 60012;
constexpr int invalid_args = 60013;
constexpr int no_such_channel = 60018;
constexpr int invalid_op = 60019;
constexpr int wrong_passphrase = 60024;
constexpr int wrong_url_for_op = 60028;
constexpr int logged_in_already = 60030;
} // namespace code

// An echoed frame is cut here: the error must stay small whatever was sent.
constexpr size_t max_echo = 256;

std::string echo(std::string_view frame) {
  return std::string(frame.substr(0, max_echo)) + (frame.size() > max_echo ? "..." : "");
}

const std::string* str_member(const json_value& v, std::string_view name) {
  auto* m = v.member(name);
  return m && m->type == json_value::kind::string ? &m->text : nullptr;
}

// An arg echoed back as sent: every member is a string (checked before).
void write_arg(json_writer& w, const json_value& arg) {
  w.key("arg").begin_object();
  for (auto& [name, value] : arg.members)
    w.field(name, value.text);
  w.end_object();
}

bool all_strings(const json_value& arg) {
  if (arg.type != json_value::kind::object) return false;
  for (auto& [name, value] : arg.members)
    if (value.type != json_value::kind::string) return false;
  return true;
}

std::string missing(std::string_view channel, const std::string* inst) {
  return "Wrong URL or channel:" + std::string(channel)
         + (inst ? ",instId:" + *inst : std::string()) + " doesn't exist. Please use the "
         "correct URL, channel and parameters referring to API document.";
}

bool order_op_name(std::string_view op) {
  return op == "order" || op == "cancel-order" || op == "amend-order" || op == "batch-orders"
         || op == "batch-cancel-orders" || op == "batch-amend-orders";
}

// The REST endpoint an op shares its validation and rate limit with.
std::string_view rest_path(std::string_view op) {
  if (op == "order") return "/api/v5/trade/order";
  if (op == "cancel-order") return "/api/v5/trade/cancel-order";
  if (op == "amend-order") return "/api/v5/trade/amend-order";
  if (op == "batch-orders") return "/api/v5/trade/batch-orders";
  if (op == "batch-cancel-orders") return "/api/v5/trade/cancel-batch-orders";
  return "/api/v5/trade/amend-batch-orders";
}

// OKX "Login": timestamp in Unix seconds ("1538054050"); SDKs that send
// fractional seconds ("1538054050.975") are read to the millisecond.
std::optional<int64_t> login_time_ms(const std::string& text) {
  auto dot = text.find('.');
  auto whole = text.substr(0, dot);
  int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  if (whole.empty() || ec != std::errc() || ptr != whole.data() + whole.size() || seconds < 0
      || seconds > 100'000'000'000)
    return std::nullopt;
  int64_t ms = 0;
  if (dot != std::string::npos) {
    auto frac = text.substr(dot + 1);
    if (frac.empty() || frac.size() > 9) return std::nullopt;
    for (size_t i = 0; i < frac.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(frac[i]))) return std::nullopt;
      if (i < 3) ms = ms * 10 + (frac[i] - '0');
    }
    for (size_t i = frac.size(); i < 3; ++i)
      ms *= 10;
  }
  return seconds * 1000 + ms;
}

// OKX "id": 1-32 letters and digits.
bool id_ok(const std::string& id) {
  if (id.empty() || id.size() > 32) return false;
  for (unsigned char c : id)
    if (!std::isalnum(c)) return false;
  return true;
}

} // namespace

std::string ws_handler::error(int c, std::string_view msg, const ws_state& s) {
  stats_.count_reject(c);
  json_writer w;
  w.begin_object().field("event", "error").field("code", std::to_string(c)).field("msg", msg)
    .field("connId", s.conn_id).end_object();
  return w.take();
}

ws_outcome ws_handler::handle(std::string_view frame, ws_state& s, int64_t now_ms) {
  ws_outcome out;
  // OKX keeps connections alive with the text "ping", answered "pong".
  if (frame == "ping") {
    out.frames.push_back("pong");
    return out;
  }
  auto parsed = parse_json(frame);
  auto* req = std::get_if<json_value>(&parsed);
  const std::string* op = req ? str_member(*req, "op") : nullptr;
  if (!op) {
    out.frames.push_back(error(code::invalid_request, "Invalid request: " + echo(frame), s));
    return out;
  }
  if (*op == "subscribe" || *op == "unsubscribe") {
    subscribe(*req, *op == "subscribe", s, out);
  } else if (*op == "login") {
    login(*req, s, out, now_ms);
  } else if (order_op_name(*op)) {
    order_op(*req, *op, s, out, now_ms);
  } else {
    out.frames.push_back(error(code::invalid_op, "Invalid op: " + echo(*op), s));
  }
  return out;
}

void ws_handler::subscribe(const json_value& req, bool on, ws_state& s, ws_outcome& out) {
  auto* args = req.member("args");
  if (!args || args->type != json_value::kind::array || args->items.empty()) {
    out.frames.push_back(error(code::invalid_request, "Invalid request: args must be a non-empty "
                                                      "array of channel objects", s));
    return;
  }
  // Every arg is checked before any applies: one bad arg refuses the request.
  for (auto& arg : args->items) {
    auto* channel = all_strings(arg) ? str_member(arg, "channel") : nullptr;
    if (!channel) {
      out.frames.push_back(error(code::invalid_request, "Invalid request: each arg must be an "
                                                        "object of strings with a channel", s));
      return;
    }
    auto* inst = str_member(arg, "instId");
    if (*channel == "orders" || *channel == "account") {
      if (s.endpoint != ws_endpoint::private_)
        return out.frames.push_back(error(code::no_such_channel, missing(*channel, inst), s));
      if (on && s.account.empty())
        return out.frames.push_back(error(code::log_in_first, "Please log in", s));
      auto* type = str_member(arg, "instType");
      if (*channel == "orders" && (!type || (*type != "SPOT" && *type != "ANY")))
        return out.frames.push_back(error(code::invalid_args, "Invalid args: orders needs "
                                                              "instType SPOT or ANY", s));
      if (*channel == "orders" && inst && !okx_find_instrument(trade_.engine(), *inst))
        return out.frames.push_back(error(code::no_such_channel, missing(*channel, inst), s));
      continue;
    }
    auto where = market_channel_endpoint(*channel);
    if (!where || *where != s.endpoint || !inst || !okx_find_instrument(trade_.engine(), *inst))
      return out.frames.push_back(error(code::no_such_channel, missing(*channel, inst), s));
  }
  size_t adding = on ? args->items.size() : 0;
  if (s.subscriptions() + adding > max_ws_subscriptions) {
    out.frames.push_back(error(code::invalid_request, "Invalid request: at most "
                                 + std::to_string(max_ws_subscriptions)
                                 + " subscriptions per connection", s));
    return;
  }
  for (auto& arg : args->items) {
    auto& channel = *str_member(arg, "channel");
    auto* inst = str_member(arg, "instId");
    if (channel == "orders" || channel == "account") {
      bool orders = channel == "orders";
      private_sub sub{channel, inst && orders ? *inst : std::string(),
                      orders ? *str_member(arg, "instType") : std::string()};
      auto& v = s.privates;
      auto it = std::find(v.begin(), v.end(), sub);
      if (on && it == v.end()) {
        v.push_back(sub);
        out.account_subscribed = out.account_subscribed || channel == "account";
      }
      if (!on && it != v.end()) v.erase(it);
    } else {
      channel_key key{channel, *inst};
      if (on && s.market.insert(key).second) {
        if (channel == "books") s.awaiting_snapshot.insert(key);
        out.subscribed.push_back(key);
      }
      if (!on) {
        s.market.erase(key);
        s.awaiting_snapshot.erase(key);
      }
    }
    json_writer w;
    w.begin_object().field("event", on ? "subscribe" : "unsubscribe");
    write_arg(w, arg);
    w.field("connId", s.conn_id).end_object();
    out.frames.push_back(w.take());
  }
}

void ws_handler::login(const json_value& req, ws_state& s, ws_outcome& out, int64_t now_ms) {
  auto* args = req.member("args");
  if (!args || args->type != json_value::kind::array || args->items.size() != 1
      || !all_strings(args->items[0])) {
    out.frames.push_back(error(code::invalid_request, "Invalid request: login takes one arg "
                                                      "object of strings", s));
    return;
  }
  auto& arg = args->items[0];
  auto fail = [&](int c, std::string_view msg) { out.frames.push_back(error(c, msg, s)); };
  auto* key = str_member(arg, "apiKey");
  auto* passphrase = str_member(arg, "passphrase");
  auto* timestamp = str_member(arg, "timestamp");
  auto* sign = str_member(arg, "sign");
  if (!key || key->empty()) return fail(code::key_empty, "apiKey can not be empty");
  if (!sign || sign->empty()) return fail(code::sign_empty, "sign can not be empty");
  if (!passphrase || passphrase->empty())
    return fail(code::passphrase_empty, "passphrase can not be empty");
  auto login_ms = timestamp ? login_time_ms(*timestamp) : std::nullopt;
  if (!login_ms)
    return fail(code::bad_timestamp, "Invalid timestamp: Unix time in seconds expected");
  auto skew = *login_ms - now_ms;
  if (skew > login_window_ms || skew < -login_window_ms)
    return fail(code::expired, "Timestamp request expired");
  auto* account = keys_.find(*key);
  if (!account) return fail(code::bad_key, "Invalid apiKey");
  if (!okx_passphrase_ok(*account, *passphrase)) return fail(code::wrong_passphrase, "Wrong passphrase");
  // OKX "Login": sign over timestamp + "GET" + "/users/self/verify".
  if (!signatures_equal(okx_sign(account->secret, *timestamp + "GET/users/self/verify"), *sign))
    return fail(code::bad_sign, "Invalid sign");
  if (!s.account.empty() && s.account != account->name)
    return fail(code::logged_in_already,
                "The WebSocket endpoint does not allow multiple or repeated logins.");
  s.account = account->name;
  json_writer w;
  w.begin_object().field("event", "login").field("code", "0").field("msg", "")
    .field("connId", s.conn_id).end_object();
  out.frames.push_back(w.take());
}

void ws_handler::order_op(const json_value& req, std::string_view op, ws_state& s,
                          ws_outcome& out, int64_t now_ms) {
  auto* id = str_member(req, "id");
  if (!id || !id_ok(*id)) {
    out.frames.push_back(error(code::invalid_request,
                               "Invalid request: id must be 1-32 letters and digits", s));
    return;
  }
  out.order_op = true;
  auto reply = [&](int c, std::string_view msg, const std::vector<okx_result>& data) {
    if (c != 0) stats_.count_reject(c);
    auto in_us = std::to_string(now_ms * 1000);
    json_writer w;
    w.begin_object().field("id", *id).field("op", op).field("code", std::to_string(c))
      .field("msg", msg).key("data").begin_array();
    for (auto& r : data)
      write_okx_result(w, r, op == "amend-order" || op == "batch-amend-orders");
    w.end_array().field("inTime", in_us).field("outTime", in_us).end_object();
    out.frames.push_back(w.take());
  };
  if (s.endpoint != ws_endpoint::private_)
    return reply(code::wrong_url_for_op, "The current operation is not supported by this URL. "
                                         "Please use the correct WebSocket URL for the operation.",
                 {});
  if (s.account.empty()) return reply(code::log_in_first, "Please log in", {});
  if (auto limited = limits_.charge("POST", rest_path(op), s.account, now_ms))
    return reply(limited->code, limited->msg, {});
  auto* args = req.member("args");
  bool batch = op.substr(0, 6) == "batch-";
  if (!args || args->type != json_value::kind::array || args->items.empty()
      || (!batch && args->items.size() != 1))
    return reply(code::invalid_args, "Invalid args", {});
  // ws-api-unavailable: the reply says nothing about the execution, which
  // happens only when unavailable-executes is set.
  auto unavailable = faults_.take_ws_api_unavailable();
  std::vector<okx_result> results;
  std::optional<okx_error> refused;
  if (!unavailable || *unavailable) {
    if (batch) {
      auto b = op == "batch-orders"          ? trade_.place_batch(*args, s.account, now_ms)
               : op == "batch-cancel-orders" ? trade_.cancel_batch(*args, s.account, now_ms)
                                             : trade_.amend_batch(*args, s.account, now_ms);
      refused = b.error;
      results = std::move(b.results);
    } else {
      auto& arg = args->items[0];
      results.push_back(op == "order"          ? trade_.place_order(arg, s.account, now_ms)
                        : op == "cancel-order" ? trade_.cancel_order(arg, s.account, now_ms)
                                               : trade_.amend_order(arg, s.account, now_ms));
    }
  }
  if (unavailable)
    return reply(okx_code::service_unavailable,
                 "Service temporarily unavailable, please try again later.", {});
  if (refused) return reply(refused->code, refused->msg, {});
  auto c = okx_batch_code(results);
  reply(c, okx_batch_msg(c), results);
}

std::string private_frame(const private_sub& sub, const std::string& uid,
                          const std::string& data) {
  json_writer w;
  w.begin_object().key("arg").begin_object().field("channel", sub.channel);
  if (sub.channel == "orders") {
    w.field("instType", sub.inst_type);
    if (!sub.inst.empty()) w.field("instId", sub.inst);
  }
  w.field("uid", uid).end_object().key("data").begin_array().raw(data).end_array().end_object();
  return w.take();
}

} // namespace cwts::venue::okx
