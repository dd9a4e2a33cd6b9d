// Translation unit that carries the shared CAF precompiled header.
