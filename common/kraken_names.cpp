#include "common/kraken_names.hpp"

#include <array>
#include <string_view>

namespace cwts {

namespace {

// Kraken's legacy assets (REST key = prefix + altname), by our code.
struct legacy_asset {
  std::string_view ours;
  std::string_view altname;
  char prefix;
};

constexpr std::array<legacy_asset, 17> legacy{{
  {"BTC", "XBT", 'X'}, {"ETH", "ETH", 'X'}, {"LTC", "LTC", 'X'}, {"XRP", "XRP", 'X'},
  {"XLM", "XLM", 'X'}, {"XMR", "XMR", 'X'}, {"ZEC", "ZEC", 'X'}, {"ETC", "ETC", 'X'},
  {"MLN", "MLN", 'X'}, {"REP", "REP", 'X'}, {"DOGE", "XDG", 'X'},
  {"USD", "USD", 'Z'}, {"EUR", "EUR", 'Z'}, {"GBP", "GBP", 'Z'}, {"CAD", "CAD", 'Z'},
  {"JPY", "JPY", 'Z'}, {"AUD", "AUD", 'Z'},
}};

const legacy_asset* find_legacy(std::string_view ours) {
  for (auto& a : legacy)
    if (a.ours == ours) return &a;
  return nullptr;
}

} // namespace

bool kraken_legacy_asset(const std::string& ours) { return find_legacy(ours) != nullptr; }

std::string kraken_asset(const std::string& ours) {
  auto a = find_legacy(ours);
  if (!a) return ours;
  std::string out(1, a->prefix);
  out.append(a->altname);
  return out;
}

std::string kraken_altname_asset(const std::string& ours) {
  auto a = find_legacy(ours);
  return a ? std::string(a->altname) : ours;
}

std::string kraken_v2_asset(const std::string& ours) { return ours; }

std::string kraken_our_asset(const std::string& kraken) {
  for (auto& a : legacy) {
    if (kraken == a.ours || kraken == a.altname) return std::string(a.ours);
    if (kraken.size() == a.altname.size() + 1 && kraken[0] == a.prefix
        && std::string_view(kraken).substr(1) == a.altname)
      return std::string(a.ours);
  }
  return kraken;
}

kraken_pair_names kraken_pair(const std::string& base, const std::string& quote) {
  kraken_pair_names n;
  n.base = kraken_asset(base);
  n.quote = kraken_asset(quote);
  n.altname = kraken_altname_asset(base) + kraken_altname_asset(quote);
  n.key = kraken_legacy_asset(base) && kraken_legacy_asset(quote) ? n.base + n.quote : n.altname;
  n.wsname = kraken_altname_asset(base) + "/" + kraken_altname_asset(quote);
  n.v2_symbol = kraken_v2_asset(base) + "/" + kraken_v2_asset(quote);
  return n;
}

std::optional<kraken_assets> kraken_split_symbol(const std::string& slash_name) {
  auto slash = slash_name.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == slash_name.size()
      || slash_name.find('/', slash + 1) != std::string::npos)
    return std::nullopt;
  return kraken_assets{kraken_our_asset(slash_name.substr(0, slash)),
                       kraken_our_asset(slash_name.substr(slash + 1))};
}

} // namespace cwts
