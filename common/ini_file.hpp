#pragma once
// A strict reader for small `[section]` / `key=value` files (credentials,
// key lists). Unlike CAF's config parser it needs no actor system, so the
// venue and the CLI can use it too. Errors name the line and the reason.

#include <map>
#include <optional>
#include <string>

namespace cwts {

class ini_file {
public:
  // Parses `text`; nullopt with `error` set ("line 3: missing '='") on failure.
  static std::optional<ini_file> parse(const std::string& text, std::string& error);
  static std::optional<ini_file> load(const std::string& path, std::string& error);

  // "section.key" -> value; keys before any section have no prefix.
  const std::map<std::string, std::string>& values() const { return values_; }
  std::optional<std::string> get(const std::string& dotted_key) const;

private:
  std::map<std::string, std::string> values_;
};

} // namespace cwts
