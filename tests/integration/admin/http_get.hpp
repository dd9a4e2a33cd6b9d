#pragma once
// A plain HTTP/1.1 GET or POST (empty body) on 127.0.0.1 for the admin tests (Boost.Beast):
// status and body, or status -1 when the connection failed.

#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "common/hex.hpp"

namespace cwts::itest {

struct http_result {
  int status = -1;
  std::string body;
};

// One request with an empty body (GET, POST, ...).
inline http_result http_request(boost::beast::http::verb method, uint16_t port,
                                const std::string& target) {
  namespace http = boost::beast::http;
  using tcp = boost::asio::ip::tcp;
  http_result out;
  try {
    boost::asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.prepare_payload();
    http::write(socket, req);
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(socket, buf, res);
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
  } catch (const std::exception& e) {
    out.body = e.what();
  }
  return out;
}

inline http_result http_get(uint16_t port, const std::string& target) {
  return http_request(boost::beast::http::verb::get, port, target);
}

inline http_result http_post(uint16_t port, const std::string& target) {
  return http_request(boost::beast::http::verb::post, port, target);
}

// Percent-encodes a PromQL query for a URL.
inline std::string url_encode(const std::string& s) { return percent_encode_if(s, is_unreserved); }

} // namespace cwts::itest
