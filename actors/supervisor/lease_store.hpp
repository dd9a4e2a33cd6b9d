#pragma once
// The epochs a grantor promised, per role, kept across restarts
// (docs/supervision.md "Trading lease"): orders carry their lease's epoch
// and connectors refuse older ones, so an epoch must never go back, even
// after a crash. A small text file, written with fsync + rename (as the
// kill's halt state, actors/kill/halt_state.cpp) before a new epoch is
// granted:
//
//   cwts-lease-epochs/1
//   oms=12
//   connector.binance=4
//
// A missing file is an empty store (a first start). A file that exists but
// cannot be read is an error: the node would otherwise hand out epochs it
// may have promised already.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace cwts {

using lease_epochs = std::map<std::string, int64_t>;

// nullopt with `error` when the file exists but is unreadable or malformed.
std::optional<lease_epochs> load_lease_epochs(const std::string& path, std::string& error);
bool save_lease_epochs(const std::string& path, const lease_epochs& epochs, std::string& error);

} // namespace cwts
