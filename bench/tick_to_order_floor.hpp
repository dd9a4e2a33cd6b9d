#pragma once
// tick_to_order_bench's floor (bench only): the same two sockets with
// nothing between them. One thread, a WebSocket client of the feed, reads
// each frame as raw bytes and at once writes a fixed, unsigned order
// request on its own connection through the order tap (the venue refuses it;
// its answer is read before the next tick). What is left of t1 - t0 is the
// loopback, two thread wake-ups and the relay's read: no decoding, no
// checks, no signing, no actor.

#include <memory>
#include <string>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "bench/tick_to_order_sockets.hpp"
#include "bench/tick_to_order_strategy.hpp"

namespace cwts::bench {

class socket_floor {
public:
  socket_floor(uint16_t feed_port, uint16_t tap_port, strategy_probe& probe)
    : ws_(ioc_), order_(ioc_), probe_(probe) {
    using boost::asio::ip::tcp;
    auto loopback = boost::asio::ip::make_address("127.0.0.1");
    boost::beast::get_lowest_layer(ws_).connect(tcp::endpoint(loopback, feed_port));
    ws_.handshake("127.0.0.1", "/stream?streams=usdchf@trade");
    order_.connect(tcp::endpoint(loopback, tap_port));
    order_.set_option(tcp::no_delay(true));
    thread_ = std::thread([this] { run(); });
  }
  ~socket_floor() {
    boost::system::error_code ec;
    boost::beast::get_lowest_layer(ws_).socket().shutdown(boost::asio::socket_base::shutdown_both, ec);
    order_.shutdown(boost::asio::socket_base::shutdown_both, ec);
    thread_.join();
  }
  socket_floor(const socket_floor&) = delete;
  socket_floor& operator=(const socket_floor&) = delete;

private:
  void run() {
    static const std::string request = "POST /api/v3/order?symbol=USDCHF HTTP/1.1\r\n"
                                       "Host: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
    auto& feed = boost::beast::get_lowest_layer(ws_).socket();
    std::string buf(1 << 16, '\0');
    for (;;) {
      boost::system::error_code ec;
      auto n = feed.read_some(boost::asio::buffer(buf), ec);
      if (ec || n == 0)
        return;
      probe_.trade_seen_ns = steady_ns();
      boost::asio::write(order_, boost::asio::buffer(request), ec);
      if (ec)
        return;
      order_.read_some(boost::asio::buffer(buf), ec); // the venue's refusal
      if (ec)
        return;
      probe_.finish(nullptr);
    }
  }

  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::asio::ip::tcp::socket order_;
  strategy_probe& probe_;
  std::thread thread_;
};

} // namespace cwts::bench
