#pragma once
// A prepared SQLite statement finalized on every path, and the two helpers
// every user of one writes (a TEXT column as bytes, a bound TEXT copied).
// Header-only: only targets that link SQLite include it.

#include <cstddef>
#include <string>

#include <sqlite3.h>

namespace cwts {

struct sqlite_statement {
  sqlite3_stmt* s = nullptr;
  sqlite_statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
  ~sqlite_statement() { sqlite3_finalize(s); }
  sqlite_statement(const sqlite_statement&) = delete;
  sqlite_statement& operator=(const sqlite_statement&) = delete;
  explicit operator bool() const { return s != nullptr; }
};

// Column `i` as bytes (embedded NULs kept); empty for NULL.
inline std::string sqlite_column_text(sqlite3_stmt* s, int i) {
  auto p = sqlite3_column_text(s, i);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(s, i)))
           : std::string();
}

// Binds `v` to parameter `i`, copied (the string may go before the step).
inline void sqlite_bind_text(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

} // namespace cwts
