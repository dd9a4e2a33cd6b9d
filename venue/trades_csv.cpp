#include "venue/trades_csv.hpp"

#include <algorithm>
#include <charconv>

namespace cwts::venue {

namespace {

constexpr size_t max_reasons = 20;

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    auto comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "True" || text == "true" || text == "TRUE") return true;
  if (text == "False" || text == "false" || text == "FALSE") return false;
  return std::nullopt;
}

bool looks_like_header(std::string_view line) {
  auto fields = split_fields(line);
  return !fields.empty() && !parse_int(fields[0]);
}

} // namespace

std::optional<tape_trade> parse_trade_line(std::string_view line, std::string& reason) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  auto f = split_fields(line);
  if (f.size() < 6 || f.size() > 7) {
    reason = "expected 7 fields, got " + std::to_string(f.size());
    return std::nullopt;
  }
  tape_trade t;
  auto id = parse_int(f[0]);
  auto px = price::parse(f[1]);
  auto q = qty::parse(f[2]);
  auto time = parse_int(f[4]);
  auto maker = parse_bool(f[5]);
  if (!id) reason = "bad tradeId";
  else if (!px || !px->is_positive()) reason = "bad price";
  else if (!q || !q->is_positive()) reason = "bad qty";
  else if (!time || *time <= 0) reason = "bad time";
  else if (!maker) reason = "bad isBuyerMaker";
  if (!reason.empty()) return std::nullopt;
  t.trade_id = *id;
  t.px = *px;
  t.quantity = *q;
  t.time_ms = *time >= 1'000'000'000'000'000 ? *time / 1000 : *time;
  t.buyer_is_maker = *maker;
  return t;
}

trades_csv_result read_trades_csv(std::istream& in) {
  trades_csv_result r;
  std::string line;
  while (std::getline(in, line)) {
    ++r.lines;
    if (line.empty() || line == "\r") continue;
    if (r.lines == 1 && looks_like_header(line)) {
      r.had_header = true;
      continue;
    }
    std::string reason;
    if (auto t = parse_trade_line(line, reason)) {
      r.trades.push_back(*t);
      continue;
    }
    ++r.skipped;
    if (r.reasons.size() < max_reasons)
      r.reasons.push_back("line " + std::to_string(r.lines) + ": " + reason);
  }
  std::stable_sort(r.trades.begin(), r.trades.end(), [](const tape_trade& a, const tape_trade& b) {
    return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : a.trade_id < b.trade_id;
  });
  return r;
}

} // namespace cwts::venue
