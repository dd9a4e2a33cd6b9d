# cmake -DSPV=<in.spv> -DOUT=<out.cpp> -DNAME=<symbol> -P embed_spirv.cmake
# Writes the SPIR-V module as a uint32_t array (little-endian words), so the
# shaders travel inside the binary and no file has to be found at run time.
file(READ ${SPV} hex HEX)
string(LENGTH "${hex}" len)
math(EXPR rem "${len} % 8")
if(NOT rem EQUAL 0 OR len EQUAL 0)
  message(FATAL_ERROR "${SPV}: not a whole number of 32-bit words")
endif()
# Each 4 bytes "aabbccdd" in file order -> 0xddccbbaa
string(REGEX REPLACE "(..)(..)(..)(..)" "0x\\4\\3\\2\\1u," words "${hex}")
string(REGEX REPLACE "((0x[0-9a-f]+u,){8})" "\\1\n  " words "${words}")
file(WRITE ${OUT} "// Generated from ${SPV} by shaders/embed_spirv.cmake. Do not edit.\n"
  "#include <cstddef>\n#include <cstdint>\n"
  "namespace cwts::gpu::spirv {\n"
  "extern const uint32_t ${NAME}[] = {\n  ${words}\n};\n"
  "extern const size_t ${NAME}_words = sizeof(${NAME}) / sizeof(uint32_t);\n"
  "} // namespace cwts::gpu::spirv\n")
