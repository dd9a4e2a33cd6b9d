#include "actors/connector/ws_reconnector.hpp"

#include <random>

namespace cwts::connector {

using error_code = boost::system::error_code;

ws_reconnector::ws_reconnector(boost::asio::io_context& ioc, ws_client& ws,
                               ws_link_settings settings, ws_link_counters& counters,
                               open_handler on_open)
  : ws_(ws),
    settings_(std::move(settings)),
    counters_(counters),
    on_open_(std::move(on_open)),
    retry_(settings_.backoff_initial, settings_.backoff_max,
           settings_.jitter_seed != 0 ? settings_.jitter_seed : std::random_device{}()),
    reconnect_timer_(ioc),
    age_timer_(ioc) {}

void ws_reconnector::open() {
  live_ = true;
  ws_.async_open(settings_.host, settings_.port, settings_.target, settings_.connect_timeout,
                 settings_.timeouts, [this](error_code ec, ws_open_step step) {
                   if (ec) {
                     if (step == ws_open_step::tls_handshake)
                       ++counters_.tls_failures;
                   } else {
                     counters_.connected = true;
                     watch_age(++generation_);
                   }
                   on_open_(ec, step);
                 });
}

// At max_connection_age the connection is closed by us (a normal close
// handshake); the stream's pending read then fails, it calls lost(), and
// the connection is opened again at once.
void ws_reconnector::watch_age(uint64_t gen) {
  age_timer_.expires_after(settings_.max_connection_age);
  age_timer_.async_wait([this, gen](error_code ec) {
    if (ec || stopping_ || gen != generation_ || !live_ || !counters_.connected)
      return;
    ++counters_.proactive_reconnects;
    aging_out_ = true;
    ws_.async_close(boost::beast::websocket::close_code::going_away, [](error_code) {});
  });
}

bool ws_reconnector::lost() {
  if (!live_)
    return false;
  live_ = false;
  counters_.connected = false;
  age_timer_.cancel();
  ws_.close_socket();
  if (stopping_)
    return true;
  ++counters_.reconnects;
  if (aging_out_) {
    aging_out_ = false;
    open(); // our own close: no backoff
    return true;
  }
  reconnect_timer_.expires_after(retry_.next());
  reconnect_timer_.async_wait([this](error_code ec) {
    if (!ec && !stopping_)
      open();
  });
  return true;
}

void ws_reconnector::shutdown() {
  stopping_ = true;
  reconnect_timer_.cancel();
  age_timer_.cancel();
  ws_.cancel_resolve();
  if (!ws_.has_stream())
    return;
  if (counters_.connected && ws_.is_open())
    ws_.async_close(boost::beast::websocket::close_code::normal, [](error_code) {});
  else
    ws_.close_socket();
}

} // namespace cwts::connector
