#include "venue/okx/okx_trade.hpp"

#include <cctype>
#include <charconv>

#include "venue/okx/okx_json.hpp"

namespace cwts::venue {

namespace {

// 51511 "Modification failed as the order price did not meet the
// requirement for Post Only" (OKX's code list; ccxt's okx exceptions).
constexpr int okx_amend_post_only = 51511;

okx_result failed(const okx_error& e, std::string cl_ord_id, int64_t now_ms) {
  okx_result r;
  r.s_code = e.code;
  r.s_msg = e.msg;
  r.cl_ord_id = std::move(cl_ord_id);
  r.ts = now_ms;
  return r;
}

bool cl_ord_id_ok(const std::string& id) {
  // OKX: "A combination of case-sensitive alphanumerics, all numbers, or all
  // letters of up to 32 characters."
  if (id.empty() || id.size() > 32) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

std::optional<int64_t> parse_ord_id(const std::string& text) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

// instId, then ordId or clOrdId: the order's symbol and key, or the error.
struct order_ref {
  const symbol_rules* rules = nullptr;
  order_key key;
  std::string cl_ord_id;
};

std::variant<order_ref, okx_error> read_ref(const matching_engine& engine, const json_value& a) {
  order_ref ref;
  auto inst = okx_arg(a, "instId");
  if (!inst || inst->empty()) return okx_param_empty("instId");
  ref.rules = okx_find_instrument(engine, *inst);
  if (!ref.rules) return okx_error{okx_code::inst_unknown, "Instrument ID does not exist.", 400};
  auto ord_id = okx_arg(a, "ordId");
  auto cl = okx_arg(a, "clOrdId");
  if (cl) ref.cl_ord_id = *cl;
  // OKX: "If both are passed, ordId will be used."
  if (ord_id && !ord_id->empty()) {
    ref.key.order_id = parse_ord_id(*ord_id);
    if (!ref.key.order_id) return okx_param_error("ordId");
  } else if (cl && !cl->empty()) {
    ref.key.orig_client_order_id = *cl;
  } else {
    return okx_error{okx_code::either_param, "Either parameter ordId or clOrdId is required.",
                     400};
  }
  return ref;
}

// OKX ordType -> engine type and time in force.
bool read_ord_type(const std::string& t, order_type& type, time_in_force& tif) {
  tif = time_in_force::gtc;
  if (t == "limit") type = order_type::limit;
  else if (t == "market") type = order_type::market;
  else if (t == "post_only") type = order_type::limit_maker;
  else if (t == "fok") { type = order_type::limit; tif = time_in_force::fok; }
  else if (t == "ioc") { type = order_type::limit; tif = time_in_force::ioc; }
  else return false;
  return true;
}

okx_result done(const order& o, std::string tag, int64_t now_ms) {
  okx_result r;
  r.ord_id = std::to_string(o.order_id);
  r.cl_ord_id = okx_cl_ord_id(o);
  r.tag = std::move(tag);
  r.ts = now_ms;
  return r;
}

} // namespace

const std::string* okx_arg(const json_value& args, std::string_view name) {
  auto v = args.member(name);
  if (!v || (v->type != json_value::kind::string && v->type != json_value::kind::number))
    return nullptr;
  return &v->text;
}

okx_error okx_from_engine(const venue_error& e) {
  auto has = [&](const char* s) { return e.msg.find(s) != std::string::npos; };
  switch (e.code) {
  case -1121: return {okx_code::inst_unknown, "Instrument ID does not exist.", 400};
  case -1003: return okx_rate_limited();
  case -1021: return {okx_code::timestamp_expired, "Timestamp request expired.", 401};
  case -2011:
  case -2013: return {okx_code::order_unknown, "Order does not exist.", 400};
  case -2010:
    if (has("insufficient")) return {okx_code::insufficient, "Order failed. Insufficient balance.", 400};
    if (has("Duplicate")) return {okx_code::dup_cl_ord_id, "Duplicated clOrdId.", 400};
    if (has("immediately match"))
      return okx_param_error("ordType", "post_only order would take liquidity");
    break;
  case -1013:
    if (has("LOT_SIZE"))
      return {okx_code::lot_multiple, "Order count should be the integer multiples of the lot size.",
              400};
    if (has("NOTIONAL"))
      return {okx_code::below_min, "Order amount should be greater than the min available amount.",
              400};
    if (has("PERCENT_PRICE")) return {okx_code::price_limit, "Order price is not within the price limit.", 400};
    if (has("MAX_NUM_ORDERS")) return {okx_code::too_many_open, "Order count exceeds the limit.", 400};
    if (has("PRICE_FILTER")) return okx_param_error("px");
    break;
  default: break;
  }
  return okx_param_error("order", e.msg);
}

void write_okx_result(json_writer& w, const okx_result& r, bool with_req_id) {
  w.begin_object().field("clOrdId", r.cl_ord_id).field("ordId", r.ord_id).field("tag", r.tag);
  if (with_req_id) w.field("reqId", r.req_id);
  w.field("ts", std::to_string(r.ts)).field("sCode", std::to_string(r.s_code))
    .field("sMsg", r.s_msg).end_object();
}

int okx_batch_code(const std::vector<okx_result>& results) {
  size_t good = 0;
  for (auto& r : results) good += r.ok() ? 1 : 0;
  if (good == results.size()) return okx_code::ok;
  return good == 0 ? okx_code::all_failed : okx_code::partial;
}

const char* okx_batch_msg(int code) {
  if (code == okx_code::all_failed) return "All operations failed";
  if (code == okx_code::partial) return "Batch operation partially succeeded";
  return "";
}

okx_result okx_trade::counted(okx_result r) {
  if (!r.ok()) stats_.count_reject(r.s_code);
  return r;
}

std::optional<qty> okx_trade::base_for_quote(const symbol_rules& r, qty budget) const {
  // What `budget` of the quote currency buys walking the asks now, in whole
  // lots; nullopt when that is less than minSz.
  __int128 left = budget.raw; // quote, 8 decimals
  __int128 base = 0;
  for (auto& level : engine_.depth(r.sym, order_side::sell)) {
    __int128 cost = static_cast<__int128>(level.px.raw) * level.quantity.raw / decimal_scale;
    if (cost <= left) {
      base += level.quantity.raw;
      left -= cost;
      continue;
    }
    base += left * decimal_scale / level.px.raw;
    break;
  }
  auto b = static_cast<int64_t>(base);
  if (b < r.min_qty.raw) return std::nullopt;
  if (r.step_size.is_positive()) b -= (b - r.min_qty.raw) % r.step_size.raw;
  return qty::from_raw(b);
}

okx_result okx_trade::place_order(const json_value& a, const std::string& account,
                                  int64_t now_ms) {
  std::string cl, tag;
  if (auto v = okx_arg(a, "clOrdId")) cl = *v;
  if (auto v = okx_arg(a, "tag")) tag = *v;
  auto fail = [&](const okx_error& e) { return counted(failed(e, cl, now_ms)); };
  if (a.type != json_value::kind::object) return fail(okx_param_error("order", "not an object"));
  auto inst = okx_arg(a, "instId");
  if (!inst || inst->empty()) return fail(okx_param_empty("instId"));
  auto rules = okx_find_instrument(engine_, *inst);
  if (!rules) return fail({okx_code::inst_unknown, "Instrument ID does not exist.", 400});
  auto td = okx_arg(a, "tdMode");
  if (!td || td->empty()) return fail(okx_param_empty("tdMode"));
  // Spot in a cash (non-margin) account is all this venue trades.
  if (*td != "cash") return fail(okx_param_error("tdMode", "only cash is supported"));
  place_request req;
  req.account = account;
  req.sym = rules->sym;
  auto side = okx_arg(a, "side");
  if (!side || side->empty()) return fail(okx_param_empty("side"));
  if (*side == "buy") req.side = order_side::buy;
  else if (*side == "sell") req.side = order_side::sell;
  else return fail(okx_param_error("side"));
  auto ord_type = okx_arg(a, "ordType");
  if (!ord_type || ord_type->empty()) return fail(okx_param_empty("ordType"));
  if (!read_ord_type(*ord_type, req.type, req.tif)) return fail(okx_param_error("ordType"));
  auto sz_text = okx_arg(a, "sz");
  if (!sz_text || sz_text->empty()) return fail(okx_param_empty("sz"));
  auto sz = qty::parse(*sz_text);
  if (!sz || !sz->is_positive()) return fail(okx_param_error("sz"));
  req.quantity = *sz;
  if (req.type == order_type::market) {
    // OKX sizes a spot market buy in the quote currency unless
    // tgtCcy=base_ccy, a market sell in the base unless tgtCcy=quote_ccy.
    auto tgt = okx_arg(a, "tgtCcy");
    if (tgt && !tgt->empty() && *tgt != "base_ccy" && *tgt != "quote_ccy")
      return fail(okx_param_error("tgtCcy"));
    bool in_quote = tgt && !tgt->empty() ? *tgt == "quote_ccy" : req.side == order_side::buy;
    if (in_quote && req.side == order_side::sell)
      return fail(okx_param_error("tgtCcy", "a market sell is sized in base_ccy on this venue"));
    if (in_quote) {
      auto base = base_for_quote(*rules, req.quantity);
      if (!base)
        return fail({okx_code::below_min,
                     "Order amount should be greater than the min available amount.", 400});
      req.quantity = *base;
    }
  } else {
    auto px_text = okx_arg(a, "px");
    if (!px_text || px_text->empty()) return fail(okx_param_empty("px"));
    auto px = price::parse(*px_text);
    if (!px || !px->is_positive()) return fail(okx_param_error("px"));
    if (rules->tick_size.is_positive() && px->raw % rules->tick_size.raw != 0)
      return fail(okx_param_error("px", "not a multiple of tickSz " + okx_trim(rules->tick_size.raw)));
    req.px = *px;
  }
  if (!cl.empty()) {
    if (!cl_ord_id_ok(cl)) return fail(okx_param_error("clOrdId"));
    req.client_order_id = cl;
  }
  if (req.quantity < rules->min_qty)
    return fail({okx_code::below_min, "Order amount should be greater than the min available amount.",
                 400});
  if (req.quantity > rules->max_qty)
    return fail({okx_code::max_size, "Order amount exceeds the max amount.", 400});
  if (rules->step_size.is_positive() && (req.quantity - rules->min_qty).raw % rules->step_size.raw)
    return fail({okx_code::lot_multiple,
                 "Order count should be the integer multiples of the lot size.", 400});
  // Fault plan reject-orders: the armed Binance code in OKX's terms.
  if (auto e = faults_.take_order_reject(0)) return fail(okx_from_engine(*e));
  auto placed = engine_.place(req, now_ms);
  if (auto e = std::get_if<venue_error>(&placed)) return fail(okx_from_engine(*e));
  return done(std::get<order>(placed), tag, now_ms);
}

okx_result okx_trade::cancel_order(const json_value& a, const std::string& account,
                                   int64_t now_ms) {
  auto parsed = read_ref(engine_, a);
  std::string cl;
  if (auto v = okx_arg(a, "clOrdId")) cl = *v;
  if (auto e = std::get_if<okx_error>(&parsed)) return counted(failed(*e, cl, now_ms));
  auto& ref = std::get<order_ref>(parsed);
  auto fail = [&](int code, const char* msg) {
    return counted(failed({code, msg, 400}, ref.cl_ord_id, now_ms));
  };
  auto found = engine_.query(account, ref.rules->sym, ref.key);
  if (std::holds_alternative<venue_error>(found))
    return fail(okx_code::cancel_unknown, "Cancellation failed as the order does not exist.");
  auto& o = std::get<order>(found);
  if (o.status == order_status::filled)
    return fail(okx_code::cancel_completed, "Cancellation failed as the order is already completed.");
  if (!o.is_open())
    return fail(okx_code::cancel_canceled, "Cancellation failed as the order is already canceled.");
  auto canceled = engine_.cancel(account, ref.rules->sym, order_key{o.order_id, {}}, now_ms);
  if (auto e = std::get_if<venue_error>(&canceled))
    return counted(failed(okx_from_engine(*e), okx_cl_ord_id(o), now_ms));
  return done(std::get<order>(canceled), {}, now_ms);
}

okx_result okx_trade::amend_order(const json_value& a, const std::string& account,
                                  int64_t now_ms) {
  std::string req_id;
  if (auto v = okx_arg(a, "reqId")) req_id = *v;
  auto with_req = [&](okx_result r) {
    r.req_id = req_id;
    return counted(std::move(r));
  };
  auto parsed = read_ref(engine_, a);
  std::string cl;
  if (auto v = okx_arg(a, "clOrdId")) cl = *v;
  if (auto e = std::get_if<okx_error>(&parsed)) return with_req(failed(*e, cl, now_ms));
  auto& ref = std::get<order_ref>(parsed);
  auto new_sz_text = okx_arg(a, "newSz");
  auto new_px_text = okx_arg(a, "newPx");
  bool has_sz = new_sz_text && !new_sz_text->empty();
  bool has_px = new_px_text && !new_px_text->empty();
  if (!has_sz && !has_px)
    return with_req(failed({okx_code::either_param, "Either parameter newSz or newPx is required.",
                            400}, ref.cl_ord_id, now_ms));
  auto found = engine_.query(account, ref.rules->sym, ref.key);
  if (std::holds_alternative<venue_error>(found))
    return with_req(failed({okx_code::amend_unknown,
                            "Order modification failed as the order does not exist.", 400},
                           ref.cl_ord_id, now_ms));
  auto o = std::get<order>(found);
  auto fail = [&](const okx_error& e) {
    // cxlOnFail: "Whether the order needs to be automatically canceled when
    // the order amendment fails".
    auto cxl = okx_arg(a, "cxlOnFail");
    if (cxl && *cxl == "true" && o.is_open())
      engine_.cancel(account, ref.rules->sym, order_key{o.order_id, {}}, now_ms);
    auto r = failed(e, okx_cl_ord_id(o), now_ms);
    r.ord_id = std::to_string(o.order_id);
    return with_req(std::move(r));
  };
  if (o.status == order_status::filled)
    return fail({okx_code::amend_completed, "Modification failed as the order has been completed.",
                 400});
  if (!o.is_open())
    return fail({okx_code::amend_canceled, "Modification failed as the order has been canceled.",
                 400});
  order_amend change;
  if (has_px) {
    auto px = price::parse(*new_px_text);
    if (!px || !px->is_positive()) return fail(okx_param_error("newPx"));
    change.px = *px;
  }
  if (has_sz) {
    auto sz = qty::parse(*new_sz_text);
    if (!sz || !sz->is_positive()) return fail(okx_param_error("newSz"));
    // "When amending a partially-filled order, the newSz should include the
    // amount that has been filled": something must be left to rest.
    if (*sz <= o.executed_qty)
      return fail(okx_param_error("newSz", "must be above the filled size"));
    change.quantity = *sz;
  }
  auto amended = engine_.amend(account, ref.rules->sym, order_key{o.order_id, {}}, change, now_ms);
  if (auto e = std::get_if<venue_error>(&amended)) {
    if (e->msg.find("immediately match") != std::string::npos)
      return fail({okx_amend_post_only,
                   "Modification failed as the order price did not meet the requirement for "
                   "Post Only.",
                   400});
    if (e->msg.find("PRICE_FILTER") != std::string::npos) return fail(okx_param_error("newPx"));
    return fail(okx_from_engine(*e));
  }
  auto r = done(std::get<order>(amended), {}, now_ms);
  r.req_id = req_id;
  return r;
}

okx_batch okx_trade::batch(const json_value& list, const std::string& account, int64_t now_ms,
                           op f, int too_many_code) {
  okx_batch b;
  if (list.type != json_value::kind::array || list.items.empty()) {
    b.error = okx_param_error("body", "expected a JSON array of orders");
    return b;
  }
  if (list.items.size() > okx_max_batch) {
    b.error = okx_error{too_many_code,
                        "Maximum " + std::to_string(okx_max_batch) + " orders can be handled in bulk.",
                        400};
    return b;
  }
  for (auto& item : list.items)
    b.results.push_back((this->*f)(item, account, now_ms));
  return b;
}

okx_batch okx_trade::place_batch(const json_value& list, const std::string& account,
                                 int64_t now_ms) {
  return batch(list, account, now_ms, &okx_trade::place_order, okx_code::batch_too_big);
}

okx_batch okx_trade::cancel_batch(const json_value& list, const std::string& account,
                                  int64_t now_ms) {
  return batch(list, account, now_ms, &okx_trade::cancel_order, okx_code::param_error);
}

okx_batch okx_trade::amend_batch(const json_value& list, const std::string& account,
                                 int64_t now_ms) {
  return batch(list, account, now_ms, &okx_trade::amend_order, okx_code::param_error);
}

size_t okx_trade::cancel_everything(const std::string& account, int64_t now_ms) {
  size_t n = 0;
  for (auto& o : engine_.open_orders(account, std::nullopt))
    if (std::holds_alternative<order>(
          engine_.cancel(account, o.sym, order_key{o.order_id, {}}, now_ms)))
      ++n;
  return n;
}

} // namespace cwts::venue
