// The gpu_worker actor with a stand-in risk actor (answers positions,
// collects reports): trades in, a correlation_report and a var_report out,
// stats naming the backend; and the reports cross the wire (serialization
// round trip of both messages).
#define CAF_SUITE gpu_worker
#include "tests/support/unit_test.hpp"

#include <cmath>
#include <mutex>

#include "caf/binary_deserializer.hpp"
#include "caf/binary_serializer.hpp"

#include "actors/gpu/gpu_worker_actor.hpp"
#include "tests/unit/actor_test_system.hpp"
#include "tests/integration/support/wait_until.hpp"

using namespace cwts;
using namespace std::chrono_literals;

namespace {

symbol sym(const char* s) {
  return *symbol::parse(s);
}

struct seen {
  std::mutex mtx;
  std::vector<correlation_report> corr;
  std::vector<var_report> var;
};

caf::behavior fake_risk(caf::event_based_actor*, std::shared_ptr<seen> out) {
  return {
    [](positions_atom) {
      position_snapshot p;
      p.sym = sym("AAA");
      p.position = *qty::parse("1000");
      return std::vector<position_snapshot>{p};
    },
    [out](const correlation_report& r) {
      std::lock_guard<std::mutex> g{out->mtx};
      out->corr.push_back(r);
    },
    [out](const var_report& r) {
      std::lock_guard<std::mutex> g{out->mtx};
      out->var.push_back(r);
    },
  };
}

template <class T>
T round_trip(caf::actor_system& sys, T x) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  CAF_REQUIRE(!sink(x));
  T y;
  caf::binary_deserializer source{sys, buf};
  CAF_REQUIRE(!source(y));
  return y;
}

} // namespace

CAF_TEST(trades_in_correlation_and_var_reports_out) {
  testing::actor_test_system t;
  auto out = std::make_shared<seen>();
  auto risk = t.sys->spawn(fake_risk, out);
  gpu_worker_config cfg;
  cfg.self = node_id{"n1"};
  cfg.settings.enabled = true;
  cfg.settings.symbols = {sym("AAA"), sym("BBB")};
  // The window counts quiet buckets too (the price did not move): wide
  // enough to still hold the trades when the first update runs.
  cfg.settings.window = 256;
  cfg.settings.bucket = 10ms;
  cfg.settings.update_interval = 50ms;
  cfg.settings.paths = 5000;
  auto gpu = spawn_gpu_worker(*t.sys, cfg);
  (*t.self)->send(gpu, wire_atom::value, role_directory{{"risk", risk}});
  // 64 buckets of 10 ms in the past: BBB moves with AAA, at twice the size.
  auto now = wall_clock_now().ns;
  std::vector<trade> batch;
  for (int b = 0; b < 64; ++b) {
    double move = std::sin(b * 1.7) * 0.01;
    for (auto [s, px] : {std::pair{"AAA", 100.0 * std::exp(move)},
                         std::pair{"BBB", 50.0 * std::exp(2 * move)}}) {
      trade tr;
      tr.sym = sym(s);
      tr.px = *price::parse(std::to_string(px).substr(0, 10));
      tr.ts_init = timestamp_ns{now - (65 - b) * 10'000'000};
      batch.push_back(tr);
    }
  }
  (*t.self)->send(gpu, batch);
  bool done = itest::wait_until(
    [&] {
      std::lock_guard<std::mutex> g{out->mtx};
      return !out->var.empty() && !out->corr.empty();
    },
    10s, 100ms);
  CAF_REQUIRE(done);
  correlation_report c;
  var_report v;
  {
    std::lock_guard<std::mutex> g{out->mtx};
    c = out->corr.back();
    v = out->var.back();
  }
  CAF_MESSAGE("backend " << c.backend << " device " << c.device << " window " << c.window
                         << " r=" << c.matrix[1] << " VaR99=" << v.var.back());
  CAF_CHECK_EQUAL(c.symbols.size(), 2u);
  CAF_CHECK_GREATER(c.matrix[1], 0.99); // prices rounded to 10 characters
  CAF_CHECK_EQUAL(v.symbols.size(), 1u); // only AAA is held
  CAF_CHECK_GREATER(v.exposure[0], 90'000.0);
  CAF_CHECK_GREATER(v.var.back(), 0.0);
  CAF_CHECK_GREATER_OR_EQUAL(v.es.back(), v.var.back());
  CAF_CHECK_EQUAL(v.paths, 5000);
  (*t.self)->request(gpu, 5s, stats_atom::value).receive(
    [&](const actor_stats& s) {
      CAF_CHECK_EQUAL(s.actor, "gpu");
      CAF_CHECK_EQUAL(s.counters.count("backend." + c.backend), 1u);
      CAF_CHECK_GREATER(s.counters.at("kernel_ns.var"), 0);
      CAF_CHECK_GREATER(s.counters.at("updates"), 0);
      CAF_CHECK_EQUAL(s.counters.at("trades.accepted"), 128);
    },
    [&](caf::error& e) { CAF_FAIL(t.sys->render(e)); });
  auto c2 = round_trip(*t.sys, c);
  CAF_CHECK_EQUAL(c2.matrix, c.matrix);
  CAF_CHECK_EQUAL(c2.device, c.device);
  auto v2 = round_trip(*t.sys, v);
  CAF_CHECK_EQUAL(v2.var, v.var);
  CAF_CHECK_EQUAL(v2.seed, v.seed);
  CAF_CHECK(v2.symbols == v.symbols);
  caf::anon_send_exit(gpu, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(risk, caf::exit_reason::user_shutdown);
}
