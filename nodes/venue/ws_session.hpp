#pragma once
// One WebSocket client of the market streams. Frames wait in a bounded queue;
// a client that lets it overflow is dropped (logged), so a slow reader never
// blocks the engine or the other clients.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <string>

#include "venue/stream_path.hpp"

namespace cwts::venue {

class venue_server;

class ws_session : public std::enable_shared_from_this<ws_session> {
public:
  ws_session(boost::asio::ip::tcp::socket socket, venue_server& server, stream_request streams);

  void accept(boost::beast::http::request<boost::beast::http::string_body> req);
  bool wants(const stream_id& id) const;
  bool combined() const { return streams_.combined; }
  void send(std::shared_ptr<const std::string> frame);
  void close();

private:
  void on_accept(boost::beast::error_code ec);
  void read();
  void write_next();
  void fail(const char* where, boost::beast::error_code ec);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  venue_server& server_;
  stream_request streams_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool open_ = false;
  bool closing_ = false;
};

} // namespace cwts::venue
