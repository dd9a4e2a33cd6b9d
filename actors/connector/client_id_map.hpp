#pragma once
// The venue's client order ids <-> ours, for the sessions whose venue takes
// a mapped id (okx_client_id, kraken_client_id): which of our ids a venue
// key stands for, and which venue key an amended order (our replacement id)
// still answers to. Both maps are bounded; a mapping whose order is still
// open is kept past the bound.

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>

#include "messages/ids.hpp"

namespace cwts::connector {

class client_id_map {
public:
  using to_venue_fn = std::string (*)(const client_order_id&);
  static constexpr std::size_t ids_kept = 65536;
  static constexpr std::size_t amended_kept = 4096;

  explicit client_id_map(to_venue_fn to_venue) : to_venue_(to_venue) {}

  // The venue key of our id: the amended order's original key, else mapped.
  std::string venue_key(const client_order_id& id) const {
    auto it = amended_.find(id);
    return it == amended_.end() ? to_venue_(id) : it->second;
  }

  // Our id for a venue key; a key never remembered is taken as ours.
  client_order_id our_id(const std::string& key) const {
    auto it = ids_.find(key);
    return it == ids_.end() ? client_order_id{key} : it->second;
  }

  bool known(const std::string& key) const { return ids_.count(key) != 0; }

  // Bounded: the oldest mapping goes first unless `still_open(our id)`;
  // `forget(key)` drops what the caller keeps per key along with it.
  template <class StillOpen, class Forget>
  void remember(const client_order_id& id, StillOpen still_open, Forget forget) {
    auto key = to_venue_(id);
    if (!ids_.emplace(key, id).second)
      return;
    ids_order_.push_back(key);
    for (std::size_t turns = 0; ids_order_.size() > ids_kept && turns < ids_order_.size();
         ++turns) {
      auto oldest = std::move(ids_order_.front());
      ids_order_.pop_front();
      auto it = ids_.find(oldest);
      if (it != ids_.end() && still_open(it->second)) {
        ids_order_.push_back(std::move(oldest)); // still open: keep it
        continue;
      }
      ids_.erase(oldest);
      forget(oldest);
    }
  }

  // The venue's order under `key` kept its key through an amend and now
  // answers to `replacement`.
  void amended(const std::string& key, const client_order_id& replacement) {
    ids_[key] = replacement;
    if (amended_.emplace(replacement, key).second) {
      amended_order_.push_back(replacement);
      if (amended_order_.size() > amended_kept) {
        amended_.erase(amended_order_.front());
        amended_order_.pop_front();
      }
    }
  }

private:
  to_venue_fn to_venue_;
  std::unordered_map<std::string, client_order_id> ids_; // venue key -> ours
  std::deque<std::string> ids_order_;                    // oldest first
  std::map<client_order_id, std::string> amended_;       // replacement -> venue key
  std::deque<client_order_id> amended_order_;            // oldest first
};

} // namespace cwts::connector
