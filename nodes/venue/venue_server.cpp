#include "venue_server.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include "venue/json_writer.hpp"
#include "venue/stream_path.hpp"
#include "ws_session.hpp"

namespace cwts::venue {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::string_view sv(beast::string_view v) { return {v.data(), v.size()}; }

// One HTTP connection, plain or TLS: keep-alive request loop; hands
// WebSocket upgrades to ws_session. A malformed request (or a failed TLS
// handshake) closes the connection, nothing more.
class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(http_transport stream, venue_server& server)
    : stream_(std::move(stream)), server_(server),
      delay_(std::visit([](auto& s) { return s.get_executor(); }, stream_)),
      connection_(next_connection_id()), remote_(remote_address(stream_)) {}

  void start() {
    auto* tls = std::get_if<tls_stream>(&stream_);
    if (!tls) return read();
    beast::get_lowest_layer(*tls).expires_after(std::chrono::seconds(30));
    tls->async_handshake(asio::ssl::stream_base::server,
                         [self = shared_from_this()](beast::error_code ec) {
                           if (ec) return self->handshake_failed(ec);
                           self->read();
                         });
  }

private:
  beast::tcp_stream& lowest() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); },
                      stream_);
  }

  void handshake_failed(beast::error_code ec) {
    ++server_.stats().tls_handshake_failures;
    spdlog::info("event=tls_handshake_failed reason=\"{}\"", ec.message());
    close();
  }

  void read() {
    req_ = {};
    lowest().expires_after(std::chrono::seconds(60));
    std::visit(
      [this](auto& s) {
        http::async_read(s, buffer_, req_, [self = shared_from_this()](beast::error_code ec, size_t) {
          self->on_read(ec);
        });
      },
      stream_);
  }

  void on_read(beast::error_code ec) {
    if (ec) return close();
    if (beast::websocket::is_upgrade(req_)) return upgrade();
    http_request_view view;
    view.method = sv(req_.method_string());
    view.target = sv(req_.target());
    auto key = req_.find("X-MBX-APIKEY");
    if (key != req_.end()) view.api_key = sv(key->value());
    view.body = req_.body();
    auto header = [this](const char* name) -> std::optional<std::string_view> {
      auto h = req_.find(name);
      if (h == req_.end()) return std::nullopt;
      return sv(h->value());
    };
    view.ok_access_key = header("OK-ACCESS-KEY");
    view.ok_access_sign = header("OK-ACCESS-SIGN");
    view.ok_access_timestamp = header("OK-ACCESS-TIMESTAMP");
    view.ok_access_passphrase = header("OK-ACCESS-PASSPHRASE");
    // /api/v5/... is OKX's surface, /0/... Kraken's; everything else stays
    // Binance's.
    http_reply reply;
    // Who sends it, for the per-account order log (venue/order_log.hpp).
    order_origin origin{"rest", connection_, remote_, std::string(view.api_key.value_or("")), wall_ns()};
    if (okx_rest_api::serves(view.target)) {
      origin.protocol = "okx-rest";
      origin.credential = std::string(view.ok_access_key.value_or(""));
    } else if (kraken_rest_api::serves(view.target)) {
      origin.protocol = "kraken-rest";
      origin.credential = std::string(header("API-Key").value_or(""));
    }
    origin_scope scope(server_.api().engine().log(), origin);
    if (okx_rest_api::serves(view.target)) {
      reply = server_.okx_api().handle(view, venue_server::wall_ms());
    } else if (kraken_rest_api::serves(view.target)) {
      kraken_http_request kreq;
      kreq.method = view.method;
      kreq.target = view.target;
      kreq.body = view.body;
      kreq.api_key = header("API-Key");
      kreq.api_sign = header("API-Sign");
      kreq.content_type = header("Content-Type");
      reply = server_.kraken_api().handle(kreq, venue_server::wall_ms());
    } else {
      reply = server_.api().handle(view, venue_server::wall_ms());
    }
    server_.publish_settled();
    server_.run_fault_actions();
    // latency-ms delays the reply, not the execution (the venue's own
    // /venue/* endpoints are never delayed).
    bool admin = view.target.substr(0, 7) == "/venue/";
    auto delay_ms = admin ? 0 : server_.api().faults().take_latency_ms();
    if (delay_ms <= 0) return write(std::move(reply));
    delay_.expires_after(std::chrono::milliseconds(delay_ms));
    delay_.async_wait(
      [self = shared_from_this(), reply = std::move(reply)](beast::error_code) mutable {
        self->write(std::move(reply));
      });
  }

  void write(http_reply reply) {
    auto res = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(reply.status), req_.version());
    res->set(http::field::server, "cwts-venue");
    res->set(http::field::content_type, "application/json;charset=UTF-8");
    for (auto& [name, value] : reply.headers)
      res->set(name, value);
    res->keep_alive(req_.keep_alive());
    res->body() = std::move(reply.body);
    res->prepare_payload();
    std::visit(
      [this, res](auto& s) {
        http::async_write(s, *res, [self = shared_from_this(), res](beast::error_code wec, size_t) {
          if (wec || !res->keep_alive()) return self->close();
          self->read();
        });
      },
      stream_);
  }

  void upgrade() {
    auto target = sv(req_.target());
    if (target.substr(0, target.find('?')) == "/ws-api/v3") return upgrade_api(target);
    if (auto endpoint = okx_ws_hub::endpoint_of(target)) return upgrade_okx(*endpoint);
    if (kraken_ws_hub::serves(target)) return upgrade_kraken();
    auto streams = parse_stream_target(target);
    bool known = streams.has_value();
    if (known && !streams->combined) {
      // A raw stream of a symbol not listed here is a name like any other:
      // the connection opens with no stream (Binance accepts /ws/<any name>).
      auto& s = streams->streams;
      for (auto i = s.begin(); i != s.end();)
        if (server_.api().engine().rules(i->sym) == nullptr) {
          streams->unserved_name = stream_name(*i);
          i = s.erase(i);
        } else {
          ++i;
        }
    }
    if (known)
      for (auto& id : streams->streams)
        known = known && server_.api().engine().rules(id.sym) != nullptr;
    // A combined target naming a stream of an unknown symbol is refused at
    // connect time.
    if (!known) return refuse(server_.api().error(venue_error{-1121, "Invalid symbol.", 400}));
    lowest().expires_never();
    auto ws = std::make_shared<ws_session>(std::move(stream_), server_, *streams);
    ws->accept(std::move(req_));
  }

  // web-socket-api.md: "Connecting to WebSocket API costs 2 weight";
  // `returnRateLimits=false` in the URL hides rateLimits by default.
  void upgrade_api(std::string_view target) {
    auto now = venue_server::wall_ms();
    if (auto over = server_.api().charge_weight(2, now)) return refuse(server_.api().error(*over));
    ws_api_session session;
    session.connected_since_ms = now;
    auto q = target.find('?');
    auto parsed = parse_params(q == std::string_view::npos ? "" : target.substr(q + 1), {});
    if (auto* p = std::get_if<request_params>(&parsed))
      if (auto rl = p->get("returnRateLimits")) session.return_rate_limits = *rl != "false";
    lowest().expires_never();
    auto ws = std::make_shared<ws_session>(std::move(stream_), server_, std::move(session));
    ws->accept(std::move(req_));
  }

  // OKX v5: /ws/v5/public, /ws/v5/private, /ws/v5/business.
  void upgrade_okx(okx::ws_endpoint endpoint) {
    okx::ws_state state;
    state.endpoint = endpoint;
    state.conn_id = server_.okx_ws().next_conn_id();
    lowest().expires_never();
    auto ws = std::make_shared<ws_session>(std::move(stream_), server_, std::move(state));
    ws->accept(std::move(req_));
  }

  // Kraken WebSocket v2: /v2, public and private alike.
  void upgrade_kraken() {
    kraken::ws_state state;
    state.connection_id = server_.kraken_ws().next_connection_id();
    lowest().expires_never();
    auto ws = std::make_shared<ws_session>(std::move(stream_), server_, std::move(state));
    ws->accept(std::move(req_));
  }

  void refuse(const http_reply& reply) {
    http::response<http::string_body> res{static_cast<http::status>(reply.status),
                                          req_.version()};
    res.body() = reply.body;
    res.prepare_payload();
    beast::error_code wec;
    std::visit([&](auto& s) { http::write(s, res, wec); }, stream_);
    close();
  }

  void close() {
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  http_transport stream_;
  venue_server& server_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  asio::steady_timer delay_;
  uint64_t connection_; // venue-wide id of this connection (order log)
  std::string remote_;  // its peer, "address:port"
};

} // namespace

std::string trade_event_json(const public_trade& t, int64_t event_ms) {
  json_writer w;
  // Current Trade Streams payload: e, E, s, t, p, q, T, m, M ("ignore").
  w.begin_object()
    .field("e", "trade").field_num("E", event_ms).field("s", t.sym.view())
    .field_num("t", t.trade_id).field("p", t.px.to_string()).field("q", t.quantity.to_string())
    .field_num("T", t.time_ms).field_bool("m", t.buyer_is_maker).field_bool("M", true)
    .end_object();
  return w.take();
}

int64_t venue_server::wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

venue_server::venue_server(asio::io_context& ioc, rest_api& api, venue_stats& stats,
                           size_t ws_queue_limit)
  : ioc_(ioc), acceptor_(ioc), api_(api), okx_(api), kraken_(api), stats_(stats),
    ws_queue_limit_(ws_queue_limit),
    feed_(api.engine()), ws_api_(api),
    user_feed_(api.engine(), [this](const std::string& account) { return listens(account); }),
    okx_ws_(ioc, okx_, api.market(), api.faults(), stats),
    kraken_ws_(ioc, kraken_.trade(), kraken_.tokens(), api.market(), api.faults()),
    fast_depth_timer_(ioc), slow_depth_timer_(ioc), okx_timer_(ioc), stall_timer_(ioc) {
  // Kraken signs with the base64-decoded secret: an account whose secret is
  // not base64 cannot use the Kraken surface (never logs the secret).
  for (auto& name : kraken_.unusable_accounts())
    spdlog::warn("event=kraken_account_unusable account={} reason=\"secret is not valid base64\"",
                 name);
}

uint16_t venue_server::listen(const std::string& host, uint16_t port) {
  tcp::endpoint ep{asio::ip::make_address(host), port};
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  accept();
  // web-socket-streams.md "Diff. Depth Stream": Update Speed 1000ms or 100ms.
  schedule_depth(fast_depth_timer_, stream_kind::depth_100ms, std::chrono::milliseconds(100));
  schedule_depth(slow_depth_timer_, stream_kind::depth_1000ms, std::chrono::milliseconds(1000));
  schedule_okx_tick();
  okx_ws_.start();
  kraken_ws_.start();
  return acceptor_.local_endpoint().port();
}

void venue_server::schedule_okx_tick() {
  okx_timer_.expires_after(std::chrono::milliseconds(100));
  okx_timer_.async_wait([this](beast::error_code ec) {
    if (ec) return;
    auto fired = okx_.tick(wall_ms());
    for (auto& f : fired)
      spdlog::warn("event=okx_cancel_all_after_fired account={} canceled={} fired_total={}",
                   f.account, f.canceled, okx_.dead_man().fired());
    auto kraken = kraken_.tick(wall_ms());
    for (auto& f : kraken.dead_man)
      spdlog::warn("event=kraken_cancel_all_orders_after_fired account={} canceled={} fired_total={}",
                   f.account, f.canceled, kraken_.trade().dead_man().fired());
    if (!fired.empty() || !kraken.dead_man.empty() || kraken.expired > 0) publish_settled();
    schedule_okx_tick();
  });
}

void venue_server::schedule_depth(asio::steady_timer& timer, stream_kind cadence,
                                  std::chrono::milliseconds every) {
  timer.expires_after(every);
  timer.async_wait([this, &timer, cadence, every](beast::error_code ec) {
    if (ec) return;
    // Flushed even without subscribers, so U always follows the previous u.
    for (auto& ev : feed_.flush_depth(cadence, wall_ms())) {
      // depth-gaps: a withheld event leaves its U..u range out of the
      // stream (counted only when a client would have received it).
      if (wanted(ev.id) && api_.faults().take_depth_gap()) continue;
      publish(ev);
    }
    schedule_depth(timer, cadence, every);
  });
}

void venue_server::publish_settled() {
  auto now = wall_ms();
  for (auto& ev : feed_.agg_trades(now))
    publish(ev);
  for (auto& ev : feed_.book_ticker_changes())
    publish(ev);
  for (auto& ev : user_feed_.take(now))
    publish(ev);
  okx_ws_.publish_settled(now);
  kraken_ws_.publish_settled(now);
}

bool venue_server::listens(const std::string& account) const {
  for (auto& weak : subscribers_) {
    auto s = weak.lock();
    if (s && s->api() && s->api()->subscription_of(account)) return true;
  }
  return false;
}

void venue_server::publish(const user_event& ev) {
  // Copy: a session may drop itself (and edit the list) while being fed.
  auto subs = subscribers_;
  for (auto& weak : subs) {
    auto s = weak.lock();
    auto id = s && s->api() ? s->api()->subscription_of(ev.account) : std::nullopt;
    // web-socket-api.md "Event format": {"subscriptionId":N,"event":{…}}.
    if (id)
      s->send(std::make_shared<const std::string>(
        "{\"subscriptionId\":" + std::to_string(*id) + ",\"event\":" + ev.json + "}"));
  }
}

void venue_server::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      auto stream = tls_ ? http_transport(std::in_place_type<tls_stream>, std::move(socket), *tls_)
                         : http_transport(std::in_place_type<plain_stream>, std::move(socket));
      std::make_shared<http_session>(std::move(stream), *this)->start();
    }
    accept();
  });
}

void venue_server::publish(const public_trade& t, int64_t now_ms) {
  if (subscribers_.empty()) return;
  publish(stream_event{stream_id{t.sym, stream_kind::trade}, trade_event_json(t, now_ms)});
}

bool venue_server::wanted(const stream_id& id) const {
  for (auto& weak : subscribers_)
    if (auto s = weak.lock(); s && s->wants(id)) return true;
  return false;
}

void venue_server::run_fault_actions() {
  auto& faults = api_.faults();
  if (faults.take_ws_drop()) drop_market_streams();
  if (faults.take_ws_api_drop()) drop_ws_api_connections();
  if (auto ms = faults.take_stall_ms(); ms > 0) start_stall(ms);
}

void venue_server::drop_market_streams() {
  uint64_t n = 0;
  for (auto& weak : std::vector<std::weak_ptr<ws_session>>(subscribers_))
    if (auto s = weak.lock(); s && !s->api()) {
      s->close();
      ++n;
    }
  n += okx_ws_.drop(false); // OKX /ws/v5/public and /business
  n += kraken_ws_.drop(false); // Kraken /v2 without a private subscription
  api_.faults().count_ws_drops(n);
  spdlog::warn("event=fault_ws_drop connections={}", n);
}

void venue_server::drop_ws_api_connections() {
  uint64_t n = 0;
  for (auto& weak : std::vector<std::weak_ptr<ws_session>>(subscribers_))
    if (auto s = weak.lock(); s && s->api()) {
      s->close();
      ++n;
    }
  n += okx_ws_.drop(true); // OKX /ws/v5/private
  n += kraken_ws_.drop(true); // Kraken /v2 with executions or balances
  api_.faults().count_ws_api_drops(n);
  spdlog::warn("event=fault_ws_api_drop connections={}", n);
}

void venue_server::start_stall(int64_t ms) {
  // A stall armed during a stall extends it from now.
  stalled_ = true;
  okx_ws_.set_stalled(true);
  kraken_ws_.set_stalled(true);
  spdlog::warn("event=fault_stall ms={}", ms);
  stall_timer_.expires_after(std::chrono::milliseconds(ms));
  stall_timer_.async_wait([this](beast::error_code ec) {
    if (ec) return;
    stalled_ = false;
    okx_ws_.set_stalled(false);
    kraken_ws_.set_stalled(false);
    auto held = std::move(held_);
    held_.clear();
    spdlog::info("event=fault_stall_end released={}", held.size());
    for (auto& ev : held)
      publish(ev);
  });
}

void venue_server::publish(const stream_event& ev) {
  if (subscribers_.empty()) return;
  if (stalled_) {
    held_.push_back(ev);
    return;
  }
  // out-of-order: an event held back goes out just after the next event of
  // its stream, so a client sees a later event first.
  auto earlier = std::find_if(held_back_.begin(), held_back_.end(),
                              [&](const stream_event& h) { return h.id == ev.id; });
  if (earlier != held_back_.end()) {
    auto first = std::move(*earlier);
    held_back_.erase(earlier);
    deliver(ev);
    deliver(first);
    api_.faults().count_out_of_order();
    return;
  }
  if (wanted(ev.id) && api_.faults().take_out_of_order()) {
    held_back_.push_back(ev);
    return;
  }
  deliver(ev);
}

void venue_server::deliver(const stream_event& ev) {
  // malformed-frames: a truncated JSON frame just before the event.
  if (wanted(ev.id) && api_.faults().take_malformed_frame()) {
    auto broken = std::make_shared<const std::string>(ev.data.substr(0, ev.data.size() / 2));
    for (auto& weak : std::vector<std::weak_ptr<ws_session>>(subscribers_))
      if (auto s = weak.lock(); s && s->wants(ev.id)) s->send(broken);
  }
  std::shared_ptr<const std::string> raw, combined;
  // Copy: a session may drop itself (and edit the list) while being fed.
  auto subs = subscribers_;
  for (auto& weak : subs) {
    auto s = weak.lock();
    if (!s || !s->wants(ev.id)) continue;
    // web-socket-streams.md: combined streams wrap as {"stream":…,"data":…}.
    if (!raw) {
      raw = std::make_shared<const std::string>(ev.data);
      combined = std::make_shared<const std::string>(
        "{\"stream\":" + json_quote(stream_name(ev.id)) + ",\"data\":" + ev.data + "}");
    }
    s->send(s->combined() ? combined : raw);
  }
}

size_t venue_server::deepest_ws_queue() const {
  size_t deepest = 0;
  for (auto& weak : subscribers_)
    if (auto s = weak.lock())
      deepest = std::max(deepest, s->queued());
  return std::max({deepest, okx_ws_.deepest_queue(), kraken_ws_.deepest_queue()});
}

void venue_server::add_subscriber(const std::shared_ptr<ws_session>& s) {
  subscribers_.push_back(s);
  count_clients();
}

void venue_server::remove_subscriber(const ws_session* s) {
  auto& v = subscribers_;
  v.erase(std::remove_if(v.begin(), v.end(),
                         [s](const std::weak_ptr<ws_session>& w) {
                           auto p = w.lock();
                           return !p || p.get() == s;
                         }),
          v.end());
  count_clients();
}

void venue_server::count_clients() {
  stats_.ws_clients = subscribers_.size() + okx_ws_.connections() + kraken_ws_.connections();
}

void venue_server::stop() {
  beast::error_code ec;
  acceptor_.close(ec);
  fast_depth_timer_.cancel();
  slow_depth_timer_.cancel();
  okx_timer_.cancel();
  stall_timer_.cancel();
  okx_ws_.stop();
  kraken_ws_.stop();
  for (auto& weak : std::vector<std::weak_ptr<ws_session>>(subscribers_))
    if (auto s = weak.lock()) s->close();
}

} // namespace cwts::venue
