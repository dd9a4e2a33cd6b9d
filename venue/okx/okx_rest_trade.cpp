// POST /api/v5/trade/*: order entry over okx_trade, and cancel-all-after.
#include <charconv>

#include "venue/okx/okx_json.hpp"
#include "venue/okx/okx_rest_api.hpp"

namespace cwts::venue {

namespace {

okx_batch single(okx_result r) {
  okx_batch b;
  b.results.push_back(std::move(r));
  return b;
}

} // namespace

http_reply okx_rest_api::place(const json_value& body, const std::string& account,
                               int64_t now_ms) {
  return batch_reply(single(trade_.place_order(body, account, now_ms)), false);
}

http_reply okx_rest_api::cancel(const json_value& body, const std::string& account,
                                int64_t now_ms) {
  return batch_reply(single(trade_.cancel_order(body, account, now_ms)), false);
}

http_reply okx_rest_api::amend(const json_value& body, const std::string& account,
                               int64_t now_ms) {
  return batch_reply(single(trade_.amend_order(body, account, now_ms)), true);
}

http_reply okx_rest_api::place_batch(const json_value& body, const std::string& account,
                                     int64_t now_ms) {
  return batch_reply(trade_.place_batch(body, account, now_ms), false);
}

http_reply okx_rest_api::cancel_batch(const json_value& body, const std::string& account,
                                      int64_t now_ms) {
  return batch_reply(trade_.cancel_batch(body, account, now_ms), false);
}

http_reply okx_rest_api::amend_batch(const json_value& body, const std::string& account,
                                     int64_t now_ms) {
  return batch_reply(trade_.amend_batch(body, account, now_ms), true);
}

http_reply okx_rest_api::cancel_all_after(const json_value& body, const std::string& account,
                                          int64_t now_ms) {
  auto text = okx_arg(body, "timeOut");
  if (!text || text->empty()) return error(okx_param_empty("timeOut"));
  int64_t secs = -1;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), secs);
  bool whole = ec == std::errc() && p == text->data() + text->size();
  // OKX: "The range of value can be 0, [10, 120]"; 0 disarms.
  if (!whole || (secs != 0 && (secs < okx_dead_man_min_s || secs > okx_dead_man_max_s)))
    return error(okx_param_error("timeOut", "must be 0 or 10..120 seconds"));
  std::string tag;
  if (auto t = okx_arg(body, "tag")) tag = *t;
  int64_t trigger = 0;
  if (secs == 0) dead_man_.disarm(account);
  else trigger = dead_man_.arm(account, secs, now_ms);
  json_writer w;
  w.begin_array().begin_object().field("triggerTime", std::to_string(trigger))
    .field("tag", tag).field("ts", std::to_string(now_ms)).end_object().end_array();
  return ok(w.take());
}

} // namespace cwts::venue
