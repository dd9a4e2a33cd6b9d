#include "actors/kill/audit_anchor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/operator_auth.hpp"

namespace cwts {

std::optional<audit_anchor> make_anchor(const node_id& self, const audit_log& log) {
  if (log.records() == 0 || log.head_signature().empty())
    return std::nullopt;
  return audit_anchor{self, log.records() - 1, log.head(), log.head_signature()};
}

bool verify_anchor(const audit_anchor& a, const std::vector<uint8_t>& node_key) {
  return a.head.size() == 64 && ed25519_verify(node_key, audit_signing_payload(a.seq, a.head),
                                               a.signature);
}

anchor_change compare_anchor(const std::optional<audit_anchor>& kept, const audit_anchor& got) {
  if (!kept)
    return anchor_change::first;
  if (got.seq > kept->seq)
    return anchor_change::advanced;
  if (got.seq < kept->seq)
    return anchor_change::regressed;
  return got.head == kept->head ? anchor_change::same : anchor_change::forked;
}

const char* to_string(anchor_change c) {
  switch (c) {
    case anchor_change::first: return "first";
    case anchor_change::advanced: return "advanced";
    case anchor_change::same: return "same";
    case anchor_change::regressed: return "regressed";
    case anchor_change::forked: return "forked";
  }
  return "?";
}

std::string anchor_file_path(const std::string& audit_path, const std::string& node) {
  if (node.empty() || node == "." || node == "..")
    return "";
  for (char c : node)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      return "";
  return audit_path + ".anchor." + node;
}

bool save_anchor(const std::string& path, const audit_anchor& a, int64_t received_ns,
                 std::string& error) {
  auto r = audit_record("audit_anchor");
  r.add("node", a.node.value)
    .add("seq", static_cast<int64_t>(a.seq))
    .add("head", a.head)
    .add("signature", to_hex(a.signature))
    .add("received_ns", received_ns);
  auto text = r.text() + "\n";
  auto tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot write '" + tmp + "': " + std::strerror(errno);
    return false;
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size())
            && ::fdatasync(fd) == 0;
  if (!ok)
    error = "cannot write '" + tmp + "': " + std::strerror(errno);
  ::close(fd);
  if (ok && std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot rename '" + tmp + "': " + std::strerror(errno);
    ok = false;
  }
  return ok;
}

std::optional<audit_anchor> load_anchor(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open '" + path + "'";
    return std::nullopt;
  }
  std::string line;
  std::getline(in, line);
  auto f = parse_audit_record(line);
  audit_anchor a;
  auto sig = from_hex(f["signature"]);
  const auto& seq = f["seq"];
  if (f["event"] != "audit_anchor" || f["node"].empty() || f["head"].size() != 64 || !sig
      || seq.empty() || seq.size() > 19 || seq.find_first_not_of("0123456789") != std::string::npos) {
    error = "'" + path + "' is not an audit anchor (node=, seq=, head=, signature=)";
    return std::nullopt;
  }
  a.node = node_id{f["node"]};
  a.seq = std::stoull(seq);
  a.head = f["head"];
  a.signature = std::move(*sig);
  return a;
}

} // namespace cwts
