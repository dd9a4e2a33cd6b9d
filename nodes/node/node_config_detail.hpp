#pragma once
// Private to nodes/node/node_config*.cpp: what the readers of one concern
// share with another's. in_range and node_file_path (defined in
// node_config.cpp) are declared with the venue protocol readers, which use
// them too (venue_protocol_config.hpp).

#include <chrono>
#include <cstddef>
#include <string>

#include "nodes/node/node_config.hpp"
#include "nodes/node/venue_protocol_config.hpp"

namespace cwts::config_detail {

// [venue] for the first venue, [venue-2] .. [venue-4] for the others
// (node_config_venues.cpp).
std::string venue_category(size_t slot);

// The keys of one [venue] / [venue-N] section, declared into `set`
// (node_config_venues.cpp).
void add_venue_options(caf::config_option_set& set, const std::string& category,
                       raw_venue_options& v);

// A duration setting (a `-ms` key) within lo..hi; otherwise false with
// "<key>: <v> is outside <lo>..<hi>" in `error`, in milliseconds, the unit
// of every duration key (node_config.cpp).
bool within(const std::string& key, std::chrono::milliseconds v, std::chrono::milliseconds lo,
            std::chrono::milliseconds hi, std::string& error);

// The same for a key where 0 turns its rule off ("... (or 0: off)").
bool off_or_within(const std::string& key, std::chrono::milliseconds v,
                   std::chrono::milliseconds lo, std::chrono::milliseconds hi, std::string& error);

} // namespace cwts::config_detail
