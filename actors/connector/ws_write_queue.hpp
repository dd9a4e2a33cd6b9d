#pragma once
// One WebSocket's outgoing text frames, written one at a time (Beast allows
// one pending write), for the streams that send more than they are asked to
// (subscribes, resubscribes, pings: okx/okx_market_stream.cpp,
// kraken/kraken_market_stream.cpp). Stream thread only. A write that fails
// calls `on_error` (the stream's loss handling); a write completing for an
// earlier connection (the link's generation moved on) is ignored.

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/buffer.hpp>

#include "actors/connector/ws_client.hpp"
#include "actors/connector/ws_reconnector.hpp"

namespace cwts::connector {

class ws_write_queue {
public:
  ws_write_queue(ws_client& ws, ws_reconnector& link, std::function<void()> on_error)
    : ws_(ws), link_(link), on_error_(std::move(on_error)) {}
  ws_write_queue(const ws_write_queue&) = delete;
  ws_write_queue& operator=(const ws_write_queue&) = delete;

  void send(std::string text) {
    writes_.push_back(std::move(text));
    if (!pending_)
      write_next();
  }

  // A new or lost connection: nothing queued for the old one goes out.
  void clear() {
    writes_.clear();
    pending_ = false;
  }

private:
  void write_next() {
    if (writes_.empty() || !link_.connected())
      return;
    pending_ = true;
    // The text lives with the operation: a loss clears the queue under it.
    auto text = std::make_shared<std::string>(std::move(writes_.front()));
    writes_.pop_front();
    ws_.async_write(boost::asio::buffer(*text),
                    [this, text, gen = link_.generation()](boost::system::error_code ec, std::size_t) {
                      if (gen != link_.generation())
                        return;
                      pending_ = false;
                      if (ec)
                        return on_error_();
                      write_next();
                    });
  }

  ws_client& ws_;
  ws_reconnector& link_;
  std::function<void()> on_error_;
  std::deque<std::string> writes_;
  bool pending_ = false;
};

} // namespace cwts::connector
