#pragma once
// One function per drill scenario (drill_runner.hpp lists them). Each runs
// on a ready, trading cluster: it records the injection, measures, and adds
// its expectations to the report.

#include "nodes/cluster/drill_context.hpp"

namespace cwts::cluster {

void drill_actor_crash(drill_context& ctx);
void drill_node_kill(drill_context& ctx);
void drill_venue_disconnect(drill_context& ctx);
void drill_partition(drill_context& ctx);
void drill_byzantine(drill_context& ctx);
void drill_forged_reset(drill_context& ctx);

} // namespace cwts::cluster
