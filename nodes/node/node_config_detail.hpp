#pragma once
// Private to nodes/node/node_config*.cpp: what the readers of one concern
// share with another's. in_range and node_file_path (defined in
// node_config.cpp) are declared with the venue protocol readers, which use
// them too (venue_protocol_config.hpp).

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

} // namespace cwts::config_detail
