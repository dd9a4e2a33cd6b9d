#pragma once
// Per-account asset balances (rest-api.md "Account information": free and
// locked per asset). An open order locks what it may spend: a BUY LIMIT
// price * quantity of the quote asset, a SELL its quantity of the base
// asset; fills move the amounts between assets, closing releases the rest.
// Commissions are zero.

#include <map>
#include <string>

#include "messages/decimal.hpp"

namespace cwts::venue {

struct asset_balance {
  qty free;   // every asset uses the 8-decimal fixed type
  qty locked;
};

class balance_book {
public:
  using assets = std::map<std::string, asset_balance>;

  void credit(const std::string& account, const std::string& asset, qty amount);
  qty free(const std::string& account, const std::string& asset) const;
  // free -> locked; the caller has checked free() first.
  void lock(const std::string& account, const std::string& asset, qty amount);
  // locked -> free.
  void unlock(const std::string& account, const std::string& asset, qty amount);
  // Removes from locked / from free (spent by a fill).
  void spend_locked(const std::string& account, const std::string& asset, qty amount);
  void spend_free(const std::string& account, const std::string& asset, qty amount);
  // Empty for an account that never held anything.
  const assets& of(const std::string& account) const;

private:
  std::map<std::string, assets> accounts_;
};

} // namespace cwts::venue
