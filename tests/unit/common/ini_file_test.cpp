#define CAF_SUITE common_ini_file
#include "tests/support/unit_test.hpp"

#include "common/ini_file.hpp"

using cwts::ini_file;

CAF_TEST(reads_sections_keys_and_quoted_values) {
  std::string err;
  auto f = ini_file::parse("# c\ntop=1\n[account.demo]\napi-key = \"abc\"\nsecret=s3\n", err);
  CAF_REQUIRE(f.has_value());
  CAF_CHECK_EQUAL(f->get("top").value_or(""), "1");
  CAF_CHECK_EQUAL(f->get("account.demo.api-key").value_or(""), "abc");
  CAF_CHECK_EQUAL(f->get("account.demo.secret").value_or(""), "s3");
  CAF_CHECK(!f->get("missing"));
}

CAF_TEST(names_the_line_of_an_error) {
  std::string err;
  CAF_CHECK(!ini_file::parse("[a]\nno equals sign\n", err));
  CAF_CHECK_EQUAL(err, "line 2: missing '='");
  CAF_CHECK(!ini_file::parse("[a\n", err));
  CAF_CHECK(!ini_file::parse("a=1\na=2\n", err));
  CAF_CHECK_EQUAL(err, "line 2: duplicate key 'a'");
  CAF_CHECK(!ini_file::load("/nonexistent/file.ini", err));
}

CAF_TEST(keeps_sections_lines_and_repeated_headers) {
  std::string err;
  auto f = ini_file::parse("top = 0\n[a]\nx = 1\n\n[empty]\n[a]\ny = \"2\"\n", err);
  CAF_REQUIRE(f.has_value());
  auto& s = f->sections();
  CAF_CHECK_EQUAL(s.size(), 3u); // "", a, empty
  CAF_CHECK_EQUAL(s.at("").at("top").line, 1);
  CAF_CHECK_EQUAL(s.at("a").at("x").value, "1");
  CAF_CHECK_EQUAL(s.at("a").at("y").value, "2");
  CAF_CHECK_EQUAL(s.at("a").at("y").line, 7);
  CAF_CHECK(s.at("empty").empty());
  CAF_REQUIRE_EQUAL(f->headers().size(), 3u);
  CAF_CHECK_EQUAL(f->headers()[2].name, "a");
  CAF_CHECK_EQUAL(f->headers()[2].line, 6);
  // A key set in both halves of a repeated section is still a duplicate.
  CAF_CHECK(!ini_file::parse("[a]\nx=1\n[b]\n[a]\nx=2\n", err));
  CAF_CHECK_EQUAL(err, "line 5: duplicate key 'a.x'");
}
