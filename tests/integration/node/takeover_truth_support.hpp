#pragma once
// What node_takeover_truth_test reads besides `cwts status`: a dead or stopped
// node's OMS journal file (its fills as the OMS hands them to risk, who wrote
// each, every order's row), risk's position lines from the status text, the
// positions risk's own core (risk::position_book) rebuilds from a run of
// fills, and the venue's per-account order log (docs/venue.md "Order log").
// Header-only: used by that one test.

#include <sqlite3.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "actors/oms/order_journal.hpp"
#include "actors/risk/position_book.hpp"
#include "messages/decimal.hpp"
#include "messages/reconciliation.hpp"
#include "tests/integration/support/cluster.hpp"

namespace cwts::itest::takeover {

struct journal_order {
  std::string status; // FIX name: NEW, FILLED, CANCELED, REJECTED...
  qty cum;
  int64_t submitted_ns = 0; // ts_pending_new: when the OMS journaled it (wall ns)
  bool live = false;
  std::string last_text; // the venue's or the reconciliation's last text
};

struct journal_file {
  std::vector<journaled_fill> fills;    // order_journal::all_fills: what risk is sent
  std::vector<std::string> fill_writer; // events.node of each fill, same order
  std::vector<std::string> fill_text;   // events.venue_text of each fill ("reconciliation": a catch-up)
  std::map<std::string, journal_order> orders; // by client order id
  std::string error;
};

// Reads `path` after its OMS is gone (killed or stopped): the fills through
// the OMS's own reader, the rest with plain SQL on the same file.
inline journal_file read_journal_file(const std::string& path) {
  journal_file out;
  {
    cwts::oms::order_journal j;
    if (auto err = j.open(path)) {
      out.error = err.message();
      return out;
    }
    if (auto err = j.all_fills(out.fills)) {
      out.error = err.message();
      return out;
    }
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    out.error = "sqlite open: " + std::string(db ? sqlite3_errmsg(db) : "no memory");
    sqlite3_close(db);
    return out;
  }
  auto text = [](sqlite3_stmt* s, int col) {
    auto* t = sqlite3_column_text(s, col);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string{};
  };
  auto query = [&](const char* sql, auto&& row) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
      out.error = std::string("sqlite prepare: ") + sqlite3_errmsg(db);
      return;
    }
    while (sqlite3_step(s) == SQLITE_ROW)
      row(s);
    sqlite3_finalize(s);
  };
  // The same rows and order as order_journal::read_fills.
  query("SELECT e.node, e.venue_text FROM events e JOIN orders o ON o.client_order_id = "
        "e.client_order_id WHERE e.fill_qty > 0 ORDER BY e.seq",
        [&](sqlite3_stmt* s) {
          out.fill_writer.push_back(text(s, 0));
          out.fill_text.push_back(text(s, 1));
        });
  query("SELECT client_order_id, status, cum_qty, ts_pending_new, live, last_text FROM orders",
        [&](sqlite3_stmt* s) {
          out.orders[text(s, 0)] = journal_order{text(s, 1), qty::from_raw(sqlite3_column_int64(s, 2)),
                                                 sqlite3_column_int64(s, 3),
                                                 sqlite3_column_int64(s, 4) != 0, text(s, 5)};
        });
  sqlite3_close(db);
  if (out.error.empty() && out.fill_writer.size() != out.fills.size())
    out.error = "fills read twice differ in number";
  return out;
}

inline bool same_fill(const journaled_fill& a, const journaled_fill& b) {
  return a.id == b.id && a.sym == b.sym && a.order_side == b.order_side && a.quantity == b.quantity
         && a.px == b.px;
}

inline std::string describe(const journaled_fill& f) {
  return f.id.value + " " + f.sym.str() + " " + to_string(f.order_side) + " "
         + f.quantity.to_string() + "@" + f.px.to_string();
}

// One symbol's position as risk publishes it (`cwts status`:
// "position USDCHF qty=.. avg_cost=.. realized=.. unrealized=.. mark=..").
struct risk_position {
  qty net;
  price avg_cost;
  notional realized;
  notional unrealized;
  std::optional<price> mark; // none: risk has taken no price for it yet
};

inline std::string describe(const risk_position& p) {
  return "qty=" + p.net.to_string() + " avg_cost=" + p.avg_cost.to_string()
         + " realized=" + p.realized.to_string() + " unrealized=" + p.unrealized.to_string();
}

// Risk's position lines of a status text, by symbol; nullopt when one does
// not parse.
inline std::optional<std::map<std::string, risk_position>> positions_of(const std::string& status) {
  std::map<std::string, risk_position> out;
  std::istringstream in(status);
  const std::string marker = "  position ";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(marker, 0) != 0)
      continue;
    auto rest = line.substr(marker.size());
    auto sp = rest.find(' ');
    if (sp == std::string::npos)
      return std::nullopt;
    auto f = parse_fields(rest.substr(sp + 1));
    auto net = qty::parse(f["qty"]);
    auto avg = price::parse(f["avg_cost"]);
    auto realized = notional::parse(f["realized"]);
    auto unrealized = notional::parse(f["unrealized"]);
    auto mark = f["mark"] == "none" ? std::optional<price>() : price::parse(f["mark"]);
    if (!net || !avg || !realized || !unrealized || (!mark && f["mark"] != "none"))
      return std::nullopt;
    out[rest.substr(0, sp)] = risk_position{*net, *avg, *realized, *unrealized, mark};
  }
  return out;
}

// Two positions of risk's core equal to the unit: net, average cost, realized PnL.
inline bool same_position(const risk::position& a, const risk::position& b) {
  return a.net == b.net && a.avg_cost == b.avg_cost && a.realized_pnl == b.realized_pnl;
}

inline std::string describe(const risk::position& p) {
  return "qty=" + p.net.to_string() + " avg_cost=" + p.avg_cost.to_string()
         + " realized=" + p.realized_pnl.to_string();
}

// Risk's core rebuilding positions from the first `n` fills, exactly as a
// restarted or taking-over risk does (position_book::restore_fills).
struct rebuilt {
  risk::position_book book;
  explicit rebuilt(const std::vector<journaled_fill>& fills, size_t n) {
    book.restore_fills(std::vector<journaled_fill>(fills.begin(), fills.begin() + n));
  }
  // Net, average cost and realized PnL equal to the unit (raw 1e-8).
  bool equals(const std::string& sym, const risk_position& p) const {
    auto s = symbol::parse(sym);
    if (!s)
      return false;
    auto mine = book.get(*s);
    return mine.net == p.net && mine.avg_cost == p.avg_cost && mine.realized_pnl == p.realized;
  }
};

// The smallest n >= from such that the first n fills rebuild exactly what
// risk published (every symbol it lists); nullopt when none does.
inline std::optional<size_t> matching_prefix(const std::vector<journaled_fill>& fills, size_t from,
                                             const std::map<std::string, risk_position>& published) {
  for (size_t n = from; n <= fills.size(); ++n) {
    rebuilt r(fills, n);
    bool all = !published.empty();
    for (auto& [sym, p] : published)
      all = all && r.equals(sym, p);
    if (all)
      return n;
  }
  return std::nullopt;
}

// The mark (on the 0.0001 tick grid of the test's venue) at which `book`'s
// position shows exactly `unrealized`; nullopt when none near the estimate.
// Flat positions show zero at any mark.
inline std::optional<price> mark_for(const risk::position_book& book, const symbol& sym,
                                     notional unrealized) {
  auto pos = book.get(sym);
  if (pos.net.is_zero())
    return unrealized.is_zero() ? std::optional<price>(pos.avg_cost) : std::nullopt;
  constexpr int64_t tick = 10000; // 0.0001 in raw units
  double estimate = pos.avg_cost.to_double() + unrealized.to_double() / pos.net.to_double();
  auto center = static_cast<int64_t>(estimate * 1e4 + 0.5) * tick;
  for (int64_t d = -3; d <= 3; ++d) {
    auto m = price::from_raw(center + d * tick);
    if (auto u = book.unrealized_pnl(sym, m); u && *u == unrealized)
      return m;
  }
  return std::nullopt;
}

// The venue's order log: every `new` request per client order id, in order
// of arrival, with its outcome ("accepted" / "refused").
struct order_log {
  std::map<std::string, std::vector<std::string>> new_outcomes;
  size_t lines = 0;
};

// The string value of "key" in one flat JSON line of the log.
inline std::string json_str(const std::string& line, const std::string& key) {
  auto at = line.find("\"" + key + "\":\"");
  if (at == std::string::npos)
    return {};
  auto from = at + key.size() + 4;
  return line.substr(from, line.find('"', from) - from);
}

inline order_log read_order_log(const std::string& path) {
  order_log out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    ++out.lines;
    if (json_str(line, "action") == "new")
      out.new_outcomes[json_str(line, "client_order_id")].push_back(json_str(line, "outcome"));
  }
  return out;
}

} // namespace cwts::itest::takeover
