#include "venue/fault_plan.hpp"

#include <charconv>

#include "venue/json_writer.hpp"

namespace cwts::venue {

namespace {

// Longest injected wait: a minute is past any client's timeout already.
constexpr int64_t max_wait_ms = 60000;
constexpr int64_t max_count = 1000000;

std::optional<std::string> read_int(const std::string& key, const std::string& value,
                                    int64_t lo, int64_t hi, int64_t& out) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || v < lo
      || v > hi)
    return key + ": must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi)
           + "], got '" + value + "'";
  out = v;
  return std::nullopt;
}

std::optional<std::string> read_bool(const std::string& key, const std::string& value,
                                     bool& out) {
  if (value != "true" && value != "false")
    return key + ": must be true or false, got '" + value + "'";
  out = value == "true";
  return std::nullopt;
}

// The codes a reject can carry, with errors.md's wording and the HTTP status
// Binance answers them with.
std::optional<venue_error> reject_error(int code, int64_t request_weight_limit) {
  switch (code) {
    case -1003:
      return venue_error{-1003,
                         "Too much request weight used; current limit is "
                           + std::to_string(request_weight_limit)
                           + " request weight per 1 MINUTE. Please use WebSocket Streams for "
                             "live updates to avoid polling the API.",
                         429};
    case -1021:
      return venue_error{-1021, "Timestamp for this request is outside of the recvWindow.", 400};
    case -2010:
      return venue_error{-2010, "Account has insufficient balance for requested action.", 400};
    default: return std::nullopt;
  }
}

void write_counters(json_writer& w, const fault_counters& c) {
  auto n = [](uint64_t v) { return static_cast<int64_t>(v); };
  w.begin_object()
    .field_num("delayedReplies", n(c.delayed_replies))
    .field_num("rejectedOrders", n(c.rejected_orders))
    .field_num("unavailableReplies", n(c.unavailable_replies))
    .field_num("wsDrops", n(c.ws_drops))
    .field_num("stalls", n(c.stalls))
    .field_num("malformedFrames", n(c.malformed_frames))
    .field_num("depthGaps", n(c.depth_gaps))
    .field_num("outOfOrder", n(c.out_of_order))
    .field_num("wsApiDelayed", n(c.ws_api_delayed))
    .field_num("wsApiUnavailable", n(c.ws_api_unavailable))
    .field_num("wsApiDrops", n(c.ws_api_drops))
    .field_num("okxBadChecksums", n(c.okx_bad_checksums))
    .field_num("krakenBadChecksums", n(c.kraken_bad_checksums))
    .end_object();
}

// Takes one from an armed count; true when one was armed.
bool take_one(int64_t& armed_count) {
  if (armed_count <= 0) return false;
  --armed_count;
  return true;
}

} // namespace

venue_error unavailable_error() {
  // errors.md -1007 TIMEOUT; rest-api.md: a 5XX means the execution status
  // is unknown (the request may have been executed).
  return venue_error{-1007,
                     "Timeout waiting for response from backend server. Send status unknown; "
                     "execution status unknown.",
                     503};
}

std::optional<std::string> fault_plan::set(armed& a, const std::string& key,
                                           const std::string& value, fault_source from) {
  bool is_action = key == "ws-drop" || key == "stall-ms" || key == "reset" || key == "ws-api-drop";
  if (is_action && from == fault_source::config)
    return key + ": an action of the admin endpoint (POST /venue/faults), not a config key";
  if (key == "latency-ms") return read_int(key, value, 0, max_wait_ms, a.latency_ms);
  if (key == "reject-orders") return read_int(key, value, 0, max_count, a.reject_orders);
  if (key == "reject-code") {
    int64_t code = 0;
    if (auto e = read_int(key, value, -9999, 0, code)) return e;
    if (!reject_error(static_cast<int>(code), 0))
      return key + ": must be -1003, -1021 or -2010, got '" + value + "'";
    a.reject_code = static_cast<int>(code);
    return std::nullopt;
  }
  if (key == "unavailable-requests")
    return read_int(key, value, 0, max_count, a.unavailable_requests);
  if (key == "unavailable-executes") return read_bool(key, value, a.unavailable_executes);
  if (key == "malformed-frames") return read_int(key, value, 0, max_count, a.malformed_frames);
  if (key == "depth-gaps") return read_int(key, value, 0, max_count, a.depth_gaps);
  if (key == "ws-drop") return read_bool(key, value, a.ws_drop);
  if (key == "ws-api-drop") return read_bool(key, value, a.ws_api_drop);
  if (key == "out-of-order") return read_int(key, value, 0, max_count, a.out_of_order);
  if (key == "ws-api-latency-ms") return read_int(key, value, 0, max_wait_ms, a.ws_api_latency_ms);
  if (key == "ws-api-unavailable")
    return read_int(key, value, 0, max_count, a.ws_api_unavailable);
  if (key == "okx-bad-checksum") return read_int(key, value, 0, max_count, a.okx_bad_checksum);
  if (key == "kraken-bad-checksum")
    return read_int(key, value, 0, max_count, a.kraken_bad_checksum);
  if (key == "stall-ms") return read_int(key, value, 0, max_wait_ms, a.stall_ms);
  if (key == "reset") {
    bool reset = false;
    if (auto e = read_bool(key, value, reset)) return e;
    if (reset) a = armed{};
    return std::nullopt;
  }
  return key + ": unknown fault";
}

std::optional<std::string> fault_plan::apply(const fault_settings& settings, fault_source from) {
  std::lock_guard lock(mutex_);
  // Applied to a copy first, so a bad setting leaves the plan untouched.
  // `reset` applies first wherever it appears, so it never undoes its siblings.
  armed next = armed_;
  for (auto& [key, value] : settings)
    if (key == "reset")
      if (auto e = set(next, key, value, from)) return e;
  for (auto& [key, value] : settings)
    if (key != "reset")
      if (auto e = set(next, key, value, from)) return e;
  armed_ = next;
  return std::nullopt;
}

int64_t fault_plan::take_latency_ms() {
  std::lock_guard lock(mutex_);
  if (armed_.latency_ms > 0) ++counters_.delayed_replies;
  return armed_.latency_ms;
}

std::optional<venue_error> fault_plan::take_order_reject(int64_t request_weight_limit) {
  std::lock_guard lock(mutex_);
  if (!take_one(armed_.reject_orders)) return std::nullopt;
  ++counters_.rejected_orders;
  return reject_error(armed_.reject_code, request_weight_limit);
}

std::optional<bool> fault_plan::take_unavailable() {
  std::lock_guard lock(mutex_);
  if (!take_one(armed_.unavailable_requests)) return std::nullopt;
  ++counters_.unavailable_replies;
  return armed_.unavailable_executes;
}

bool fault_plan::take_ws_drop() {
  std::lock_guard lock(mutex_);
  bool drop = armed_.ws_drop;
  armed_.ws_drop = false;
  return drop;
}

void fault_plan::count_ws_drops(uint64_t connections) {
  std::lock_guard lock(mutex_);
  counters_.ws_drops += connections;
}

int64_t fault_plan::take_stall_ms() {
  std::lock_guard lock(mutex_);
  auto ms = armed_.stall_ms;
  armed_.stall_ms = 0;
  if (ms > 0) ++counters_.stalls;
  return ms;
}

bool fault_plan::take_malformed_frame() {
  std::lock_guard lock(mutex_);
  if (!take_one(armed_.malformed_frames)) return false;
  ++counters_.malformed_frames;
  return true;
}

bool fault_plan::take_depth_gap() {
  std::lock_guard lock(mutex_);
  if (!take_one(armed_.depth_gaps)) return false;
  ++counters_.depth_gaps;
  return true;
}

bool fault_plan::take_out_of_order() {
  std::lock_guard lock(mutex_);
  return take_one(armed_.out_of_order);
}

void fault_plan::count_out_of_order() {
  std::lock_guard lock(mutex_);
  ++counters_.out_of_order;
}

int64_t fault_plan::take_ws_api_latency_ms() {
  std::lock_guard lock(mutex_);
  if (armed_.ws_api_latency_ms > 0) ++counters_.ws_api_delayed;
  return armed_.ws_api_latency_ms;
}

std::optional<bool> fault_plan::take_ws_api_unavailable() {
  std::lock_guard lock(mutex_);
  if (!take_one(armed_.ws_api_unavailable)) return std::nullopt;
  ++counters_.ws_api_unavailable;
  return armed_.unavailable_executes;
}

bool fault_plan::take_ws_api_drop() {
  std::lock_guard lock(mutex_);
  bool drop = armed_.ws_api_drop;
  armed_.ws_api_drop = false;
  return drop;
}

void fault_plan::count_ws_api_drops(uint64_t connections) {
  std::lock_guard lock(mutex_);
  counters_.ws_api_drops += connections;
}

bool fault_plan::take_okx_bad_checksum() {
  std::lock_guard lock(mutex_);
  if (!take_one(armed_.okx_bad_checksum)) return false;
  ++counters_.okx_bad_checksums;
  return true;
}

bool fault_plan::take_kraken_bad_checksum() {
  std::lock_guard lock(mutex_);
  if (!take_one(armed_.kraken_bad_checksum)) return false;
  ++counters_.kraken_bad_checksums;
  return true;
}

fault_counters fault_plan::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

std::string fault_counters_json(const fault_counters& c) {
  json_writer w;
  write_counters(w, c);
  return w.take();
}

std::string fault_plan::to_json() const {
  std::lock_guard lock(mutex_);
  json_writer w;
  w.begin_object().key("armed").begin_object()
    .field_num("latency-ms", armed_.latency_ms)
    .field_num("reject-orders", armed_.reject_orders)
    .field_num("reject-code", armed_.reject_code)
    .field_num("unavailable-requests", armed_.unavailable_requests)
    .field_bool("unavailable-executes", armed_.unavailable_executes)
    .field_num("malformed-frames", armed_.malformed_frames)
    .field_num("depth-gaps", armed_.depth_gaps)
    .field_num("out-of-order", armed_.out_of_order)
    .field_num("ws-api-latency-ms", armed_.ws_api_latency_ms)
    .field_num("ws-api-unavailable", armed_.ws_api_unavailable)
    .field_num("okx-bad-checksum", armed_.okx_bad_checksum)
    .field_num("kraken-bad-checksum", armed_.kraken_bad_checksum)
    .end_object()
    .key("counters");
  write_counters(w, counters_);
  w.end_object();
  return w.take();
}

} // namespace cwts::venue
