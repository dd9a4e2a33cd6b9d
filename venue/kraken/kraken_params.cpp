#include "venue/kraken/kraken_params.hpp"

#include <charconv>
#include <map>

#include "venue/json_reader.hpp"

namespace cwts::venue {

namespace {

// "orders[3][price]" -> (3, "price"); "orders[3]" (a list of ids, as
// CancelOrderBatch takes them) -> (3, "txid").
std::optional<std::pair<size_t, std::string>> batch_key(std::string_view key) {
  constexpr std::string_view prefix = "orders[";
  if (key.substr(0, prefix.size()) != prefix) return std::nullopt;
  auto close = key.find(']', prefix.size());
  if (close == std::string_view::npos) return std::nullopt;
  bool bare = close + 1 == key.size();
  if (!bare && (close + 2 >= key.size() || key[close + 1] != '[' || key.back() != ']'))
    return std::nullopt;
  size_t index = 0;
  auto digits = key.substr(prefix.size(), close - prefix.size());
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty())
    return std::nullopt;
  if (bare) return std::make_pair(index, std::string("txid"));
  return std::make_pair(index, std::string(key.substr(close + 2, key.size() - close - 3)));
}

// At most this many batch entries are read (AddOrderBatch allows 15; more
// is refused by the endpoint, never stored).
constexpr size_t max_batch_read = 64;

std::optional<std::string> scalar_text(const json_value& v) {
  switch (v.type) {
  case json_value::kind::string:
  case json_value::kind::number: return v.text;
  case json_value::kind::boolean: return std::string(v.flag ? "true" : "false");
  case json_value::kind::array: {
    std::string out;
    for (auto& item : v.items) {
      if (item.type != json_value::kind::string && item.type != json_value::kind::number)
        return std::nullopt;
      if (!out.empty()) out += ',';
      out += item.text;
    }
    return out;
  }
  default: return std::nullopt;
  }
}

std::optional<kraken_error> read_object(const json_value& obj, request_params& out) {
  for (auto& [k, v] : obj.members) {
    if (v.type == json_value::kind::null) continue;
    auto text = scalar_text(v);
    if (!text) return kraken_invalid(k);
    out.add(k, *text);
  }
  return std::nullopt;
}

std::variant<kraken_args, kraken_error> from_form(std::string_view text) {
  auto parsed = parse_params(text, {});
  if (std::holds_alternative<venue_error>(parsed)) return kraken_fail(kraken_err::invalid_arguments);
  kraken_args out;
  std::map<size_t, request_params> batch;
  for (auto& [k, v] : std::get<request_params>(parsed).items()) {
    if (auto b = batch_key(k)) {
      if (b->first >= max_batch_read) return kraken_invalid("orders");
      batch[b->first].add(b->second, v);
    } else {
      out.top.add(k, v);
    }
  }
  size_t expect = 0;
  for (auto& [index, p] : batch) {
    if (index != expect++) return kraken_invalid("orders");
    out.orders.push_back(std::move(p));
  }
  return out;
}

} // namespace

std::variant<kraken_args, kraken_error> parse_kraken_query(std::string_view query) {
  return from_form(query);
}

std::variant<kraken_args, kraken_error> parse_kraken_body(std::string_view body, bool json) {
  if (!json) return from_form(body);
  auto parsed = parse_json(body);
  if (std::holds_alternative<json_error>(parsed) || std::get<json_value>(parsed).type != json_value::kind::object)
    return kraken_fail(kraken_err::invalid_arguments);
  auto& root = std::get<json_value>(parsed);
  kraken_args out;
  for (auto& [k, v] : root.members) {
    if (k == "orders" && v.type == json_value::kind::array) {
      if (v.items.size() > max_batch_read) return kraken_invalid("orders");
      for (auto& item : v.items) {
        request_params p;
        if (item.type == json_value::kind::string || item.type == json_value::kind::number) {
          p.add("txid", item.text); // CancelOrderBatch: ["OXXXXX-...", "7"]
        } else if (item.type != json_value::kind::object) {
          return kraken_invalid("orders");
        } else if (auto e = read_object(item, p)) {
          return *e;
        }
        out.orders.push_back(std::move(p));
      }
      continue;
    }
    if (v.type == json_value::kind::null) continue;
    auto text = scalar_text(v);
    if (!text) return kraken_invalid(k);
    out.top.add(k, *text);
  }
  return out;
}

const std::string* kraken_str(const request_params& p, std::string_view name) {
  auto v = p.get(name);
  return v && !v->empty() ? v : nullptr;
}

kraken_read<int64_t> kraken_int(const request_params& p, std::string_view name) {
  auto v = kraken_str(p, name);
  if (!v) return std::optional<int64_t>{};
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size()) return kraken_invalid(name);
  return std::optional<int64_t>{out};
}

kraken_read<bool> kraken_bool(const request_params& p, std::string_view name) {
  auto v = kraken_str(p, name);
  if (!v) return std::optional<bool>{};
  if (*v == "true" || *v == "1") return std::optional<bool>{true};
  if (*v == "false" || *v == "0") return std::optional<bool>{false};
  return kraken_invalid(name);
}

kraken_read<price> kraken_price(const request_params& p, std::string_view name) {
  auto v = kraken_str(p, name);
  if (!v) return std::optional<price>{};
  auto px = price::parse(*v);
  if (!px) return kraken_invalid(name);
  return std::optional<price>{*px};
}

kraken_read<qty> kraken_qty(const request_params& p, std::string_view name) {
  auto v = kraken_str(p, name);
  if (!v) return std::optional<qty>{};
  auto q = qty::parse(*v);
  if (!q) return kraken_invalid(name);
  return std::optional<qty>{*q};
}

std::vector<std::string> kraken_list(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

} // namespace cwts::venue
