#pragma once
// Plain-text tables for the console: a header row, a rule, the rows; columns
// as wide as their widest cell, numbers right-aligned. CAF-free.

#include <string>
#include <vector>

namespace cwts::console {

using table_row = std::vector<std::string>;

// Rows shorter than the header are padded with empty cells. "(none)" under
// the header when there are no rows.
std::string render_table(const table_row& header, const std::vector<table_row>& rows);

// "key  value" lines, keys padded to the widest.
std::string render_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                         const std::string& indent = "  ");

} // namespace cwts::console
