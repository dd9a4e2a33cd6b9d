// Writes the seeds of fanout_frame_fuzz with the fan-out codec's own encoder
// (actors/kill/fanout_codec.hpp), so the corpus follows the wire format when
// it changes: each file is one read-size byte and a stream of whole frames,
// as a client or a server sends them. fuzz/corpus_fanout/ holds its output.
//
//   fanout_seed_writer <dir>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "actors/kill/fanout_codec.hpp"

using namespace cwts;
using namespace cwts::fanout;

namespace {

nonce make_nonce(uint8_t seed) {
  nonce n{};
  for (size_t i = 0; i < n.size(); ++i)
    n[i] = static_cast<uint8_t>(seed + i * 7);
  return n;
}

std::vector<uint8_t> sig(uint8_t seed, size_t size = 64) {
  std::vector<uint8_t> s(size);
  for (size_t i = 0; i < size; ++i)
    s[i] = static_cast<uint8_t>(seed ^ i);
  return s;
}

kill_command make_kill(size_t cosigners, kill_scope scope, kill_level level) {
  kill_command k;
  k.id.value = "k-20261207-1";
  k.level = level;
  k.scope = scope;
  k.scope_value = scope == kill_scope::cluster ? "" : "BTCUSDT";
  k.issuer.value = "ops-alice";
  k.origin.value = "n1";
  k.reason = "loss limit breached on n1";
  k.issued_at.ns = 1'765'000'000'000'000'000;
  k.signature = sig(0x5a);
  k.cluster = "prod-eu";
  for (size_t i = 0; i < cosigners; ++i)
    k.cosignatures.push_back({node_id{"n" + std::to_string(i + 2)}, sig(static_cast<uint8_t>(i))});
  return k;
}

bool write(const std::string& dir, const std::string& name, uint8_t step, const std::string& frames) {
  if (frames.empty())
    return false; // the encoder refused a seed: the writer is out of date
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out.put(static_cast<char>(step));
  out << frames;
  return static_cast<bool>(out);
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <dir>\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  hello h{protocol_version, "prod-eu", "n2", "n1", make_nonce(1)};
  challenge ch{"n1", make_nonce(2)};
  auth a{sig(3)};
  hello_back hb{"n1", make_nonce(2), sig(4)};
  auto k0 = encode(make_kill(0, kill_scope::cluster, kill_level::halt_new_orders));
  auto k3 = encode(make_kill(3, kill_scope::cluster, kill_level::full_stop));
  auto ks = encode(make_kill(0, kill_scope::symbol, kill_level::cancel_all));
  // The largest kill the caps allow: every cosignature, the longest reason.
  auto big = make_kill(max_cosignatures, kill_scope::cluster, kill_level::flatten);
  big.reason.assign(max_text, 'r');
  auto kbig = encode(big);
  bool ok = write(dir, "client_session", 255, encode(h) + encode(a) + k0)
            && write(dir, "client_session_bytewise", 0, encode(h) + encode(a) + k3)
            && write(dir, "server_session", 255, encode(ch) + encode(hb))
            && write(dir, "kill_symbol_split7", 6, ks)
            && write(dir, "kill_largest", 255, kbig)
            && write(dir, "hello_only", 255, encode(h));
  if (!ok) {
    std::fprintf(stderr, "fanout_seed_writer: a seed was refused by the encoder or not written\n");
    return 1;
  }
  return 0;
}
