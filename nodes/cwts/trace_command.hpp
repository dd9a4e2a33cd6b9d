#pragma once
// `cwts trace <client-order-id> (--admin=HOST:PORT[,...] | --config=CLUSTER)`
// (issue 23, docs/tracing.md): one order's timeline across nodes, from each
// node's GET /api/trace. No CAF.

namespace cwts {

// 0 spans found; 1 none of that order on any node asked; 2 usage or config;
// 5 no node answered.
int run_trace_command(int argc, char** argv);

} // namespace cwts
