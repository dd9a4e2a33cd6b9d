#include "venue/kraken/kraken_ws_orders.hpp"

#include "venue/kraken/kraken_ws_format.hpp"

namespace cwts::venue::kraken {

namespace {

const json_value* typed(const json_value& v, std::string_view name, json_value::kind k) {
  auto* m = v.member(name);
  return m && m->type == k ? m : nullptr;
}

// A decimal param sent as a JSON number (or a numeric string, as some
// clients send); nullopt when absent, `bad` when unreadable.
template <class T>
std::optional<T> decimal_param(const json_value& p, std::string_view name, bool& bad) {
  auto* m = p.member(name);
  if (!m) return std::nullopt;
  if (m->type != json_value::kind::number && m->type != json_value::kind::string) {
    bad = true;
    return std::nullopt;
  }
  auto v = T::parse(m->text);
  if (!v) bad = true;
  return v;
}

std::optional<int64_t> int_param(const json_value& p, std::string_view name, bool& bad) {
  auto* m = p.member(name);
  if (!m) return std::nullopt;
  if (m->type != json_value::kind::number) {
    bad = true;
    return std::nullopt;
  }
  try {
    size_t used = 0;
    auto v = std::stoll(m->text, &used);
    if (used == m->text.size()) return v;
  } catch (const std::exception&) {
  }
  bad = true;
  return std::nullopt;
}

std::string object_with(std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  json_writer w;
  w.begin_object();
  for (auto& [k, v] : fields)
    w.field(k, v);
  w.end_object();
  return w.take();
}

} // namespace

bool ws_order_methods::handles(std::string_view method) const {
  return method == "add_order" || method == "amend_order" || method == "cancel_order"
         || method == "cancel_all" || method == "cancel_all_orders_after";
}

std::string ws_order_methods::refuse(const request_meta& m, const kraken_error& e) {
  return error_reply(m, trade_.counted(e).text);
}

void ws_order_methods::run(const request_meta& m, const json_value& params,
                           const std::string& account, std::vector<std::string>& replies) {
  // ws-api-unavailable: the reply says nothing about the execution, which
  // happens only when unavailable-executes is set.
  auto unavailable = faults_.take_ws_api_unavailable();
  std::vector<std::string> out;
  if (!unavailable || *unavailable) {
    if (m.method == "add_order") add_order(m, params, account, out);
    else if (m.method == "amend_order") amend_order(m, params, account, out);
    else if (m.method == "cancel_order") cancel_order(m, params, account, out);
    else if (m.method == "cancel_all_orders_after") cancel_all_after(m, params, account, out);
    else
      out.push_back(result_reply(
        m, "{\"count\":" + std::to_string(trade_.cancel_all(account, m.time_in_ms)) + "}"));
  }
  if (unavailable) {
    replies.push_back(refuse(m, kraken_fail(kraken_err::unavailable)));
    return;
  }
  for (auto& r : out)
    replies.push_back(std::move(r));
}

void ws_order_methods::add_order(const request_meta& m, const json_value& p,
                                 const std::string& account, std::vector<std::string>& replies) {
  auto* type = typed(p, "order_type", json_value::kind::string);
  auto* side = typed(p, "side", json_value::kind::string);
  auto* sym = typed(p, "symbol", json_value::kind::string);
  if (!type || (type->text != "limit" && type->text != "market"))
    return replies.push_back(refuse(m, kraken_invalid("order_type")));
  if (!side || (side->text != "buy" && side->text != "sell"))
    return replies.push_back(refuse(m, kraken_invalid("side")));
  if (!sym) return replies.push_back(refuse(m, kraken_invalid("symbol")));
  auto pair = find_pair(trade_.engine(), sym->text);
  if (!pair) return replies.push_back(refuse(m, kraken_fail(kraken_err::unknown_pair)));
  kraken_order_request r;
  r.rules = trade_.engine().rules(pair->sym);
  r.side = side->text == "buy" ? order_side::buy : order_side::sell;
  bool bad = false;
  auto volume = decimal_param<qty>(p, "order_qty", bad);
  if (bad || !volume) return replies.push_back(refuse(m, kraken_invalid("order_qty")));
  r.volume = *volume;
  auto px = decimal_param<price>(p, "limit_price", bad);
  bool limit = type->text == "limit";
  if (bad || (limit && !px) || (!limit && px))
    return replies.push_back(refuse(m, kraken_invalid("limit_price")));
  if (px) r.px = *px;
  auto* post = p.member("post_only");
  if (post && post->type != json_value::kind::boolean)
    return replies.push_back(refuse(m, kraken_invalid("post_only")));
  bool post_only = post && post->flag;
  if (post_only && !limit) return replies.push_back(refuse(m, kraken_invalid("post_only")));
  r.type = !limit ? order_type::market : post_only ? order_type::limit_maker : order_type::limit;
  if (auto* tif = p.member("time_in_force")) {
    if (tif->type != json_value::kind::string || (tif->text != "gtc" && tif->text != "ioc"))
      return replies.push_back(refuse(m, kraken_invalid("time_in_force")));
    r.tif = tif->text == "ioc" ? time_in_force::ioc : time_in_force::gtc;
  }
  if (auto* cl = p.member("cl_ord_id")) {
    if (cl->type != json_value::kind::string)
      return replies.push_back(refuse(m, kraken_invalid("cl_ord_id")));
    r.cl_ord_id = cl->text;
  }
  auto userref = int_param(p, "order_userref", bad);
  if (bad || (userref && (*userref > INT32_MAX || *userref < INT32_MIN)))
    return replies.push_back(refuse(m, kraken_invalid("order_userref")));
  r.userref = static_cast<int32_t>(userref.value_or(0));
  if (auto* v = p.member("validate")) {
    if (v->type != json_value::kind::boolean)
      return replies.push_back(refuse(m, kraken_invalid("validate")));
    r.validate = v->flag;
  }
  auto placed = trade_.place(account, r, m.time_in_ms);
  if (auto* e = std::get_if<kraken_error>(&placed)) return replies.push_back(error_reply(m, e->text));
  auto& done = std::get<kraken_placed>(placed);
  json_writer w;
  w.begin_object();
  if (!done.txid.empty()) w.field("order_id", done.txid);
  if (!r.cl_ord_id.empty()) w.field("cl_ord_id", r.cl_ord_id);
  if (userref) w.field_num("order_userref", r.userref);
  w.end_object();
  replies.push_back(result_reply(m, w.take()));
}

void ws_order_methods::amend_order(const request_meta& m, const json_value& p,
                                   const std::string& account,
                                   std::vector<std::string>& replies) {
  kraken_amend_request r;
  auto* id = typed(p, "order_id", json_value::kind::string);
  auto* cl = typed(p, "cl_ord_id", json_value::kind::string);
  if (!id && !cl) return replies.push_back(refuse(m, kraken_invalid("order_id")));
  if (id) r.txid = id->text;
  if (cl) r.cl_ord_id = cl->text;
  bool bad = false;
  r.order_qty = decimal_param<qty>(p, "order_qty", bad);
  if (bad) return replies.push_back(refuse(m, kraken_invalid("order_qty")));
  r.limit_price = decimal_param<price>(p, "limit_price", bad);
  if (bad) return replies.push_back(refuse(m, kraken_invalid("limit_price")));
  auto* post = p.member("post_only");
  if (post && post->type != json_value::kind::boolean)
    return replies.push_back(refuse(m, kraken_invalid("post_only")));
  r.post_only = post && post->flag;
  auto amended = trade_.amend(account, r, m.time_in_ms);
  if (auto* e = std::get_if<kraken_error>(&amended)) return replies.push_back(error_reply(m, e->text));
  auto& done = std::get<kraken_amended>(amended);
  json_writer w;
  w.begin_object().field("amend_id", done.amend_id).field("order_id", kraken_txid(done.order_id));
  if (cl) w.field("cl_ord_id", cl->text);
  w.end_object();
  replies.push_back(result_reply(m, w.take()));
}

void ws_order_methods::cancel_order(const request_meta& m, const json_value& p,
                                    const std::string& account,
                                    std::vector<std::string>& replies) {
  // Every list is checked before anything is canceled.
  std::vector<std::pair<kraken_order_ref, std::string>> refs; // ref, result JSON
  for (auto* name : {"order_id", "cl_ord_id", "order_userref"}) {
    auto* list = p.member(name);
    if (!list) continue;
    if (list->type != json_value::kind::array || list->items.empty())
      return replies.push_back(refuse(m, kraken_invalid(name)));
    for (auto& item : list->items) {
      kraken_order_ref ref;
      std::string name_s = name;
      if (name_s == "order_userref") {
        bool bad = false;
        json_value holder{json_value::kind::object, false, {}, {}, {{"v", item}}};
        auto v = int_param(holder, "v", bad);
        if (bad || !v || *v > INT32_MAX || *v < INT32_MIN)
          return replies.push_back(refuse(m, kraken_invalid(name)));
        ref.userref = static_cast<int32_t>(*v);
        refs.emplace_back(ref, "{\"order_userref\":" + item.text + "}");
        continue;
      }
      if (item.type != json_value::kind::string)
        return replies.push_back(refuse(m, kraken_invalid(name)));
      (name_s == "order_id" ? ref.txid : ref.cl_ord_id) = item.text;
      refs.emplace_back(ref, object_with({{name_s, item.text}}));
    }
  }
  if (refs.empty()) return replies.push_back(refuse(m, kraken_invalid("order_id")));
  for (auto& [ref, result] : refs) {
    auto done = trade_.cancel(account, ref, m.time_in_ms);
    if (auto* e = std::get_if<kraken_error>(&done)) replies.push_back(error_reply(m, e->text));
    else replies.push_back(result_reply(m, result));
  }
}

void ws_order_methods::cancel_all_after(const request_meta& m, const json_value& p,
                                        const std::string& account,
                                        std::vector<std::string>& replies) {
  bool bad = false;
  auto timeout = int_param(p, "timeout", bad);
  if (bad || !timeout || *timeout < 0) return replies.push_back(refuse(m, kraken_invalid("timeout")));
  auto state = trade_.cancel_all_after(account, *timeout, m.time_in_ms);
  if (auto* e = std::get_if<kraken_error>(&state)) return replies.push_back(error_reply(m, e->text));
  auto& s = std::get<kraken_dead_man_state>(state);
  replies.push_back(result_reply(
    m, object_with({{"currentTime", rfc3339(s.current_ms)},
                    {"triggerTime", s.trigger_ms > 0 ? rfc3339(s.trigger_ms) : "0"}})));
}

} // namespace cwts::venue::kraken
