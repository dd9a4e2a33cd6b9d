#pragma once
// The one strict reader for small `[section]` / `key=value` files: node and
// cluster configs, credentials, key lists, the venue's config. Unlike CAF's
// config parser it needs no actor system, so the venue and the CLI can use it
// too. Errors name the line and the reason. '#' and ';' start a comment line;
// blanks around names and values are dropped; a value in double quotes loses
// them.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cwts {

// One value and the line it was set on, for messages ("... (line 7)").
struct ini_entry {
  std::string value;
  int line = 0;
};
using ini_section = std::map<std::string, ini_entry>;
// section -> key -> entry; "" holds the keys above the first [section].
using ini_sections = std::map<std::string, ini_section>;

class ini_file {
public:
  // Parses `text`; nullopt with `error` set ("line 3: missing '='") on failure.
  static std::optional<ini_file> parse(const std::string& text, std::string& error);
  static std::optional<ini_file> load(const std::string& path, std::string& error);

  // "section.key" -> value; keys before any section have no prefix.
  const std::map<std::string, std::string>& values() const { return values_; }
  std::optional<std::string> get(const std::string& dotted_key) const;

  // The same values by section, with their lines. A section whose header has
  // no keys under it is present and empty; one that appears twice is merged
  // (a key set in both is still a duplicate).
  const ini_sections& sections() const { return sections_; }

  // Every `[section]` header in file order, repeats included: for files where
  // a repeated section is itself a mistake.
  struct header {
    std::string name;
    int line = 0;
  };
  const std::vector<header>& headers() const { return headers_; }

private:
  std::map<std::string, std::string> values_;
  ini_sections sections_;
  std::vector<header> headers_;
};

} // namespace cwts
