#include "venue/venue_config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <charconv>
#include <cstdlib>
#include <set>

namespace cwts::venue {

namespace {

using error_text = std::string;

// Reads typed values out of one section and remembers which keys it read,
// so unknown keys can be reported.
class section_reader {
public:
  section_reader(const ini_sections& ini, std::string name) : name_(std::move(name)) {
    if (auto it = ini.find(name_); it != ini.end()) section_ = &it->second;
  }
  const std::string* raw(const std::string& key) {
    read_.insert(key);
    if (!section_) return nullptr;
    auto it = section_->find(key);
    return it == section_->end() ? nullptr : &it->second.value;
  }
  std::string where(const std::string& key) const { return "[" + name_ + "] " + key; }
  void number(const std::string& key, double& out, double lo, double hi, error_text& err) {
    auto v = raw(key);
    if (!v || !err.empty()) return;
    char* end = nullptr;
    double d = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0' || !(d >= lo && d <= hi))
      err = where(key) + ": must be a number in [" + std::to_string(lo) + ", "
            + std::to_string(hi) + "], got '" + *v + "'";
    else
      out = d;
  }
  template <class T>
  void decimal(const std::string& key, T& out, bool required, error_text& err) {
    auto v = raw(key);
    if (!err.empty()) return;
    if (!v) {
      if (required) err = where(key) + ": missing";
      return;
    }
    auto d = T::parse(*v);
    if (!d || d->raw < 0) err = where(key) + ": must be a non-negative decimal, got '" + *v + "'";
    else out = *d;
  }
  void unknown_keys(error_text& err) const {
    if (!section_ || !err.empty()) return;
    for (auto& [k, e] : *section_)
      if (!read_.count(k)) {
        err = where(k) + ": unknown key (line " + std::to_string(e.line) + ")";
        return;
      }
  }

private:
  std::string name_;
  const ini_section* section_ = nullptr;
  std::set<std::string> read_;
};

std::string resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

void read_venue_section(const ini_sections& ini, const std::string& base, venue_config& c,
                        error_text& err) {
  section_reader r(ini, "venue");
  // An IPv4 address to listen on: loopback by default; `cwts cluster up
  // --netns` gives the venue its namespace's address (docs/operations.md).
  if (auto h = r.raw("host")) {
    in_addr a{};
    if (inet_pton(AF_INET, h->c_str(), &a) != 1)
      err = r.where("host") + ": '" + *h + "' is not an IPv4 address";
    else
      c.host = *h;
  }
  // The per-account order log (order_log.hpp): every order request that
  // reaches the book, with the connection that sent it.
  if (auto log = r.raw("order-log"); log && err.empty()) {
    if (log->empty() || log->back() == '/')
      err = r.where("order-log") + ": must name a file";
    else
      c.order_log = resolve(*log, base);
  }
  double port = c.port, queue = static_cast<double>(c.ws_queue_limit);
  double weight_limit = static_cast<double>(c.request_weight_limit);
  r.number("port", port, 0, 65535, err);
  // 0: unpaced, the tape as fast as the venue prints it (replay_clock).
  r.number("speed", c.speed, 0, 1e9, err);
  r.number("max-trades-per-second", c.max_trades_per_second, 0, 1e6, err);
  r.number("duration-s", c.duration_s, 0, 1e9, err);
  r.number("summary-interval-s", c.summary_interval_s, 0.1, 86400, err);
  r.number("ws-queue-limit", queue, 1, 1e6, err);
  c.port = static_cast<int>(port);
  c.ws_queue_limit = static_cast<size_t>(queue);
  r.number("request-weight-limit", weight_limit, 1, 1e9, err);
  c.request_weight_limit = static_cast<int64_t>(weight_limit);
  double per_10s = static_cast<double>(c.orders.per_10s);
  double per_day = static_cast<double>(c.orders.per_day);
  r.number("orders-per-10s", per_10s, 1, 1e9, err);
  r.number("orders-per-day", per_day, 1, 1e12, err);
  c.orders.per_10s = static_cast<int64_t>(per_10s);
  c.orders.per_day = static_cast<int64_t>(per_day);
  r.decimal("maker-commission", c.maker_commission, false, err);
  r.decimal("taker-commission", c.taker_commission, false, err);
  if (err.empty() && (c.maker_commission > price::from_units(1)
                      || c.taker_commission > price::from_units(1)))
    err = r.where("maker-commission") + ": commissions must be fractions in [0, 1]";
  auto data = r.raw("data");
  auto keys = r.raw("keys-file");
  if (err.empty() && (!data || data->empty())) err = r.where("data") + ": missing";
  if (err.empty() && (!keys || keys->empty())) err = r.where("keys-file") + ": missing";
  if (err.empty()) {
    c.data_file = resolve(*data, base);
    c.keys_file = resolve(*keys, base);
  }
  r.unknown_keys(err);
}

// The keys of a [symbol] (or [symbol.<NAME>]) section into `rules`;
// `more` reads the section's other keys before unknown ones are reported.
void read_symbol_rules(section_reader& r, symbol_rules& rules, error_text& err,
                       const std::function<void(section_reader&)>& more = {}) {
  auto name = r.raw("name");
  if (err.empty() && (!name || !symbol::parse(*name)))
    err = r.where("name") + ": must be 1-15 upper-case letters/digits";
  if (!err.empty()) return;
  rules.sym = *symbol::parse(*name);
  auto base_asset = r.raw("base-asset"), quote_asset = r.raw("quote-asset");
  if (!base_asset || base_asset->empty()) err = r.where("base-asset") + ": missing";
  else if (!quote_asset || quote_asset->empty()) err = r.where("quote-asset") + ": missing";
  else rules.base_asset = *base_asset, rules.quote_asset = *quote_asset;
  r.decimal("tick-size", rules.tick_size, true, err);
  r.decimal("min-price", rules.min_price, true, err);
  r.decimal("max-price", rules.max_price, true, err);
  r.decimal("step-size", rules.step_size, true, err);
  r.decimal("min-qty", rules.min_qty, true, err);
  r.decimal("max-qty", rules.max_qty, true, err);
  r.decimal("min-notional", rules.min_notional, true, err);
  r.decimal("max-notional", rules.max_notional, true, err);
  r.decimal("bid-multiplier-up", rules.bid_multiplier_up, false, err);
  r.decimal("bid-multiplier-down", rules.bid_multiplier_down, false, err);
  r.decimal("ask-multiplier-up", rules.ask_multiplier_up, false, err);
  r.decimal("ask-multiplier-down", rules.ask_multiplier_down, false, err);
  double max_orders = static_cast<double>(rules.max_num_orders);
  r.number("max-num-orders", max_orders, 1, 1e6, err);
  rules.max_num_orders = static_cast<int64_t>(max_orders);
  if (err.empty() && !rules.tick_size.is_positive())
    err = r.where("tick-size") + ": must be positive";
  if (err.empty() && rules.max_qty < rules.min_qty)
    err = r.where("max-qty") + ": must be >= min-qty";
  if (more) more(r);
  r.unknown_keys(err);
}

void read_symbol_section(const ini_sections& ini, venue_config& c, error_text& err) {
  section_reader r(ini, "symbol");
  read_symbol_rules(r, c.rules, err);
}

// [symbol.<NAME>] sections, in name order; the name after the dot must be
// the section's `name`.
void read_extra_symbols(const ini_sections& ini, const std::string& base, venue_config& c,
                        error_text& err) {
  for (auto& [section, entries] : ini) {
    if (section.rfind("symbol.", 0) != 0 || !err.empty()) continue;
    section_reader r(ini, section);
    extra_symbol x;
    read_symbol_rules(r, x.rules, err, [&](section_reader& more) {
      auto data = more.raw("data");
      more.decimal("price-scale", x.price_scale, false, err);
      if (!err.empty()) return;
      if (data && !data->empty()) x.data_file = resolve(*data, base);
      else if (!x.price_scale.is_positive())
        err = more.where("data") + ": missing (give data = FILE or price-scale = X > 0)";
    });
    if (!err.empty()) return;
    if (section.substr(7) != std::string(x.rules.sym.view()))
      err = "[" + section + "] name: must be '" + section.substr(7) + "'";
    else if (x.rules.sym == c.rules.sym
             || std::any_of(c.extra_symbols.begin(), c.extra_symbols.end(),
                            [&](const extra_symbol& e) { return e.rules.sym == x.rules.sym; }))
      err = "[" + section + "] name: symbol listed twice";
    else
      c.extra_symbols.push_back(x);
  }
}

void read_replay_section(const ini_sections& ini, venue_config& c, error_text& err) {
  section_reader r(ini, "replay");
  double levels = c.seed.levels_per_side;
  r.number("seed-levels", levels, 1, 50, err);
  c.seed.levels_per_side = static_cast<int>(levels);
  r.decimal("seed-qty", c.seed.level_qty, true, err);
  // `seed`: an unsigned 64-bit integer (0: no size variation).
  if (auto v = r.raw("seed"); v && err.empty()) {
    auto parsed = parse_seed(*v);
    if (!parsed) err = r.where("seed") + ": must be an integer in [0, 2^64), got '" + *v + "'";
    else c.seed.seed = *parsed;
  }
  if (err.empty() && !c.seed.level_qty.is_positive())
    err = r.where("seed-qty") + ": must be positive";
  r.unknown_keys(err);
}

void read_tls_section(const ini_sections& ini, const std::string& base, venue_config& c,
                      error_text& err) {
  section_reader r(ini, "tls");
  if (auto e = r.raw("enabled")) {
    if (*e == "true") c.tls.enabled = true;
    else if (*e == "false") c.tls.enabled = false;
    else err = r.where("enabled") + ": must be true or false, got '" + *e + "'";
  }
  auto cert = r.raw("cert-file"), key = r.raw("key-file");
  if (cert && !cert->empty()) c.tls.cert_file = resolve(*cert, base);
  if (key && !key->empty()) c.tls.key_file = resolve(*key, base);
  if (err.empty() && c.tls.enabled && c.tls.cert_file.empty())
    err = r.where("cert-file") + ": missing (needed when enabled = true)";
  if (err.empty() && c.tls.enabled && c.tls.key_file.empty())
    err = r.where("key-file") + ": missing (needed when enabled = true)";
  r.unknown_keys(err);
}

void read_faults_section(const ini_sections& ini, venue_config& c, error_text& err) {
  auto it = ini.find("faults");
  if (it == ini.end()) return;
  for (auto& [key, entry] : it->second)
    c.faults.emplace_back(key, entry.value);
  // Validated once here, so a bad value stops the venue before it listens.
  fault_plan check;
  if (auto e = check.apply(c.faults, fault_source::config)) err = "[faults] " + *e;
}

} // namespace

std::optional<uint64_t> parse_seed(const std::string& text) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::variant<ini_sections, std::string> parse_ini(const std::string& text) {
  std::string error;
  auto parsed = ini_file::parse(text, error);
  if (!parsed) return error;
  auto sections = parsed->sections();
  if (auto top = sections.find(""); top != sections.end() && !top->second.empty()) {
    int first = top->second.begin()->second.line;
    for (auto& entry : top->second) first = std::min(first, entry.second.line);
    return "line " + std::to_string(first) + ": expected key=value under a [section]";
  }
  sections.erase("");
  return sections;
}

std::variant<venue_config, std::string> load_venue_config(const std::string& text,
                                                          const std::string& base_dir) {
  auto parsed = parse_ini(text);
  if (auto e = std::get_if<std::string>(&parsed)) return *e;
  auto& ini = std::get<ini_sections>(parsed);
  venue_config c;
  error_text err;
  for (auto& [name, s] : ini)
    if (name != "venue" && name != "symbol" && name != "replay" && name != "faults"
        && name != "tls" && name != "fix" && name.rfind("symbol.", 0) != 0 && err.empty())
      err = "[" + name + "]: unknown section";
  if (err.empty()) read_venue_section(ini, base_dir, c, err);
  if (err.empty()) read_symbol_section(ini, c, err);
  if (err.empty()) read_extra_symbols(ini, base_dir, c, err);
  if (err.empty()) read_replay_section(ini, c, err);
  if (err.empty()) read_faults_section(ini, c, err);
  if (err.empty()) read_tls_section(ini, base_dir, c, err);
  if (!err.empty()) return err;
  return c;
}

std::variant<key_store, std::string> load_keys(const std::string& text) {
  auto parsed = parse_ini(text);
  if (auto e = std::get_if<std::string>(&parsed)) return *e;
  key_store keys;
  for (auto& [name, s] : std::get<ini_sections>(parsed)) {
    if (name.rfind("account.", 0) != 0) return "[" + name + "]: expected [account.<name>]";
    api_account a{name.substr(8), {}, {}, {}, {}};
    bool name_ok = !a.name.empty();
    for (char ch : a.name) name_ok = name_ok && std::isalnum(static_cast<unsigned char>(ch));
    if (!name_ok) return "[" + name + "]: account name must be letters/digits";
    for (auto& [k, e] : s) {
      if (k == "api-key") a.api_key = e.value;
      else if (k == "secret") a.secret = e.value;
      else if (k == "passphrase") a.passphrase = e.value; // OKX v5 OK-ACCESS-PASSPHRASE
      else if (k.rfind("balance.", 0) == 0 && k.size() > 8) {
        // Starting free balance of one asset (GET /api/v3/account "balances").
        auto amount = qty::parse(e.value);
        if (!amount || amount->raw < 0)
          return "[" + name + "] " + k + ": must be a non-negative decimal";
        a.balances[k.substr(8)] = *amount;
      } else return "[" + name + "] " + k + ": unknown key";
    }
    if (!api_key_format_ok(a.api_key)) return "[" + name + "] api-key: must be 1-128 letters/digits";
    if (a.secret.empty()) return "[" + name + "] secret: missing";
    if (!keys.add(a)) return "[" + name + "] api-key: used by another account";
  }
  if (keys.size() == 0) return "keys file: no [account.<name>] section";
  return keys;
}

} // namespace cwts::venue
