#pragma once
// Which of risk's refusals go to the OMS journal in full (review R1 H2). A
// strategy that spams bad orders must not grow the journal, fill the OMS
// mailbox ahead of good orders and a kill's cancels, or slow the order path:
// per (strategy, rule) a token bucket admits `per_second` full records (burst
// the same); past it refusals are counted, and one summary per key and
// second says how many were left out, between which times, so the record
// stays honest (a regulator sees N suppressed, not silence). The keys are
// bounded: past `max_keys` the least recently used one is evicted, its
// pending count flushed as a summary first. CAF-free.

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "messages/orders.hpp"
#include "messages/time.hpp"

namespace cwts::risk {

struct reject_forwarding_limits {
  int64_t per_second = 100; // full records per (strategy, rule) and second
  size_t max_keys = 1024;   // (strategy, rule) pairs tracked at once
  int64_t summary_every_ns = 1'000'000'000;
};

// N refusals of one rule for one strategy that were not forwarded.
struct suppressed_rejects {
  order_request last;  // the last suppressed order (the record's order fields)
  reject_reason rule = reject_reason::venue_unreachable;
  int64_t count = 0;
  timestamp_ns first;  // wall clock of the first and the last suppressed refusal
  timestamp_ns last_at;
  std::string last_detail;
  // "N rejects (rule) of strategy S suppressed between T1 and T2 ns, over
  // R/s; the last: <detail>": the count leads, so a reader can parse it.
  std::string text(int64_t per_second) const;
};

class reject_forwarder {
public:
  explicit reject_forwarder(reject_forwarding_limits limits = {});

  // True: forward this refusal in full. False: it is counted in its key's
  // next summary. `mono` paces the bucket, `wall` is the record's time.
  bool admit(const order_request& req, reject_reason rule, const std::string& detail,
             int64_t mono, timestamp_ns wall);

  // Summaries whose key started counting at least summary_every_ns ago, and
  // those of evicted keys; each key's count restarts from zero.
  std::vector<suppressed_rejects> due(int64_t mono);

  // True while some key holds suppressed refusals not yet summarized.
  bool pending() const { return pending_ > 0 || !evicted_.empty(); }

  int64_t forwarded() const { return forwarded_; }
  int64_t suppressed() const { return suppressed_; }
  int64_t summaries() const { return summaries_; }
  int64_t evictions() const { return evictions_; }
  size_t keys() const { return keys_.size(); }

private:
  struct bucket {
    double tokens = 0;
    int64_t refilled_at = 0;
    int64_t counting_since = 0; // mono time of the first suppressed refusal
    suppressed_rejects held;
    std::list<std::string>::iterator lru;
  };

  bucket& find_or_add(const std::string& key, int64_t mono);

  reject_forwarding_limits limits_;
  std::unordered_map<std::string, bucket> keys_;
  std::list<std::string> lru_; // front: most recently used
  std::vector<suppressed_rejects> evicted_;
  int64_t pending_ = 0; // keys with held.count > 0
  int64_t forwarded_ = 0, suppressed_ = 0, summaries_ = 0, evictions_ = 0;
};

} // namespace cwts::risk
