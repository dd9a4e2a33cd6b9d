#pragma once
// One blocking WebSocket connection, for the venues' WebSocket order APIs
// (ws_api_orders.cpp for Binance, okx/okx_ws_orders.cpp for OKX,
// kraken/kraken_ws_orders.cpp for Kraken): every
// operation runs the private io_context until it completes or the deadline
// passes (then the socket is closed and the operation aborted).

#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "actors/connector/ws_client.hpp"

namespace cwts::connector {

struct blocking_ws {
  using clock_type = std::chrono::steady_clock;

  blocking_ws(bool tls, const std::string& ca_file) : ws(ioc, tls, ca_file) {}

  boost::asio::io_context ioc;
  ws_client ws;
  boost::beast::flat_buffer buffer;
  bool up = false;

  // Runs until `done` or the deadline; false on timeout (socket closed).
  bool run_until(const bool& done, clock_type::time_point deadline) {
    ioc.restart();
    while (!done) {
      auto now = clock_type::now();
      if (now >= deadline || ioc.run_one_for(deadline - now) == 0) {
        if (done)
          break;
        drop();
        ioc.restart();
        ioc.run_for(std::chrono::milliseconds(100)); // let aborted handlers finish
        return false;
      }
    }
    return true;
  }

  void drop() {
    up = false;
    ws.cancel_resolve();
    ws.close_socket();
  }

  // Connects and opens the WebSocket to cfg's host, port and target within
  // cfg.connect_timeout; `failed_step` says where it failed.
  template <class Config>
  boost::system::error_code open(const Config& cfg, ws_open_step& failed_step) {
    using boost::system::error_code;
    auto deadline = clock_type::now() + cfg.connect_timeout;
    error_code result;
    bool done = false;
    failed_step = ws_open_step::none;
    ws.async_open(cfg.host, cfg.port, cfg.target, cfg.connect_timeout, std::nullopt,
                  [&](error_code ec, ws_open_step step) {
                    result = ec;
                    failed_step = step;
                    done = true;
                  });
    if (!run_until(done, deadline))
      return boost::asio::error::timed_out;
    return result;
  }

  // Writes one text frame; on an error the connection is dropped.
  boost::system::error_code write(const std::string& text, clock_type::time_point deadline) {
    using boost::system::error_code;
    error_code result;
    bool done = false;
    ws.text(true);
    ws.async_write(boost::asio::buffer(text), [&](error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    if (!run_until(done, deadline))
      return boost::asio::error::timed_out;
    if (result)
      drop();
    return result;
  }

  // Reads one frame into `frame`; on an error the connection is dropped.
  boost::system::error_code read(std::string& frame, clock_type::time_point deadline) {
    using boost::system::error_code;
    error_code result;
    bool done = false;
    ws.async_read(buffer, [&](error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    if (!run_until(done, deadline))
      return boost::asio::error::timed_out;
    if (result) {
      drop();
      return result;
    }
    take_frame(frame);
    return {};
  }

  // The frame just read, moved out of the buffer.
  void take_frame(std::string& out) {
    out.assign(static_cast<const char*>(buffer.cdata().data()), buffer.size());
    buffer.consume(buffer.size());
  }
};

} // namespace cwts::connector
