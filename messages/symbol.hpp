#pragma once
// A trading symbol ("BTCUSDT") stored inline: no allocation when market data
// is copied between actors.

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "caf/meta/type_name.hpp"

namespace cwts {

class symbol {
public:
  static constexpr size_t max_length = 15;

  symbol() { chars_.fill('\0'); }

  // Upper-case letters and digits, 1..15 characters (Binance symbols fit).
  static std::optional<symbol> parse(std::string_view text);

  std::string_view view() const { return std::string_view(chars_.data(), length()); }
  std::string str() const { return std::string(view()); }
  size_t length() const;
  bool empty() const { return chars_[0] == '\0'; }

  friend bool operator==(const symbol& a, const symbol& b) { return a.chars_ == b.chars_; }
  friend bool operator!=(const symbol& a, const symbol& b) { return a.chars_ != b.chars_; }
  friend bool operator<(const symbol& a, const symbol& b) { return a.chars_ < b.chars_; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, symbol& x) {
    return f(caf::meta::type_name("symbol"), x.chars_);
  }

private:
  std::array<char, max_length + 1> chars_;
};

} // namespace cwts

namespace std {
template <>
struct hash<cwts::symbol> {
  size_t operator()(const cwts::symbol& s) const noexcept {
    return std::hash<std::string_view>{}(s.view());
  }
};
} // namespace std
