#pragma once
// `cwts report controls --day=YYYY-MM-DD --out=DIR ...` (docs/controls-report.md):
// one node's pre-trade controls evidence for one UTC day, written as
// controls-<day>.json and controls-<day>.html. The node's own config
// (--node-config with the arguments it ran with) gives the limits and the
// paths of its records; --journal, --audit, --decisions, --drills and
// --node-log name records directly. Exit 0 written, 2 usage or config
// error, 3 a record could not be read or the audit chain does not verify
// (the report is still written, saying so), 1 the output could not be written.

namespace cwts {

int run_report_controls_command(int argc, char** argv);

} // namespace cwts
