#include "venue/okx/okx_json.hpp"

#include <algorithm>

namespace cwts::venue {

std::string okx_inst_id(const symbol_rules& r) { return r.base_asset + "-" + r.quote_asset; }

const symbol_rules* okx_find_instrument(const matching_engine& engine, std::string_view inst_id) {
  auto dash = inst_id.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= inst_id.size()) return nullptr;
  auto base = inst_id.substr(0, dash), quote = inst_id.substr(dash + 1);
  for (auto& r : engine.all_rules())
    if (r.base_asset == base && r.quote_asset == quote) return engine.rules(r.sym);
  return nullptr;
}

bool okx_inst_type_valid(std::string_view t) {
  return t == "SPOT" || t == "MARGIN" || t == "SWAP" || t == "FUTURES" || t == "OPTION";
}

int okx_step_decimals(int64_t step_raw) {
  if (step_raw <= 0) return decimal_places;
  int places = decimal_places;
  while (places > 0 && step_raw % 10 == 0) {
    step_raw /= 10;
    --places;
  }
  return places;
}

std::string okx_fixed(int64_t raw, int decimals) {
  auto full = format_scaled_decimal(raw); // exactly 8 decimals
  auto cut = static_cast<size_t>(decimal_places - std::clamp(decimals, 0, decimal_places));
  full.resize(full.size() - cut);
  if (!full.empty() && full.back() == '.') full.pop_back();
  return full;
}

namespace {
// Trailing zeros of the fraction (and a trailing '.') removed.
std::string without_trailing_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}
} // namespace

std::string okx_trim(int64_t raw) {
  return without_trailing_zeros(format_scaled_decimal(raw));
}

// Cut to the step's decimals, then the shortest text: what the WebSocket
// pushes spell too (okx_ws_format.hpp wire_decimal), so a level reads the
// same over REST and WebSocket.
std::string okx_px(const symbol_rules& r, price px) {
  return without_trailing_zeros(okx_fixed(px.raw, okx_step_decimals(r.tick_size.raw)));
}

std::string okx_sz(const symbol_rules& r, qty q) {
  return without_trailing_zeros(okx_fixed(q.raw, okx_step_decimals(r.step_size.raw)));
}

std::string okx_cl_ord_id(const order& o) {
  return o.client_order_id == "cwtsvenue" + std::to_string(o.order_id) ? std::string{}
                                                                        : o.client_order_id;
}

std::string_view okx_ord_type(const order& o) {
  if (o.type == order_type::market) return "market";
  if (o.type == order_type::limit_maker) return "post_only";
  if (o.tif == time_in_force::fok) return "fok";
  if (o.tif == time_in_force::ioc) return "ioc";
  return "limit";
}

std::string_view okx_state(const order& o) {
  switch (o.status) {
  case order_status::new_order: return "live";
  case order_status::partially_filled: return "partially_filled";
  case order_status::filled: return "filled";
  default: return "canceled"; // canceled, expired (IOC/FOK rest), STP, rejected
  }
}

void write_okx_order(json_writer& w, const order& o, const symbol_rules& r) {
  qty fee;
  for (auto& f : o.fills) fee += f.commission;
  // Commission is charged in the asset received (matching_engine).
  auto fee_ccy = o.side == order_side::buy ? r.base_asset : r.quote_asset;
  std::string avg_px, fill_px, fill_sz, trade_id, fill_time;
  if (o.executed_qty.is_positive()) {
    // cummulative quote / executed base, both 8-decimal: raw ratio scaled.
    __int128 num = static_cast<__int128>(o.cummulative_quote_qty.raw) * decimal_scale;
    avg_px = okx_trim(static_cast<int64_t>(num / o.executed_qty.raw));
  }
  if (!o.fills.empty()) {
    auto& last = o.fills.back();
    fill_px = okx_px(r, last.px);
    fill_sz = okx_sz(r, last.quantity);
    trade_id = std::to_string(last.trade_id);
    fill_time = std::to_string(o.update_time_ms);
  }
  w.begin_object()
    .field("instType", "SPOT").field("instId", okx_inst_id(r)).field("ccy", "")
    .field("ordId", std::to_string(o.order_id)).field("clOrdId", okx_cl_ord_id(o))
    .field("tag", "")
    .field("px", o.type == order_type::market ? "" : okx_px(r, o.px))
    .field("sz", okx_sz(r, o.orig_qty)).field("pnl", "0")
    .field("ordType", okx_ord_type(o)).field("side", o.side == order_side::buy ? "buy" : "sell")
    .field("posSide", "net").field("tdMode", "cash").field("tgtCcy", "")
    .field("accFillSz", okx_sz(r, o.executed_qty))
    .field("fillPx", fill_px).field("tradeId", trade_id).field("fillSz", fill_sz)
    .field("fillTime", fill_time).field("avgPx", avg_px)
    .field("state", okx_state(o)).field("lever", "")
    .field("feeCcy", fee_ccy).field("fee", fee.is_zero() ? "0" : okx_trim(-fee.raw))
    .field("rebateCcy", fee_ccy).field("rebate", "0")
    .field("category", "normal").field("reduceOnly", "false")
    .field("cancelSource", "").field("stpMode", "")
    .field("uTime", std::to_string(o.update_time_ms))
    .field("cTime", std::to_string(o.time_ms))
    .end_object();
}

std::string okx_envelope(int code, std::string_view msg, std::string_view data_json) {
  json_writer w;
  w.begin_object().field("code", std::to_string(code)).field("msg", msg).key("data")
    .raw(data_json).end_object();
  return w.take();
}

std::string okx_error_body(const okx_error& e) { return okx_envelope(e.code, e.msg, "[]"); }

} // namespace cwts::venue
