#include "actors/connector/okx/okx_ws_orders.hpp"

#include <sys/socket.h>

#include <cerrno>

#include <rapidjson/document.h>

#include "actors/connector/blocking_ws.hpp"
#include "messages/time.hpp"

namespace cwts::connector::okx {

using clock_type = std::chrono::steady_clock;

// One blocking WebSocket connection (blocking_ws.hpp).
struct okx_ws_orders::impl : blocking_ws {
  using blocking_ws::blocking_ws;

  // Nothing arrives unasked on this connection (no subscriptions): bytes
  // waiting, or the peer's FIN, mean the venue is closing it. Peeked, so
  // nothing is consumed; never blocks.
  bool peer_closing() {
    if (!ws.has_stream())
      return true;
    char probe = 0;
    auto n = ::recv(ws.tcp().socket().native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
    return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
  }
};

namespace {

std::string string_member(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

} // namespace

okx_ws_orders::okx_ws_orders(okx_ws_config cfg)
  : cfg_(std::move(cfg)), impl_(std::make_unique<impl>(cfg_.tls, cfg_.ca_file)) {}

okx_ws_orders::~okx_ws_orders() {
  if (impl_->up)
    impl_->ws.close_socket();
}

bool okx_ws_orders::connected() const {
  return impl_->up;
}

// Connect, then op login; up once {"event":"login","code":"0"} came.
bool okx_ws_orders::ensure_connected() {
  if (impl_->up && clock_type::now() - last_used_ < cfg_.idle_reconnect && !impl_->peer_closing())
    return true;
  if (impl_->up)
    impl_->drop(); // idle or closing: an order sent on it could get no answer
  if (clock_type::now() < retry_at_)
    return false;
  retry_at_ = clock_type::now() + cfg_.retry_pause;
  ++connections_;
  ws_open_step step = ws_open_step::none;
  if (auto ec = impl_->open(cfg_, step)) {
    impl_->drop();
    last_connect_error_ = std::string(step == ws_open_step::none ? "timeout" : to_string(step))
                          + ": " + ec.message();
    return false;
  }
  auto deadline = clock_type::now() + cfg_.login_timeout;
  auto secs = (wall_clock_now().millis() + time_offset_ms_) / 1000;
  if (auto ec = impl_->write(login_request(cfg_.credentials, secs), deadline)) {
    last_connect_error_ = "login: " + ec.message();
    return false;
  }
  for (;;) {
    std::string frame;
    if (auto ec = impl_->read(frame, deadline)) {
      last_connect_error_ = "login: " + ec.message();
      return false;
    }
    rapidjson::Document doc;
    doc.Parse(frame.data(), frame.size());
    if (doc.HasParseError() || !doc.IsObject())
      continue; // "pong" or noise before the answer
    auto event = string_member(doc, "event");
    if (event == "login" && string_member(doc, "code") == "0") {
      ++logins_;
      impl_->up = true;
      retry_at_ = {}; // a later loss may reconnect at once
      last_used_ = clock_type::now();
      return true;
    }
    if (event == "login" || event == "error") {
      impl_->drop();
      last_connect_error_ = "login refused: code=" + string_member(doc, "code")
                            + " msg=" + string_member(doc, "msg");
      return false;
    }
  }
}

okx_reply<okx_ack> okx_ws_orders::call(const std::string& op, const std::string& args) {
  okx_reply<okx_ack> out;
  auto started = clock_type::now();
  if (!ensure_connected()) {
    out.kind = reply_kind::not_sent;
    out.detail = "private WebSocket down: " + last_connect_error_;
    return out;
  }
  // docs-v5: id, up to 32 alphanumerics.
  auto id = "c" + std::to_string(next_id_++);
  auto deadline = started + cfg_.request_timeout;
  ++requests_;
  auto finish = [&](reply_kind kind, std::string detail) {
    out.kind = kind;
    out.detail = std::move(detail);
    out.rtt_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - started)
                   .count();
    last_used_ = clock_type::now();
    if (kind == reply_kind::unknown)
      impl_->drop(); // answers may now be out of step with requests
    return out;
  };
  if (auto ec = impl_->write(ws_op(id, op, args), deadline))
    return finish(reply_kind::unknown, "WebSocket " + op + ": " + ec.message());
  for (;;) {
    std::string frame;
    if (auto ec = impl_->read(frame, deadline))
      return finish(reply_kind::unknown, "WebSocket " + op + ": " + ec.message());
    auto env = parse_envelope(frame);
    if (!env)
      continue; // "pong", or a frame of no request of ours
    if (string_member(env.value().doc, "id") != id) {
      if (string_member(env.value().doc, "event") == "error")
        return finish(reply_kind::unknown, "WebSocket error event: code=" + env.value().code
                                             + " msg=" + env.value().msg);
      continue;
    }
    auto acks = parse_acks(env.value());
    if (!acks || acks.value().empty()) {
      out.code = env.value().code;
      out.msg = env.value().msg;
      bool unknown = env.value().ok() || effect_of(out.code) == code_effect::unknown;
      return finish(unknown ? reply_kind::unknown : reply_kind::rejected,
                    "WebSocket " + op + " code=" + out.code + " msg=" + out.msg);
    }
    out.value = acks.value().front();
    if (out.value.s_code == "0" && env.value().ok())
      return finish(reply_kind::ok, {});
    out.code = out.value.s_code;
    out.msg = out.value.s_msg;
    bool unknown = effect_of(out.code) == code_effect::unknown;
    return finish(unknown ? reply_kind::unknown : reply_kind::rejected,
                  "sCode=" + out.code + " sMsg=" + out.msg);
  }
}

okx_reply<okx_ack> okx_ws_orders::place(const order_request& req, const std::string& inst_id,
                                        const std::string& cl_ord_id) {
  return call("order", order_args(req, inst_id, cl_ord_id));
}

okx_reply<okx_ack> okx_ws_orders::cancel(const std::string& inst_id, const std::string& cl_ord_id) {
  return call("cancel-order", cancel_args(inst_id, cl_ord_id));
}

okx_reply<okx_ack> okx_ws_orders::amend(const std::string& inst_id, const std::string& cl_ord_id,
                                        const qty& new_sz, const price& new_px) {
  return call("amend-order", amend_args(inst_id, cl_ord_id, new_sz, new_px));
}

} // namespace cwts::connector::okx
