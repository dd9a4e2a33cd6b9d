#pragma once
// One order's timeline across nodes (docs/tracing.md): the answers of
// several nodes to GET /api/trace?order=<id> merged (a span once, by its
// id), ordered by start, printed one hop a line with when it started (from
// the first), how long it took, and how long after its parent hop ended it
// started: the hand-over between hops, the network between nodes included.
// Shared by `cwts trace` and the console's `trace`. CAF-free.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "nodes/console/admin_client.hpp"

namespace cwts::console {

struct trace_span {
  std::string node, trace_id, span_id, parent_span_id, name, order;
  int64_t start_ns = 0, end_ns = 0;
};

// The spans of the answers, merged and ordered; nullopt with `error` when an
// answer is not a node's /api/trace JSON.
std::optional<std::vector<trace_span>> merge_trace_answers(const std::vector<std::string>& bodies,
                                                           std::string& error);

// The timeline as text (a header line, then a table); "no span of order ..."
// when there is none.
std::string render_trace(const std::string& order, const std::vector<trace_span>& spans);

// The merged spans as one JSON document (--json).
std::string trace_json(const std::string& order, const std::vector<trace_span>& spans);

// Asks every node for the order's spans and merges them, keeping the
// trace's order-less spans (tick, validate) and this order's (a tick that
// led to a bid and an ask shares its trace with the other order); `notes`
// has a line for each node that gave none (unreachable, tracing off, a bad
// answer).
struct gathered_trace {
  std::vector<trace_span> spans;
  std::vector<std::string> notes;
  size_t reached = 0; // nodes that answered with their spans (possibly none)
};
gathered_trace gather_trace(const std::vector<admin_address>& nodes, const std::string& order,
                            std::chrono::milliseconds timeout);

} // namespace cwts::console
