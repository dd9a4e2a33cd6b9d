#include "venue/balance_book.hpp"

namespace cwts::venue {

void balance_book::credit(const std::string& account, const std::string& asset, qty amount) {
  accounts_[account][asset].free += amount;
}

qty balance_book::free(const std::string& account, const std::string& asset) const {
  auto a = accounts_.find(account);
  if (a == accounts_.end()) return qty{};
  auto b = a->second.find(asset);
  return b == a->second.end() ? qty{} : b->second.free;
}

void balance_book::lock(const std::string& account, const std::string& asset, qty amount) {
  auto& b = accounts_[account][asset];
  b.free -= amount;
  b.locked += amount;
}

void balance_book::unlock(const std::string& account, const std::string& asset, qty amount) {
  auto& b = accounts_[account][asset];
  b.locked -= amount;
  b.free += amount;
}

void balance_book::spend_locked(const std::string& account, const std::string& asset,
                                qty amount) {
  accounts_[account][asset].locked -= amount;
}

void balance_book::spend_free(const std::string& account, const std::string& asset,
                              qty amount) {
  accounts_[account][asset].free -= amount;
}

const balance_book::assets& balance_book::of(const std::string& account) const {
  static const assets none;
  auto a = accounts_.find(account);
  return a == accounts_.end() ? none : a->second;
}

} // namespace cwts::venue
