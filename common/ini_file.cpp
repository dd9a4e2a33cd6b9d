#include "common/ini_file.hpp"

#include <fstream>
#include <sstream>

#include "common/text.hpp"

namespace cwts {

namespace {

std::string unquote(const std::string& s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"')
    return s.substr(1, s.size() - 2);
  return s;
}

} // namespace

std::optional<ini_file> ini_file::parse(const std::string& text, std::string& error) {
  ini_file out;
  std::istringstream in(text);
  std::string line;
  std::string section;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    auto t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';')
      continue;
    if (t.front() == '[') {
      if (t.back() != ']' || t.size() < 3) {
        error = "line " + std::to_string(number) + ": malformed section header";
        return std::nullopt;
      }
      section = trim(t.substr(1, t.size() - 2));
      out.sections_[section];
      out.headers_.push_back(header{section, number});
      continue;
    }
    auto eq = t.find('=');
    if (eq == std::string::npos) {
      error = "line " + std::to_string(number) + ": missing '='";
      return std::nullopt;
    }
    auto key = trim(t.substr(0, eq));
    if (key.empty()) {
      error = "line " + std::to_string(number) + ": empty key";
      return std::nullopt;
    }
    auto full = section.empty() ? key : section + "." + key;
    auto value = unquote(trim(t.substr(eq + 1)));
    if (!out.values_.emplace(full, value).second
        || !out.sections_[section].emplace(key, ini_entry{value, number}).second) {
      error = "line " + std::to_string(number) + ": duplicate key '" + full + "'";
      return std::nullopt;
    }
  }
  return out;
}

std::optional<ini_file> ini_file::load(const std::string& path, std::string& error) {
  std::ifstream f(path);
  if (!f) {
    error = "cannot open '" + path + "'";
    return std::nullopt;
  }
  std::stringstream buf;
  buf << f.rdbuf();
  auto parsed = parse(buf.str(), error);
  if (!parsed)
    error = path + ": " + error;
  return parsed;
}

std::optional<std::string> ini_file::get(const std::string& dotted_key) const {
  auto i = values_.find(dotted_key);
  if (i == values_.end())
    return std::nullopt;
  return i->second;
}

} // namespace cwts
