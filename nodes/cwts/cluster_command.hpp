#pragma once
// Subcommands of `cwts` that work on a whole local cluster (no CAF).

namespace cwts {

// cwts cluster up|status|down --config=FILE
int run_cluster_command(int argc, char** argv);

// cwts drill <scenario> --config=FILE [--report=PATH]
int run_drill_command(int argc, char** argv);

} // namespace cwts
