#include "nodes/console/admin_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <rapidjson/document.h>

namespace cwts::console {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::optional<admin_address> parse_admin_address(const std::string& text, std::string& error) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    error = "'" + text + "' is not HOST:PORT";
    return std::nullopt;
  }
  auto port_text = text.substr(colon + 1);
  uint32_t port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9' || port > 65535) {
      error = "'" + text + "': port '" + port_text + "' is not a number 1..65535";
      return std::nullopt;
    }
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port == 0 || port > 65535) {
    error = "'" + text + "': port must be 1..65535";
    return std::nullopt;
  }
  return admin_address{text.substr(0, colon), static_cast<uint16_t>(port)};
}

std::string admin_response::error_text() const {
  if (!reached())
    return error;
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    auto it = doc.FindMember("error");
    if (it != doc.MemberEnd() && it->value.IsString() && it->value.GetStringLength() > 0)
      return it->value.GetString();
  }
  return "HTTP " + std::to_string(status) + (body.empty() ? "" : ": " + body);
}

admin_client::admin_client(admin_address address, std::chrono::milliseconds timeout)
  : address_(std::move(address)), timeout_(timeout) {}

admin_response admin_client::get(const std::string& target) const {
  return request(false, target, {});
}

admin_response admin_client::post(const std::string& target, const std::string& json_body) const {
  return request(true, target, json_body);
}

// Asynchronous operations on one io_context, all under one deadline
// (tcp_stream's timer): connect, write and read together take at most
// timeout_, however the node behaves.
admin_response admin_client::request(bool post, const std::string& target,
                                     const std::string& body) const {
  admin_response out;
  const auto where = address_.str();
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  boost::system::error_code ec;
  auto endpoints = resolver.resolve(address_.host, std::to_string(address_.port), ec);
  if (ec) {
    out.error = "cannot resolve " + address_.host + ": " + ec.message();
    return out;
  }
  beast::tcp_stream stream(ioc);
  stream.expires_after(timeout_);
  http::request<http::string_body> req{post ? http::verb::post : http::verb::get, target, 11};
  req.set(http::field::host, address_.host);
  req.set(http::field::user_agent, "cwts-console");
  if (post) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  std::string step = "connect";
  auto fail = [&](const boost::system::error_code& e) {
    if (e == beast::error::timeout)
      out.error = step + " to " + where + " timed out after " + std::to_string(timeout_.count())
                  + " ms";
    else if (step == "connect")
      out.error = "cannot connect to " + where + ": " + e.message();
    else
      out.error = step + " " + where + ": " + e.message();
  };
  stream.async_connect(endpoints, [&](const boost::system::error_code& e, const tcp::endpoint&) {
    if (e)
      return fail(e);
    step = "send to";
    http::async_write(stream, req, [&](const boost::system::error_code& we, std::size_t) {
      if (we)
        return fail(we);
      step = "no answer from";
      http::async_read(stream, buffer, res, [&](const boost::system::error_code& re, std::size_t) {
        if (re)
          return fail(re);
        out.status = static_cast<int>(res.result_int());
        out.body = std::move(res.body());
      });
    });
  });
  ioc.run();
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

} // namespace cwts::console
