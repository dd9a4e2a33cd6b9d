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

struct run_result {
  std::vector<int64_t> ns; // sorted write durations
  uint64_t checkpoints = 0;
  int64_t checkpoint_max_ns = 0;
  int64_t pages_copied = 0;
};

// Journals `orders` orders into a fresh file; false (and a message) on failure.
bool run(int orders, const std::string& folder, bool full, checkpoint_mode mode, run_result& out) {
  auto path = folder + "/cwts-journal-bench-" + std::to_string(::getpid()) + ".sqlite";
  order_journal journal;
  if (auto err = journal.open(path, full ? journal_durability::power_loss
                                         : journal_durability::process_crash,
                              mode)) {
    std::fprintf(stderr, "open: %s\n", err.message().c_str());
    return false;
  }
  order_store store;
  out.ns.reserve(static_cast<size_t>(orders) * 3);
  for (int i = 0; i < orders; ++i)
    if (!one_order(store, journal, i, out.ns)) {
      std::fprintf(stderr, "write failed at order %d\n", i);
      return false;
    }
  out.checkpoints = journal.checkpoints().runs.load();
  out.checkpoint_max_ns = journal.checkpoints().max_ns.load();
  out.pages_copied = journal.checkpoints().pages_copied.load();
  journal.close();
  for (auto suffix : {"", "-wal", "-shm"})
    std::remove((path + suffix).c_str());
  std::sort(out.ns.begin(), out.ns.end());
  return true;
}

void print(const char* mode, bool full, int orders, const run_result& r) {
  std::printf("checkpoints=%s synchronous=%s orders=%d writes=%zu median_ns=%lld p99_ns=%lld "
              "p999_ns=%lld max_ns=%lld background_checkpoints=%llu background_max_ns=%lld pages_copied=%lld\n",
              mode, full ? "FULL" : "NORMAL", orders, r.ns.size(),
              static_cast<long long>(percentile(r.ns, 0.5)),
              static_cast<long long>(percentile(r.ns, 0.99)),
              static_cast<long long>(percentile(r.ns, 0.999)), static_cast<long long>(r.ns.back()),
              static_cast<unsigned long long>(r.checkpoints),
              static_cast<long long>(r.checkpoint_max_ns), static_cast<long long>(r.pages_copied));
}

} // namespace

// Runs SQLite's in-commit checkpoints (the baseline) and the background
// checkpoint thread on the same machine in one run, and prints their ratio.
int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--help") {
    std::puts("usage: oms_journal_bench [orders=20000] [folder=/tmp] [normal|full]\n"
              "e.g.:  oms_journal_bench 20000 /tmp normal");
    return 0;
  }
  int orders = argc > 1 ? std::atoi(argv[1]) : 20000;
  std::string folder = argc > 2 ? argv[2] : "/tmp";
  bool full = argc > 3 && std::string(argv[3]) == "full";
  run_result in_commit, background;
  if (!run(orders, folder, full, checkpoint_mode::in_commit, in_commit)
      || !run(orders, folder, full, checkpoint_mode::background, background))
    return 1;
  print("in_commit", full, orders, in_commit);
  print("background", full, orders, background);
  auto ratio = [](int64_t a, int64_t b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  std::printf("background/in_commit: median %.2f p99 %.2f p999 %.2f\n",
              ratio(percentile(background.ns, 0.5), percentile(in_commit.ns, 0.5)),
              ratio(percentile(background.ns, 0.99), percentile(in_commit.ns, 0.99)),
              ratio(percentile(background.ns, 0.999), percentile(in_commit.ns, 0.999)));
  return 0;
}
