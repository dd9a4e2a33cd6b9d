#include "actors/connector/ws_api_orders.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "actors/connector/binance_codec.hpp"
#include "actors/connector/blocking_ws.hpp"
#include "actors/connector/tls_transport.hpp"
#include "actors/connector/user_data_codec.hpp"
#include "actors/connector/ws_client.hpp"

namespace cwts::connector {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

std::string validate(const ws_api_config& cfg) {
  if (auto why = validate_signed_endpoint(cfg); !why.empty())
    return why;
  if (cfg.recv_window_ms < 0 || cfg.recv_window_ms > 60000)
    return "recv_window_ms: must be 0..60000";
  if (cfg.connect_timeout.count() <= 0 || cfg.request_timeout.count() <= 0)
    return "connect_timeout/request_timeout: must be positive";
  return {};
}

std::string ws_api_signed_request(const std::string& id, const std::string& method,
                                  query_params params, const ws_api_config& cfg,
                                  int64_t timestamp_ms) {
  return ws_signed_request(id, method, std::move(params), cfg.api_key, cfg.secret,
                           cfg.recv_window_ms, timestamp_ms);
}

// One blocking WebSocket connection (blocking_ws.hpp).
struct ws_api_orders::impl : blocking_ws {
  using blocking_ws::blocking_ws;

  error_code connect(const ws_api_config& cfg, ws_open_step& failed_step) {
    auto result = open(cfg, failed_step);
    up = !result;
    return result;
  }

  // Writes one request and reads one answer. `wrote`: the write began.
  error_code exchange(const std::string& request, std::string& answer,
                      clock_type::time_point deadline, bool& wrote) {
    error_code result;
    bool done = false;
    wrote = true;
    ws.text(true);
    ws.async_write(asio::buffer(request), [&](error_code ec, std::size_t) {
      if (ec)
        {
                               result = ec;
                               done = true;
                               return;
                             }
      ws.async_read(buffer, [&](error_code e, std::size_t) {
        result = e;
        done = true;
      });
    });
    if (!run_until(done, deadline))
      return asio::error::timed_out;
    if (!result) {
      take_frame(answer);
    } else {
      drop();
    }
    return result;
  }
};

ws_api_orders::ws_api_orders(ws_api_config cfg)
  : cfg_(std::move(cfg)), impl_(std::make_unique<impl>(cfg_.tls, cfg_.ca_file)) {}

ws_api_orders::~ws_api_orders() {
  if (impl_->up)
    impl_->ws.close_socket();
}

bool ws_api_orders::connected() const {
  return impl_->up;
}

bool ws_api_orders::ensure_connected() {
  if (impl_->up)
    return true;
  ++connections_;
  ws_open_step step = ws_open_step::none;
  auto ec = impl_->connect(cfg_, step);
  if (!ec)
    return true;
  if (step == ws_open_step::tls_handshake)
    ++tls_failures_;
  last_connect_error_ = std::string(step == ws_open_step::none ? "timeout" : to_string(step)) + ": "
                        + ec.message();
  return false;
}

namespace {

// web-socket-api.md response: {"id","status","result"} or {"id","status","error":{code,msg}}.
// `result` is handed to `parse` as JSON text (the REST reply's shape).
// `id`: the id the answer must carry, or null to take any and report it in
// `got_id`; `retry_after_ms`: a rate-limit answer's data.retryAfter.
template <class T, class Parse>
void read_answer(std::string_view text, const std::string* id, Parse parse, venue_reply<T>& out,
                 std::string* got_id = nullptr, int64_t* retry_after_ms = nullptr) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    out.kind = reply_kind::unknown;
    out.detail = "unreadable WebSocket API answer";
    return;
  }
  auto rid = doc.FindMember("id");
  auto status = doc.FindMember("status");
  if (got_id && rid != doc.MemberEnd() && rid->value.IsString())
    got_id->assign(rid->value.GetString(), rid->value.GetStringLength());
  if (rid == doc.MemberEnd() || !rid->value.IsString() || (id && *id != rid->value.GetString())
      || status == doc.MemberEnd() || !status->value.IsInt()) {
    out.kind = reply_kind::unknown;
    out.detail = "WebSocket API answer without our id or a status";
    return;
  }
  out.http_status = static_cast<unsigned>(status->value.GetInt());
  auto result = doc.FindMember("result");
  if (out.http_status / 100 == 2 && result != doc.MemberEnd()) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    result->value.Accept(w);
    auto v = parse(std::string_view(buf.GetString(), buf.GetSize()));
    if (v) {
      out.kind = reply_kind::ok;
      out.value = std::move(v.value());
    } else {
      out.kind = reply_kind::unknown;
      out.detail = "unreadable success reply: " + v.error().reason;
    }
    return;
  }
  auto err = doc.FindMember("error");
  if (err != doc.MemberEnd() && err->value.IsObject()) {
    auto code = err->value.FindMember("code");
    auto msg = err->value.FindMember("msg");
    if (code != err->value.MemberEnd() && code->value.IsInt64())
      out.error.code = code->value.GetInt64();
    if (msg != err->value.MemberEnd() && msg->value.IsString())
      out.error.msg = msg->value.GetString();
    auto data = err->value.FindMember("data");
    if (retry_after_ms && data != err->value.MemberEnd() && data->value.IsObject()) {
      auto ra = data->value.FindMember("retryAfter");
      if (ra != data->value.MemberEnd() && ra->value.IsInt64())
        *retry_after_ms = ra->value.GetInt64();
    }
  }
  // Same rule as REST: a 5XX or -1007 leaves the execution status unknown.
  bool unknown = out.http_status >= 500 || out.error.code == code_backend_timeout;
  out.kind = unknown ? reply_kind::unknown : reply_kind::rejected;
  out.detail = "status " + std::to_string(out.http_status) + " code=" + std::to_string(out.error.code)
               + " msg=" + out.error.msg;
}

} // namespace

template <class T, class Parse>
venue_reply<T> ws_api_orders::call(const std::string& method, query_params params, Parse parse) {
  venue_reply<T> out;
  auto started = clock_type::now();
  if (!ensure_connected()) {
    out.kind = reply_kind::not_sent;
    out.detail = "WebSocket API connection down: " + last_connect_error_;
    return out;
  }
  auto id = "cwts-" + std::to_string(next_id_++);
  auto ts = wall_clock_now().ns / 1'000'000 + time_offset_ms_;
  auto request = ws_api_signed_request(id, method, std::move(params), cfg_, ts);
  std::string answer;
  bool wrote = false;
  ++requests_;
  auto ec = impl_->exchange(request, answer, started + cfg_.request_timeout, wrote);
  out.rtt_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - started).count();
  if (ec) {
    out.kind = wrote ? reply_kind::unknown : reply_kind::not_sent;
    out.detail = "WebSocket API " + method + ": " + ec.message();
    return out;
  }
  read_answer<T>(answer, &id, parse, out);
  if (out.kind == reply_kind::unknown)
    impl_->drop(); // answers may now be out of step with requests
  return out;
}

void read_ws_api_order_answer(std::string_view text, std::string& id, venue_reply<venue_order>& out,
                              int64_t& retry_after_ms) {
  read_answer<venue_order>(text, nullptr, parse_order, out, &id, &retry_after_ms);
}

venue_reply<venue_order> ws_api_orders::place_order(const order_request& req) {
  if (auto why = check_order(req); !why.empty()) {
    venue_reply<venue_order> out;
    out.kind = reply_kind::not_sent;
    out.detail = "invalid request: " + why;
    return out;
  }
  return call<venue_order>("order.place", order_params(req, cfg_.response_type), parse_order);
}

venue_reply<venue_order> ws_api_orders::cancel_order(const symbol& sym, const client_order_id& id) {
  return call<venue_order>("order.cancel", {{"symbol", sym.str()}, {"origClientOrderId", id.value}},
                           parse_order);
}

venue_reply<std::size_t> ws_api_orders::cancel_open_orders(const symbol& sym) {
  return call<std::size_t>("openOrders.cancelAll", {{"symbol", sym.str()}}, parse_array_length);
}

} // namespace cwts::connector
