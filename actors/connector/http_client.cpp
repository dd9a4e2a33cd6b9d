#include "actors/connector/http_client.hpp"

#include <charconv>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include "messages/time.hpp"

namespace cwts::connector {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

bool is_timeout(const error_code& ec) {
  return ec == beast::error::timeout || ec == asio::error::timed_out;
}

bool is_closed(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof
         || ec == asio::error::connection_reset || ec == asio::error::broken_pipe
         || ec == http::error::partial_message || ec == asio::error::connection_aborted;
}

// After the write began, nothing says whether the server acted on it.
http_error after_write_error(const error_code& ec) {
  auto f = http_failure::connection_closed;
  if (is_timeout(ec))
    f = http_failure::timeout;
  else if (!is_closed(ec) && ec.category() == http::make_error_code(http::error::bad_version).category())
    f = http_failure::protocol_error; // the bytes that came back were not HTTP
  return http_error{f, delivery::unknown, "request: " + ec.message(), 0};
}

std::optional<int64_t> parse_header_int(const http_response_message& res, const char* name) {
  auto it = res.find(name);
  if (it == res.end())
    return std::nullopt;
  auto text = it->value();
  int64_t v = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (err != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return v;
}

} // namespace

const char* to_string(http_failure f) {
  switch (f) {
    case http_failure::connect_failed: return "connect_failed";
    case http_failure::connect_timeout: return "connect_timeout";
    case http_failure::timeout: return "timeout";
    case http_failure::connection_closed: return "connection_closed";
    case http_failure::protocol_error: return "protocol_error";
    case http_failure::rate_limited: return "rate_limited";
  }
  return "?";
}

const char* to_string(delivery d) {
  return d == delivery::not_sent ? "not_sent" : "unknown";
}

http_client::http_client(std::string host, uint16_t port, std::chrono::milliseconds timeout)
  : http_client(make_tcp_transport(host, port), host + ":" + std::to_string(port), timeout) {}

http_client::http_client(std::unique_ptr<http_transport> transport, std::string host_header,
                         std::chrono::milliseconds timeout)
  : transport_(std::move(transport)), host_header_(std::move(host_header)), timeout_(timeout) {}

outcome<http_reply, http_error> http_client::send(const http_request& req) {
  return send(req, std::chrono::steady_clock::now() + timeout_);
}

outcome<http_reply, http_error> http_client::send(const http_request& req,
                                                  steady_deadline deadline) {
  auto start = monotonic_ns();
  bool retryable = false;
  auto result = attempt(req, deadline, retryable);
  // A kept-alive connection the server closed just before our write gives
  // EOF with no reply; only an idempotent request may be sent again.
  if (!result && retryable && req.idempotent)
    result = attempt(req, deadline, retryable);
  auto elapsed = monotonic_ns() - start;
  if (!result) {
    auto err = result.error();
    err.elapsed_ns = elapsed;
    return err;
  }
  result.value().elapsed_ns = elapsed;
  return result;
}

outcome<http_reply, http_error> http_client::attempt(const http_request& req,
                                                     steady_deadline deadline, bool& retryable) {
  retryable = false;
  if (transport_->is_open() && transport_->has_unread_bytes())
    ++stale_connections_;
  bool reused = transport_->is_open() && !transport_->peer_closed();
  if (!reused) {
    auto ec = transport_->connect(deadline);
    if (ec) {
      transport_->close();
      auto f = is_timeout(ec) ? http_failure::connect_timeout : http_failure::connect_failed;
      return http_error{f, delivery::not_sent, "connect: " + ec.message(), 0};
    }
    ++connections_opened_;
  }
  auto msg = make_message(req);
  auto write_start = monotonic_ns();
  auto ec = transport_->write(msg, deadline);
  http_response_message res;
  if (!ec)
    ec = transport_->read(res, deadline);
  if (ec) {
    transport_->close();
    retryable = reused && is_closed(ec);
    return after_write_error(ec);
  }
  http_reply reply;
  reply.rtt_ns = monotonic_ns() - write_start;
  reply.status = res.result_int();
  reply.used_weight_1m = parse_header_int(res, "X-MBX-USED-WEIGHT-1M");
  reply.retry_after_s = parse_header_int(res, "Retry-After");
  reply.reused_connection = reused;
  reply.body = std::move(res.body());
  if (!res.keep_alive())
    transport_->close();
  return reply;
}

http_request_message http_client::make_message(const http_request& req) const {
  http_request_message msg{req.method, req.target, 11};
  msg.set(http::field::host, host_header_);
  msg.set(http::field::user_agent, "cwts-connector");
  msg.keep_alive(true);
  for (const auto& [name, value] : req.headers)
    msg.set(name, value);
  if (!req.body.empty()) {
    // The venues' signed REST bodies are forms; a caller that posts
    // something else (the compliance outbox's JSON) names its own type.
    if (msg.find(http::field::content_type) == msg.end())
      msg.set(http::field::content_type, "application/x-www-form-urlencoded");
    msg.body() = req.body;
  }
  msg.prepare_payload();
  return msg;
}

} // namespace cwts::connector
