// CAF's unit-test macros, with CAF_CHECK_EQUAL and its kin made safe for
// values that live inside a temporary. Every test includes this header
// instead of caf/test/unit_test.hpp.
//
// Why: CAF 0.17 expands CAF_CHECK_EQUAL(x, y) to `auto&& x_val = x;` and
// compares x_val in a later statement. When x is a reference into a
// temporary (`stats().at("orders")`, `*holder(...)`, `parse(body).member(..)`)
// the temporary dies at the end of that declaration and the comparison
// reads freed memory: ASan found this ten times in our tests (issue 26,
// docs/testing.md "Sanitizers"). Here both values are evaluated and compared
// within one full-expression, the initialisation of a `value_check`, so every
// temporary they refer to lives until the check is done. The braced
// initialisation keeps CAF's order: x is evaluated before y.
#pragma once

#include <cstddef>

#include "caf/test/unit_test.hpp"

namespace cwts::testing {

template <class Comparator>
struct value_check {
  template <class X, class Y>
  value_check(const char* file, std::size_t line, const char* expr, const X& x, const Y& y)
      : passed(::caf::test::detail::check(::caf::test::engine::current_test(), file, line, expr,
                                          false, Comparator{}(x, y), x, y)) {}
  bool passed;
};

} // namespace cwts::testing

#undef CAF_CHECK_FUNC
#define CAF_CHECK_FUNC(func, x_expr, y_expr)                                                      \
  do {                                                                                            \
    static_cast<void>(::cwts::testing::value_check<func>{                                         \
      __FILE__, __LINE__, CAF_FUNC_EXPR(func, x_expr, y_expr), x_expr, y_expr});                  \
    ::caf::test::engine::last_check_file(__FILE__);                                               \
    ::caf::test::engine::last_check_line(__LINE__);                                               \
  } while (false)

#undef CAF_REQUIRE_FUNC
#define CAF_REQUIRE_FUNC(func, x_expr, y_expr)                                                    \
  do {                                                                                            \
    if (!::cwts::testing::value_check<func>{__FILE__, __LINE__,                                   \
                                            CAF_FUNC_EXPR(func, x_expr, y_expr), x_expr, y_expr}  \
           .passed)                                                                               \
      ::caf::test::detail::requirement_failed(CAF_FUNC_EXPR(func, x_expr, y_expr));               \
    ::caf::test::engine::last_check_file(__FILE__);                                               \
    ::caf::test::engine::last_check_line(__LINE__);                                               \
  } while (false)
