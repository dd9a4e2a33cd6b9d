#pragma once
// The epochs a grantor promised, per role, and the member each went to,
// kept across restarts (docs/supervision.md "Trading lease"): orders carry
// their lease's epoch and connectors refuse older ones, so an epoch must
// never go back, even after a crash; and the holder is kept with it so that
// a restarted grantor grants that holder's renewals again (else it refuses
// the rightful holder until its lease lapses). A small text file, written
// with fsync + rename (as the kill's halt state, actors/kill/halt_state.cpp)
// before a new epoch is granted:
//
//   cwts-lease-epochs/2
//   oms=12 tr1
//   connector.binance=4 gw1
//
// Version 1 files (`oms=12`, no holder) are still read. A missing file is
// an empty store (a first start). A file that exists but cannot be read is
// an error: the node would otherwise hand out epochs it may have promised
// already.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace cwts {

struct promised_lease {
  int64_t epoch = 0;
  std::string holder; // empty: not known (a version 1 file)
};
using lease_epochs = std::map<std::string, promised_lease>; // by role

// nullopt with `error` when the file exists but is unreadable or malformed.
std::optional<lease_epochs> load_lease_epochs(const std::string& path, std::string& error);
bool save_lease_epochs(const std::string& path, const lease_epochs& epochs, std::string& error);

} // namespace cwts
