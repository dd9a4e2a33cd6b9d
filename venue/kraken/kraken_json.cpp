#include "venue/kraken/kraken_json.hpp"

#include <array>
#include <cstdio>

#include "venue/okx/okx_json.hpp"

namespace cwts::venue {

namespace {

// The inverse of an odd 64-bit multiplier modulo 2^64 (Newton's iteration:
// each step doubles the correct low bits).
constexpr uint64_t inverse_of(uint64_t k) {
  uint64_t inv = k;
  for (int i = 0; i < 6; ++i) inv *= 2 - k * inv;
  return inv;
}

constexpr uint64_t mul1 = 0x9E3779B97F4A7C15ull;
constexpr uint64_t mul2 = 0xC2B2AE3D27D4EB4Full;
constexpr uint64_t order_domain = 0x5DEECE66DA3B1F27ull;
constexpr uint64_t trade_domain = 0x27D4EB2F165667C5ull;
constexpr uint64_t amend_domain = 0x165667B19E3779F9ull;
static_assert(mul1 * inverse_of(mul1) == 1 && mul2 * inverse_of(mul2) == 1);

constexpr uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
constexpr uint64_t rotr(uint64_t x, int r) { return (x >> r) | (x << (64 - r)); }

// A fixed bijection of 64-bit values, so consecutive ids give unrelated txids.
constexpr uint64_t mix(uint64_t x, uint64_t domain) {
  return rotl((x ^ domain) * mul1, 23) * mul2;
}
constexpr uint64_t unmix(uint64_t y, uint64_t domain) {
  return (rotr(y * inverse_of(mul2), 23) * inverse_of(mul1)) ^ domain;
}
static_assert(unmix(mix(12345, order_domain), order_domain) == 12345);

uint16_t check_bits(uint64_t y) { return static_cast<uint16_t>((y * mul2 ^ (y >> 29)) >> 48); }

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"; // RFC 4648 base32

std::string encode_id(char prefix, uint64_t value, uint64_t domain) {
  uint64_t y = mix(value, domain);
  uint16_t check = check_bits(y);
  // 80 bits: check (16) then y (64), five bits per character.
  unsigned __int128 acc = (static_cast<unsigned __int128>(check) << 64) | y;
  std::array<char, 16> c{};
  for (size_t i = c.size(); i-- > 0;) {
    c[i] = alphabet[static_cast<size_t>(acc & 31)];
    acc >>= 5;
  }
  std::string out;
  out.reserve(19);
  out.push_back(prefix);
  out.append(c.data(), 5).push_back('-');
  out.append(c.data() + 5, 5).push_back('-');
  out.append(c.data() + 10, 6);
  return out;
}

std::optional<uint64_t> decode_id(char prefix, std::string_view s, uint64_t domain) {
  if (s.size() != 19 || s[0] != prefix || s[6] != '-' || s[12] != '-') return std::nullopt;
  std::string chars;
  chars.append(s.substr(1, 5)).append(s.substr(7, 5)).append(s.substr(13, 6));
  unsigned __int128 acc = 0;
  for (char ch : chars) {
    int v = -1;
    if (ch >= 'A' && ch <= 'Z') v = ch - 'A';
    else if (ch >= '2' && ch <= '7') v = 26 + (ch - '2');
    if (v < 0) return std::nullopt;
    acc = (acc << 5) | static_cast<unsigned>(v);
  }
  auto y = static_cast<uint64_t>(acc);
  auto check = static_cast<uint16_t>(acc >> 64);
  if (check != check_bits(y)) return std::nullopt;
  return unmix(y, domain);
}

std::string fixed(int64_t raw, int decimals) { return okx_fixed(raw, decimals); }

} // namespace

kraken_pair_names kraken_names_of(const symbol_rules& r) {
  return kraken_pair(r.base_asset, r.quote_asset);
}

const symbol_rules* kraken_find_pair(const matching_engine& engine, std::string_view name) {
  if (name.empty()) return nullptr;
  for (auto& r : engine.all_rules()) {
    auto n = kraken_names_of(r);
    if (name == n.key || name == n.altname || name == n.wsname || name == n.v2_symbol)
      return engine.rules(r.sym);
  }
  return nullptr;
}

int kraken_pair_decimals(const symbol_rules& r) { return okx_step_decimals(r.tick_size.raw); }
int kraken_lot_decimals(const symbol_rules& r) { return okx_step_decimals(r.step_size.raw); }
int kraken_cost_decimals(const symbol_rules& r) {
  return std::min(decimal_places, kraken_pair_decimals(r) + kraken_lot_decimals(r));
}

std::string kraken_px(const symbol_rules& r, price px) {
  return fixed(px.raw, kraken_pair_decimals(r));
}
std::string kraken_vol(const symbol_rules& r, qty q) { return fixed(q.raw, kraken_lot_decimals(r)); }
std::string kraken_cost(const symbol_rules& r, int64_t raw) {
  return fixed(raw, kraken_cost_decimals(r));
}
std::string kraken_amount(int64_t raw) { return fixed(raw, decimal_places); }

std::string kraken_seconds(int64_t ms) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%lld.%04lld", static_cast<long long>(ms / 1000),
                static_cast<long long>((ms % 1000) * 10));
  return buf;
}

std::string kraken_txid(int64_t order_id) {
  return encode_id('O', static_cast<uint64_t>(order_id), order_domain);
}

std::optional<int64_t> parse_kraken_txid(std::string_view txid) {
  auto v = decode_id('O', txid, order_domain);
  if (!v || *v == 0 || *v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(*v);
}

std::string kraken_trade_txid(int64_t symbol_index, int64_t trade_id) {
  auto v = (static_cast<uint64_t>(trade_id) << 10) | (static_cast<uint64_t>(symbol_index) & 1023);
  return encode_id('T', v, trade_domain);
}

std::string kraken_amend_id(int64_t seq) {
  return encode_id('T', static_cast<uint64_t>(seq), amend_domain);
}

bool kraken_cl_ord_id_ok(std::string_view id) {
  auto hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  if (id.size() == 36) {
    for (size_t i = 0; i < id.size(); ++i) {
      bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? id[i] != '-' : !hex(id[i])) return false;
    }
    return true;
  }
  if (id.size() == 32) {
    for (char c : id)
      if (!hex(c)) return false;
    return true;
  }
  if (id.empty() || id.size() > 18) return false;
  for (char c : id)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

int64_t kraken_symbol_index(const matching_engine& engine, symbol sym) {
  int64_t i = 0;
  for (auto& r : engine.all_rules()) {
    if (r.sym == sym) return i;
    ++i;
  }
  return -1;
}

std::string_view kraken_status(const order& o, const kraken_order_tags* tags) {
  if (tags && tags->expired) return "expired";
  switch (o.status) {
  case order_status::new_order:
  case order_status::partially_filled: return "open";
  case order_status::filled: return "closed";
  default: return "canceled"; // canceled, IOC/market remainder, STP, rejected
  }
}

std::string_view kraken_exec_status(const order& o, const kraken_order_tags* tags) {
  if (tags && tags->expired) return "expired";
  switch (o.status) {
  case order_status::new_order: return "new";
  case order_status::partially_filled: return "partially_filled";
  case order_status::filled: return "filled";
  default: return "canceled";
  }
}

std::string_view kraken_ordertype(const order& o) {
  return o.type == order_type::market ? "market" : "limit";
}

std::string kraken_descr_order(order_side side, order_type type, qty volume, price px,
                               const symbol_rules& r) {
  // Kraken: "buy 1.25000000 XBTUSD @ limit 27500.0".
  std::string s = side == order_side::buy ? "buy " : "sell ";
  s += fixed(volume.raw, decimal_places);
  s += ' ';
  s += kraken_names_of(r).altname;
  if (type == order_type::market) return s + " @ market";
  return s + " @ limit " + kraken_px(r, px);
}

std::string kraken_descr_order(const order& o, const symbol_rules& r) {
  return kraken_descr_order(o.side, o.type, o.orig_qty, o.px, r);
}

std::string kraken_avg_price(const order& o, const symbol_rules& r) {
  if (!o.executed_qty.is_positive()) return fixed(0, kraken_pair_decimals(r));
  __int128 num = static_cast<__int128>(o.cummulative_quote_qty.raw) * decimal_scale;
  return fixed(static_cast<int64_t>(num / o.executed_qty.raw), kraken_pair_decimals(r));
}

int64_t kraken_fee_quote(const order& o) {
  // The engine charges commission in the asset received: base on a buy
  // (valued here at its fill price), quote on a sell.
  __int128 fee = 0;
  for (auto& f : o.fills) {
    if (o.side == order_side::buy)
      fee += static_cast<__int128>(f.commission.raw) * f.px.raw / decimal_scale;
    else
      fee += f.commission.raw;
  }
  return static_cast<int64_t>(fee);
}

void write_kraken_order(json_writer& w, const order& o, const symbol_rules& r,
                        const kraken_order_tags* tags, bool with_trades,
                        const matching_engine& engine) {
  auto names = kraken_names_of(r);
  bool limit = o.type != order_type::market;
  bool post = o.type == order_type::limit_maker || (tags && tags->post_only);
  std::string oflags = o.side == order_side::buy ? "fcib" : "fciq";
  if (post) oflags = "post," + oflags;
  auto zero_px = fixed(0, kraken_pair_decimals(r));
  w.begin_object().key("refid").raw("null");
  w.field_num("userref", tags ? tags->userref : 0);
  if (tags && !tags->cl_ord_id.empty()) w.field("cl_ord_id", tags->cl_ord_id);
  w.field("status", kraken_status(o, tags))
    .key("opentm").raw(kraken_seconds(o.time_ms))
    .field_num("starttm", 0);
  if (tags && tags->expire_ms > 0) w.key("expiretm").raw(kraken_seconds(tags->expire_ms));
  else w.field_num("expiretm", 0);
  w.key("descr").begin_object()
    .field("pair", names.altname)
    .field("type", o.side == order_side::buy ? "buy" : "sell")
    .field("ordertype", kraken_ordertype(o))
    .field("price", limit ? kraken_px(r, o.px) : zero_px)
    .field("price2", zero_px)
    .field("leverage", "none")
    .field("order", kraken_descr_order(o, r))
    .field("close", "")
    .end_object();
  w.field("vol", kraken_vol(r, o.orig_qty))
    .field("vol_exec", kraken_vol(r, o.executed_qty))
    .field("cost", kraken_cost(r, o.cummulative_quote_qty.raw))
    .field("fee", kraken_cost(r, kraken_fee_quote(o)))
    .field("price", kraken_avg_price(o, r))
    .field("stopprice", zero_px)
    .field("limitprice", zero_px)
    .field("misc", "")
    .field("oflags", oflags);
  if (with_trades && !o.fills.empty()) {
    auto index = kraken_symbol_index(engine, o.sym);
    w.key("trades").begin_array();
    for (auto& f : o.fills) w.str(kraken_trade_txid(index, f.trade_id));
    w.end_array();
  }
  if (!o.is_open()) {
    w.key("closetm").raw(kraken_seconds(o.update_time_ms));
    if (o.status == order_status::filled) w.key("reason").raw("null");
    else w.field("reason", tags && !tags->reason.empty() ? tags->reason : "User requested");
  }
  w.end_object();
}

std::string kraken_envelope(std::string_view result_json) {
  json_writer w;
  w.begin_object().key("error").begin_array().end_array().key("result").raw(result_json)
    .end_object();
  return w.take();
}

std::string kraken_error_body(std::string_view text) {
  json_writer w;
  w.begin_object().key("error").begin_array().str(text).end_array().end_object();
  return w.take();
}

} // namespace cwts::venue
