// cwts-datagen: writes a GENERATED intraday trades tape in Binance's spot
// `trades` CSV format from a REAL half-hourly price spine (data/README.md).
// Model, per pair of consecutive spine points (t0, p0) → (t1, p1):
//   - trade arrivals: Poisson with rate --rate per second;
//   - price: a Brownian bridge in log price from p0 to p1, volatility per
//     sqrt(second) estimated from the spine's own half-hour log returns;
//   - size: log-normal, median --qty-median, log-sd --qty-sigma, whole units;
//   - isBuyerMaker: from the sign of the move (down-tick: seller aggressed),
//     a fair coin on zero ticks.
// All randomness comes from one std::mt19937_64 seeded with --seed, with the
// normal and exponential draws done here (not std:: distributions, whose
// output differs between standard libraries), so the output is reproducible.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr const char* usage =
  "usage: cwts-datagen --spine FILE --out FILE [--seed N] [--rate R] [--qty-median Q]\n"
  "                    [--qty-sigma S]\n"
  "  --spine FILE   CSV \"time\",\"USDCHF\" of real half-hour rates (time as\n"
  "                 \"YYYY-MM-DD HH:MM:SS\", UTC)\n"
  "  --out FILE     output: Binance spot trades CSV, no header\n"
  "  --seed N       random seed (default 20260101)\n"
  "  --rate R       mean trades per second (default 0.1)\n"
  "  --qty-median Q median trade size in base units (default 10000)\n"
  "  --qty-sigma S  log-sd of trade size (default 1.0)\n"
  "example:\n"
  "  cwts-datagen --spine data/usdchf_spine_1996-04-02_04.csv \\\n"
  "               --out data/usdchf_trades_generated.csv --seed 20260101\n";

struct spine_point {
  int64_t time_ms;
  double px;
};

struct rng {
  std::mt19937_64 gen;
  double uniform() { return (static_cast<double>(gen() >> 11) + 0.5) / 9007199254740992.0; }
  double normal() { // Box-Muller
    return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * M_PI * uniform());
  }
  double exponential(double rate) { return -std::log(uniform()) / rate; }
};

int64_t days_from_civil(int y, unsigned m, unsigned d) { // H. Hinnant's algorithm
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::vector<spine_point> read_spine(const std::string& path) {
  std::ifstream in(path);
  std::vector<spine_point> out;
  std::string line;
  while (std::getline(in, line)) {
    int y, mo, d, h, mi, s;
    double px;
    if (std::sscanf(line.c_str(), "\"%d-%d-%d %d:%d:%d\",%lf", &y, &mo, &d, &h, &mi, &s, &px) != 7)
      continue; // header
    auto days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    out.push_back({((days * 24 + h) * 60 + mi) * 60000 + s * 1000LL, px});
  }
  return out;
}

double sigma_per_sqrt_second(const std::vector<spine_point>& sp) {
  double sum = 0, sum2 = 0;
  size_t n = 0;
  for (size_t i = 1; i < sp.size(); ++i) {
    double r = std::log(sp[i].px / sp[i - 1].px);
    double dt = static_cast<double>(sp[i].time_ms - sp[i - 1].time_ms) / 1000.0;
    sum += r / std::sqrt(dt);
    sum2 += r * r / dt;
    ++n;
  }
  return n < 2 ? 0 : std::sqrt((sum2 - sum * sum / n) / static_cast<double>(n - 1));
}

std::string fixed8(int64_t scaled) { // scaled by 1e8, non-negative
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%08lld", static_cast<long long>(scaled / 100000000),
                static_cast<long long>(scaled % 100000000));
  return buf;
}

} // namespace

int main(int argc, char** argv) {
  std::string spine_path, out_path;
  uint64_t seed = 20260101;
  double rate = 0.1, qty_median = 10000, qty_sigma = 1.0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") { std::cout << usage; return 0; }
    if (i + 1 >= argc) { std::cerr << a << ": missing value\n" << usage; return 2; }
    std::string v = argv[++i];
    if (a == "--spine") spine_path = v;
    else if (a == "--out") out_path = v;
    else if (a == "--seed") seed = std::stoull(v);
    else if (a == "--rate") rate = std::stod(v);
    else if (a == "--qty-median") qty_median = std::stod(v);
    else if (a == "--qty-sigma") qty_sigma = std::stod(v);
    else { std::cerr << a << ": unknown option\n" << usage; return 2; }
  }
  auto spine = read_spine(spine_path);
  if (spine.size() < 2 || out_path.empty() || !(rate > 0) || !(qty_median >= 1)) {
    std::cerr << "need --spine with >= 2 points, --out, rate > 0, qty-median >= 1\n" << usage;
    return 2;
  }
  rng r{std::mt19937_64(seed)};
  const double sigma = sigma_per_sqrt_second(spine);
  std::ofstream out(out_path);
  int64_t id = 1, last_px = std::llround(spine[0].px * 1e4);
  for (size_t i = 1; i < spine.size(); ++i) {
    double x = std::log(spine[i - 1].px), x1 = std::log(spine[i].px);
    double t = 0, t_prev = 0;
    double T = static_cast<double>(spine[i].time_ms - spine[i - 1].time_ms) / 1000.0;
    while ((t += r.exponential(rate)) < T) {
      // Brownian bridge step from (t_prev, x) towards (T, x1), sampled
      // sequentially: mean moves linearly to x1, variance dt (T - t) / rest.
      double dt = t - t_prev, rest = T - t_prev;
      x += (x1 - x) * dt / rest + sigma * std::sqrt(dt * (T - t) / rest) * r.normal();
      t_prev = t;
      int64_t px4 = std::llround(std::exp(x) * 1e4); // 4 decimals
      int64_t units = std::max<int64_t>(1, std::llround(qty_median * std::exp(qty_sigma * r.normal())));
      bool buyer_maker = px4 < last_px || (px4 == last_px && r.uniform() < 0.5);
      last_px = px4;
      int64_t time = spine[i - 1].time_ms + static_cast<int64_t>(t * 1000);
      out << id++ << ',' << fixed8(px4 * 10000) << ',' << fixed8(units * 100000000) << ','
          << fixed8(px4 * units * 10000) << ',' << time << ','
          << (buyer_maker ? "True" : "False") << ",True\n";
    }
  }
  std::cerr << "cwts-datagen: wrote " << id - 1 << " trades, sigma=" << sigma
            << " per sqrt(s), seed=" << seed << "\n";
  return 0;
}
