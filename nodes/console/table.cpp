#include "nodes/console/table.hpp"

#include <algorithm>

namespace cwts::console {

namespace {

// "-12.5", "3", "0.91230000", "2/9": right-aligned like numbers on a ledger.
bool numeric(const std::string& s) {
  if (s.empty())
    return false;
  std::size_t i = s[0] == '-' ? 1 : 0;
  bool digit = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9')
      digit = true;
    else if (s[i] != '.' && s[i] != '/')
      return false;
  }
  return digit;
}

void pad(std::string& out, const std::string& cell, std::size_t width, bool right) {
  std::string fill(width - std::min(width, cell.size()), ' ');
  out += right ? fill + cell : cell + fill;
}

} // namespace

std::string render_table(const table_row& header, const std::vector<table_row>& rows) {
  std::vector<std::size_t> width(header.size());
  std::vector<bool> right(header.size(), !rows.empty());
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (auto& r : rows) {
      const std::string cell = c < r.size() ? r[c] : "";
      width[c] = std::max(width[c], cell.size());
      if (!cell.empty() && cell != "-" && !numeric(cell))
        right[c] = false;
    }
  }
  auto line = [&](const table_row& r) {
    std::string out;
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (c > 0)
        out += "  ";
      pad(out, c < r.size() ? r[c] : "", width[c], right[c]);
    }
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    return out + "\n";
  };
  std::string out = line(header);
  std::string rule;
  for (std::size_t c = 0; c < header.size(); ++c)
    rule += (c > 0 ? "  " : "") + std::string(width[c], '-');
  out += rule + "\n";
  if (rows.empty())
    out += "(none)\n";
  for (auto& r : rows)
    out += line(r);
  return out;
}

std::string render_pairs(const std::vector<std::pair<std::string, std::string>>& pairs,
                         const std::string& indent) {
  std::size_t w = 0;
  for (auto& [k, v] : pairs)
    w = std::max(w, k.size());
  std::string out;
  for (auto& [k, v] : pairs)
    out += indent + k + std::string(w - k.size() + 2, ' ') + v + "\n";
  return out;
}

} // namespace cwts::console
