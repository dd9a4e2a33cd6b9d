#pragma once
// One WebSocket client: of the market streams (/ws, /stream: frames are
// stream control messages), of the WebSocket API (/ws-api/v3: frames are
// requests, answered by ws_api; user data events arrive on the same
// connection), of OKX v5 (/ws/v5/public, /private, /business: frames go
// to the server's okx_ws_hub, which also feeds the pushes) or of Kraken
// WebSocket v2 (/v2: the same with kraken_ws_hub). Frames wait in
// a bounded queue; a client that lets it overflow is dropped (logged), so a
// slow reader never blocks the engine or the other clients.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "transport.hpp"
#include "venue/stream_path.hpp"
#include "venue/kraken/kraken_ws_protocol.hpp"
#include "venue/okx/okx_ws_protocol.hpp"
#include "venue/ws_api.hpp"

namespace cwts::venue {

class venue_server;

class ws_session : public std::enable_shared_from_this<ws_session> {
public:
  ws_session(http_transport stream, venue_server& server, stream_request streams);
  // A WebSocket API connection.
  ws_session(http_transport stream, venue_server& server, ws_api_session api);
  // An OKX v5 connection.
  ws_session(http_transport stream, venue_server& server, okx::ws_state okx);
  // A Kraken WebSocket v2 connection.
  ws_session(http_transport stream, venue_server& server, kraken::ws_state kraken);

  void accept(boost::beast::http::request<boost::beast::http::string_body> req);
  // Frames waiting to be written (the unpaced replay holds off while a
  // client's queue is half full instead of dropping it).
  size_t queued() const { return queue_.size(); }
  bool wants(const stream_id& id) const;
  bool combined() const { return streams_.combined; }
  // The WebSocket API state; null on a market-stream connection.
  const ws_api_session* api() const { return api_ ? &*api_ : nullptr; }
  // The OKX connection state; null on the Binance kinds.
  okx::ws_state* okx() { return okx_ ? &*okx_ : nullptr; }
  // The Kraken connection state; null on the other kinds.
  kraken::ws_state* kraken() { return kraken_ ? &*kraken_ : nullptr; }
  void send(std::shared_ptr<const std::string> frame);
  void close();

private:
  void on_accept(boost::beast::error_code ec);
  void read();
  void on_read(boost::beast::error_code ec);
  void write_next();
  void fail(const char* where, boost::beast::error_code ec);
  // Leaves the server's (or the OKX or Kraken hub's) list of connections.
  void unregister();
  // OKX and Kraken connections belong to a hub, which feeds them.
  bool in_hub() const { return okx_ || kraken_; }
  // Connection id and peer address for the order log.
  void remember_peer();

  ws_transport ws_;
  venue_server& server_;
  stream_request streams_;
  std::optional<ws_api_session> api_;
  std::optional<okx::ws_state> okx_;
  std::optional<kraken::ws_state> kraken_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool open_ = false;
  bool closing_ = false;
  uint64_t connection_ = 0;
  std::string remote_;
};

} // namespace cwts::venue
