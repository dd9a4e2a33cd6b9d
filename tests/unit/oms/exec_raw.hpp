#pragma once
// Runs one SQL statement on a journal through a second connection, as an
// outsider would (the append-only triggers, a migration's starting point);
// SQLite's result code.

#include <sqlite3.h>

#include <string>

namespace cwts::oms::testing {

inline int exec_raw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

} // namespace cwts::oms::testing
