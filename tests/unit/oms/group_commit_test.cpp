#define CAF_SUITE oms_group_commit
#include "tests/support/unit_test.hpp"

// The OMS's CAF-free group commit (actors/oms/group_commit.hpp): held sends
// go out only after the commit, and a failed commit is written again record
// by record; what still does not write is never sent (a submission) or
// reported as lost (a state change). Journal failures come from the
// journal's test hook (journal_faults), deterministically.

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "actors/oms/group_commit.hpp"
#include "tests/unit/oms/oms_test_fixture.hpp"
#include "tests/unit/oms/temp_dir.hpp"

using namespace cwts;
using namespace cwts::oms;
using namespace cwts::oms::testing;

namespace {

struct fixture : oms_fixture {
  temp_dir dir;
  order_journal journal;
  std::shared_ptr<journal_faults> faults = std::make_shared<journal_faults>();
  group_commit commits{journal};
  std::vector<std::string> sent;    // what reached "the venue or the owners", in order
  std::vector<std::string> unsent;  // orders refused at the flush, with why

  fixture() {
    CAF_REQUIRE_EQUAL(journal.open(dir.file("oms.sqlite")).message(), "none");
    journal.set_faults(faults);
  }

  // An order the OMS registers, journals and holds for the venue.
  void order_out(const std::string& id) {
    auto req = order(id);
    auto now = tick();
    CAF_REQUIRE(!store.submit(req, now));
    CAF_REQUIRE_EQUAL(commits.submitted(req, now).message(), "none");
    commits.hold([this, id] { sent.push_back("order " + id); }, req);
  }

  // A venue report the OMS applies, journals and holds for the owners.
  bool report_in(const std::string& id, order_status st, const std::string& cum,
                 const std::string& last = "0") {
    auto upd = store.apply(report(id, st, cum, last));
    CAF_REQUIRE(upd.changed());
    bool lost = false;
    commits.updated(*store.find(upd.id), upd.previous, upd.fill_qty, upd.fill_price, lost);
    commits.hold([this, id, st] { sent.push_back("report " + id + " " + to_string(st)); });
    return lost;
  }

  group_commit::outcome flush() {
    return commits.flush([this](const order_request& req, const std::string& why) {
      unsent.push_back(req.id.value + ": " + why);
    });
  }

  journal_counts counts() {
    journal_counts n;
    journal.count(n);
    return n;
  }

  // What another connection sees: committed rows only.
  int committed_orders() {
    sqlite3* reader = nullptr;
    sqlite3_open_v2(dir.file("oms.sqlite").c_str(), &reader, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(reader, "SELECT COUNT(*) FROM orders", -1, &q, nullptr);
    int n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_finalize(q);
    sqlite3_close(reader);
    return n;
  }

  void open_batch() {
    journal_error err;
    CAF_REQUIRE(commits.open(err));
    CAF_REQUIRE(commits.holding());
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(group_commit_tests, fixture)

CAF_TEST(held_sends_go_out_only_after_the_commit_in_order) {
  open_batch();
  order_out("a");
  order_out("b");
  CAF_CHECK(sent.empty());
  CAF_CHECK_EQUAL(committed_orders(), 0); // not committed yet
  auto out = flush();
  CAF_CHECK(out.flushed);
  CAF_CHECK_EQUAL(out.records, 2u);
  CAF_CHECK(!out.commit_error);
  CAF_CHECK_EQUAL(out.replayed, 0);
  CAF_CHECK_EQUAL(committed_orders(), 2);
  CAF_REQUIRE_EQUAL(sent.size(), 2u);
  CAF_CHECK_EQUAL(sent[0], "order a");
  CAF_CHECK_EQUAL(sent[1], "order b");
  CAF_CHECK(!commits.holding());
}

CAF_TEST(a_failed_commit_is_written_again_record_by_record_and_then_sent) {
  open_batch();
  order_out("a");
  report_in("a", order_status::accepted, "0");
  report_in("a", order_status::partially_filled, "0.4", "0.4");
  faults->commits = 1;
  auto out = flush();
  CAF_CHECK(out.commit_error);
  CAF_CHECK_EQUAL(out.replayed, 3);
  CAF_CHECK_EQUAL(out.lost, 0);
  CAF_CHECK(out.not_durable.empty());
  CAF_CHECK(unsent.empty());
  CAF_CHECK_EQUAL(sent.size(), 3u);
  // The fill is in the journal: a restart's positions see it.
  std::vector<journaled_fill> fills;
  CAF_REQUIRE_EQUAL(journal.all_fills(fills).message(), "none");
  CAF_CHECK_EQUAL(fills.size(), 1u);
  CAF_CHECK_EQUAL(counts().events, 3);
}

CAF_TEST(an_order_whose_submission_does_not_write_again_is_never_sent) {
  open_batch();
  order_out("a");
  order_out("b");
  faults->commits = 1;
  faults->single_writes = 1; // the replay of a's submission fails too
  auto out = flush();
  CAF_CHECK(out.commit_error);
  CAF_REQUIRE_EQUAL(out.not_durable.size(), 1u);
  CAF_CHECK_EQUAL(out.not_durable[0].value, "a");
  CAF_CHECK_EQUAL(out.lost, 0);
  CAF_REQUIRE_EQUAL(unsent.size(), 1u);
  CAF_CHECK(unsent[0].rfind("a: journal commit failed", 0) == 0);
  CAF_REQUIRE_EQUAL(sent.size(), 1u);
  CAF_CHECK_EQUAL(sent[0], "order b");
  CAF_CHECK_EQUAL(counts().orders, 1);
}

CAF_TEST(a_lost_state_change_refuses_every_held_order_but_still_reports) {
  open_batch();
  order_out("a");
  CAF_REQUIRE(!flush().commit_error);
  sent.clear();
  open_batch();
  report_in("a", order_status::accepted, "0");
  order_out("b");
  faults->commits = 1;
  faults->single_writes = 1; // the replay of a's ack fails
  auto out = flush();
  CAF_CHECK_EQUAL(out.lost, 1);
  CAF_CHECK(out.not_durable.empty());
  CAF_REQUIRE_EQUAL(unsent.size(), 1u);
  CAF_CHECK(unsent[0].rfind("b: journal unreliable", 0) == 0);
  // The venue's report happened: risk and the strategy still hear of it.
  CAF_REQUIRE_EQUAL(sent.size(), 1u);
  CAF_CHECK_EQUAL(sent[0], "report a NEW");
}

// Issue 22: an order refused before it was journaled (risk's reject) is a
// record of the batch like the others: written again after a failed commit;
// one that still does not write is counted, and trading goes on.
CAF_TEST(a_reject_record_is_written_again_after_a_failed_commit_and_never_halts) {
  open_batch();
  order_out("a");
  event_context ctx{"risk", {}, "max_qty_exceeded", {}, {}, {}};
  CAF_REQUIRE_EQUAL(commits.rejected(order("r1"), ctx, "qty 5 > 1", tick()).message(), "none");
  faults->commits = 1;
  auto out = flush();
  CAF_CHECK(out.commit_error);
  CAF_CHECK_EQUAL(out.replayed, 2);
  CAF_CHECK_EQUAL(out.rejects_lost, 0);
  open_batch();
  CAF_REQUIRE_EQUAL(commits.rejected(order("r2"), ctx, "qty 5 > 1", tick()).message(), "none");
  order_out("b");
  faults->commits = 1;
  faults->single_writes = 1; // r2's replay fails
  out = flush();
  CAF_CHECK_EQUAL(out.rejects_lost, 1);
  CAF_CHECK_EQUAL(out.lost, 0);
  CAF_CHECK(out.not_durable.empty());
  CAF_CHECK(unsent.empty()); // b goes out: a lost reject record halts nothing
  CAF_CHECK_EQUAL(sent.back(), "order b");
  int rejects = -1;
  {
    sqlite3* reader = nullptr;
    sqlite3_open_v2(dir.file("oms.sqlite").c_str(), &reader, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(reader, "SELECT COUNT(*) FROM rejects", -1, &q, nullptr);
    rejects = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_finalize(q);
    sqlite3_close(reader);
  }
  CAF_CHECK_EQUAL(rejects, 1);
}

CAF_TEST(a_state_change_outside_a_batch_is_tried_twice_before_it_is_lost) {
  order_out("a"); // no batch: its own transaction
  faults->single_writes = 1;
  CAF_CHECK(!report_in("a", order_status::accepted, "0")); // the second try wrote it
  faults->single_writes = 2;
  CAF_CHECK(report_in("a", order_status::partially_filled, "0.4", "0.4"));
  CAF_CHECK_EQUAL(counts().events, 2);
}

CAF_TEST(when_sqlite_ends_the_batch_everything_of_it_is_written_again) {
  open_batch();
  order_out("a");
  faults->aborts = 1; // a's ack fails and SQLite rolls the transaction back
  report_in("a", order_status::accepted, "0");
  store.submit(order("b"), tick());
  CAF_CHECK(commits.submitted(order("b"), tick())); // refused at once: the batch is gone
  auto out = flush();
  CAF_CHECK(out.commit_error);
  // a's submission and its ack are written again; b was refused when it was
  // journaled (the shell rejects it then), so only a is sent.
  CAF_CHECK_EQUAL(out.replayed, 2);
  CAF_CHECK_EQUAL(out.lost, 0);
  CAF_CHECK_EQUAL(counts().orders, 1);
  CAF_CHECK_EQUAL(counts().events, 2);
}

CAF_TEST_FIXTURE_SCOPE_END()
