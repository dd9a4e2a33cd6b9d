// Cost of the OMS journal per write, as the order path pays it: one
// transaction (BEGIN IMMEDIATE .. COMMIT) per submission and per report, on
// the same file layout the node uses.
//
//   oms_journal_bench [orders] [folder] [normal|full]
//   e.g. build-core/bench/oms_journal_bench 20000 /tmp normal
//
// Each order is journaled as submitted, acknowledged and filled (3 writes).
// Prints the median, p99 and max of the monotonic time of each write.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

#include "actors/oms/order_journal.hpp"
#include "actors/oms/order_store.hpp"

using namespace cwts;
using namespace cwts::oms;

namespace {

int64_t percentile(const std::vector<int64_t>& sorted, double p) {
  auto at = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[at];
}

execution_report report_for(const order_record& r, order_status st, qty cum, qty last) {
  execution_report rep;
  rep.id = r.request.id;
  rep.sym = r.request.sym;
  rep.venue_id.value = 1;
  rep.status = st;
  rep.cum_qty = cum;
  rep.last_qty = last;
  rep.last_price = r.request.limit_price;
  rep.leaves_qty = r.request.quantity - cum;
  rep.ts_init = wall_clock_now();
  return rep;
}

// Journals one order's life; appends each write's duration to `ns`.
bool one_order(order_store& store, order_journal& journal, int i, std::vector<int64_t>& ns) {
  order_request req;
  req.id.value = "bench-" + std::to_string(i);
  req.sym = *symbol::parse("BTCUSDT");
  req.limit_price = price::from_units(30000);
  req.quantity = qty::from_units(1);
  auto now = wall_clock_now();
  store.submit(req, now);
  if (journal.record_submitted(req, now))
    return false;
  ns.push_back(journal.counters().last_write_ns);
  const auto& rec = *store.find(req.id);
  for (auto st : {order_status::accepted, order_status::filled}) {
    auto cum = st == order_status::filled ? req.quantity : qty{};
    auto upd = store.apply(report_for(rec, st, cum, cum));
    if (journal.record_update(rec, upd))
      return false;
    ns.push_back(journal.counters().last_write_ns);
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--help") {
    std::puts("usage: oms_journal_bench [orders=20000] [folder=/tmp] [normal|full]\n"
              "e.g.:  oms_journal_bench 20000 /tmp normal");
    return 0;
  }
  int orders = argc > 1 ? std::atoi(argv[1]) : 20000;
  std::string folder = argc > 2 ? argv[2] : "/tmp";
  bool full = argc > 3 && std::string(argv[3]) == "full";
  auto path = folder + "/cwts-journal-bench-" + std::to_string(::getpid()) + ".sqlite";
  order_journal journal;
  if (auto err = journal.open(path, full ? journal_durability::power_loss
                                         : journal_durability::process_crash)) {
    std::fprintf(stderr, "open: %s\n", err.message().c_str());
    return 1;
  }
  order_store store;
  std::vector<int64_t> ns;
  ns.reserve(static_cast<size_t>(orders) * 3);
  for (int i = 0; i < orders; ++i)
    if (!one_order(store, journal, i, ns)) {
      std::fprintf(stderr, "write failed at order %d\n", i);
      return 1;
    }
  journal.close();
  for (auto suffix : {"", "-wal", "-shm"})
    std::remove((path + suffix).c_str());
  std::sort(ns.begin(), ns.end());
  std::printf("synchronous=%s orders=%d writes=%zu median_ns=%lld p99_ns=%lld max_ns=%lld\n",
              full ? "FULL" : "NORMAL", orders, ns.size(),
              static_cast<long long>(percentile(ns, 0.5)),
              static_cast<long long>(percentile(ns, 0.99)), static_cast<long long>(ns.back()));
  return 0;
}
