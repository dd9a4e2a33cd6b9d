// The console's command language: words, quotes, scripts, options, and the
// usage errors a bad command gets.
#define CAF_SUITE console_command_line
#include "tests/support/unit_test.hpp"

#include "nodes/console/command_line.hpp"

using namespace cwts::console;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string parse_error(const std::string& line) {
  std::string error;
  auto c = parse_command(line, error);
  CAF_CHECK(!c);
  return error;
}

} // namespace

CAF_TEST(words_keep_quoted_blanks_and_drop_the_quotes) {
  std::string error;
  auto w = split_words("kill 2 cluster --reason 'venue \"down\"'  ", error);
  CAF_REQUIRE(w);
  CAF_REQUIRE_EQUAL(w->size(), 5u);
  CAF_CHECK_EQUAL((*w)[4], "venue \"down\"");
  CAF_CHECK(!split_words("kill 'open", error));
  CAF_CHECK(has(error, "unclosed quote"));
}

CAF_TEST(a_script_splits_at_semicolons_outside_quotes) {
  std::string error;
  auto s = split_script("nodes; kill 2 cluster --reason 'a; b' ;; actors", error);
  CAF_REQUIRE(s);
  CAF_REQUIRE_EQUAL(s->size(), 3u);
  CAF_CHECK_EQUAL((*s)[0], "nodes");
  CAF_CHECK_EQUAL((*s)[1], " kill 2 cluster --reason 'a; b' ");
  CAF_CHECK_EQUAL((*s)[2], " actors");
  CAF_CHECK(!split_script("nodes; kill \"x", error));
}

CAF_TEST(a_kill_parses_level_scope_value_and_reason) {
  std::string error;
  auto c = parse_command("kill 2 symbol USDCHF --reason='spread too wide' --json", error);
  CAF_REQUIRE(c);
  CAF_CHECK_EQUAL(c->name, "kill");
  CAF_REQUIRE_EQUAL(c->args.size(), 3u);
  CAF_CHECK_EQUAL(c->args[2], "USDCHF");
  CAF_CHECK_EQUAL(c->options.at("reason"), "spread too wide");
  CAF_CHECK(c->json);
  auto named = parse_command("kill cancel-all cluster --reason drill", error);
  CAF_REQUIRE(named);
  CAF_CHECK_EQUAL(named->args[0], "cancel-all");
}

CAF_TEST(bad_commands_get_a_usage_message_with_the_reason) {
  CAF_CHECK(has(parse_error("frobnicate"), "unknown command 'frobnicate'"));
  CAF_CHECK(has(parse_error("kill 2 cluster"), "--reason is required"));
  CAF_CHECK(has(parse_error("kill 7 cluster --reason x"), "level '7'"));
  CAF_CHECK(has(parse_error("kill 1 galaxy --reason x"), "scope 'galaxy'"));
  CAF_CHECK(has(parse_error("kill 1 symbol --reason x"), "needs the symbol name"));
  CAF_CHECK(has(parse_error("kill 1 cluster extra --reason x"), "takes no scope value"));
  CAF_CHECK(has(parse_error("kill 1 cluster --reason ''"), "must not be empty"));
  CAF_CHECK(has(parse_error("kill 1 cluster --reason"), "needs a value"));
  CAF_CHECK(has(parse_error("reset --force"), "unknown option --force"));
  CAF_CHECK(has(parse_error("inspect"), "usage: inspect <role>"));
  CAF_CHECK(has(parse_error("drill explode oms"), "unknown drill 'explode'"));
  CAF_CHECK(has(parse_error("book USDCHF 0"), "depth '0'"));
  CAF_CHECK(has(parse_error("help nothing"), "unknown command 'nothing'"));
}

CAF_TEST(an_empty_line_is_no_command_and_exit_is_quit) {
  std::string error;
  auto empty = parse_command("   ", error);
  CAF_REQUIRE(empty);
  CAF_CHECK(empty->name.empty());
  auto exit = parse_command("exit", error);
  CAF_REQUIRE(exit);
  CAF_CHECK_EQUAL(exit->name, "quit");
}

CAF_TEST(help_lists_every_command_with_its_usage) {
  auto all = help_text();
  for (auto& s : command_specs())
    CAF_CHECK(has(all, s.usage));
  CAF_CHECK(has(help_text("kill"), "kill <level> <scope> [scope-value] --reason TEXT"));
}
