#include "actors/kill/audit_chain.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "common/operator_auth.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace cwts {

// -- records ------------------------------------------------------------------

namespace {

bool needs_quotes(const std::string& v) {
  if (v.empty())
    return true;
  for (char c : v)
    if (c == ' ' || c == '"' || c == '\\' || c == '=' || c == '\t' || c == '\n' || c == '\r')
      return true;
  return false;
}

std::string quoted(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

} // namespace

audit_record::audit_record(const std::string& event) {
  text_ = "event=" + event;
}

audit_record& audit_record::add(const std::string& key, const std::string& value) {
  text_ += ' ';
  text_ += key;
  text_ += '=';
  text_ += needs_quotes(value) ? quoted(value) : value;
  return *this;
}

audit_record& audit_record::add(const std::string& key, int64_t value) {
  return add(key, std::to_string(value));
}

std::string chain_hash(const std::string& prev, uint64_t seq, const std::string& record) {
  return sha256_hex(prev + "\n" + std::to_string(seq) + "\t" + record);
}

std::string audit_signing_payload(uint64_t seq, const std::string& hash) {
  return "cwts-audit-record/1\n" + std::to_string(seq) + "\n" + hash;
}

// The inverse of audit_record: key=value pairs separated by one space,
// values bare or quoted with the escapes quoted() writes.
std::map<std::string, std::string> parse_audit_record(const std::string& record) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < record.size()) {
    auto eq = record.find('=', i);
    if (eq == std::string::npos)
      return {};
    auto key = record.substr(i, eq - i);
    std::string value;
    i = eq + 1;
    if (i < record.size() && record[i] == '"') {
      ++i;
      bool closed = false;
      while (i < record.size()) {
        char c = record[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < record.size()) {
          char e = record[i++];
          value += e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
        } else {
          value += c;
        }
      }
      if (!closed)
        return {};
    } else {
      auto sp = record.find(' ', i);
      value = record.substr(i, sp == std::string::npos ? std::string::npos : sp - i);
      i = sp == std::string::npos ? record.size() : sp;
    }
    if (i < record.size()) {
      if (record[i] != ' ')
        return {};
      ++i;
    }
    out[key] = std::move(value);
  }
  return out;
}

// -- verification -------------------------------------------------------------

namespace {

struct parsed_line {
  bool ok = false;
  uint64_t seq = 0;
  std::string prev;
  std::string hash;
  std::string record;
  std::string signature; // hex, "-" or empty (a line from before signing)
};

bool is_hex64(const std::string& s) {
  if (s.size() != 64)
    return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

parsed_line parse_line(const std::string& line) {
  parsed_line p;
  auto t1 = line.find('\t');
  auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
  auto t3 = t2 == std::string::npos ? t2 : line.find('\t', t2 + 1);
  if (t3 == std::string::npos)
    return p;
  auto seq = line.substr(0, t1);
  if (seq.empty() || seq.find_first_not_of("0123456789") != std::string::npos || seq.size() > 19)
    return p;
  p.seq = std::stoull(seq);
  p.prev = line.substr(t1 + 1, t2 - t1 - 1);
  p.hash = line.substr(t2 + 1, t3 - t2 - 1);
  // Records never hold a raw tab (quoted() escapes it): a fourth tab starts
  // the signature.
  auto t4 = line.find('\t', t3 + 1);
  p.record = line.substr(t3 + 1, t4 == std::string::npos ? std::string::npos : t4 - t3 - 1);
  if (t4 != std::string::npos)
    p.signature = line.substr(t4 + 1);
  p.ok = is_hex64(p.prev) && is_hex64(p.hash);
  return p;
}

std::vector<std::string> split_lines(const std::string& text, bool& unterminated) {
  std::vector<std::string> out;
  size_t start = 0;
  unterminated = false;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) {
      out.push_back(text.substr(start));
      unterminated = true;
      break;
    }
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

audit_verdict fail(audit_verdict v, uint64_t at, std::string problem) {
  v.ok = false;
  v.first_bad = static_cast<int64_t>(at);
  v.problem = std::move(problem);
  return v;
}

// Where the record that belongs at `expected` went: later in the file
// (reordered) or nowhere (removed).
std::string misplaced(const std::vector<parsed_line>& lines, size_t at, uint64_t expected) {
  for (size_t j = at + 1; j < lines.size(); ++j)
    if (lines[j].ok && lines[j].seq == expected)
      return "records out of order: seq " + std::to_string(expected) + " is at line "
             + std::to_string(j + 1) + ", line " + std::to_string(at + 1) + " holds seq "
             + std::to_string(lines[at].seq);
  if (lines[at].seq > expected)
    return "record " + std::to_string(expected) + " removed (line " + std::to_string(at + 1)
           + " holds seq " + std::to_string(lines[at].seq) + ")";
  return "record seq " + std::to_string(lines[at].seq) + " repeated or moved to line "
         + std::to_string(at + 1);
}

} // namespace

audit_verdict verify_audit_text(const std::string& text, const audit_verify_options& opts) {
  audit_verdict v;
  v.head = audit_genesis;
  bool unterminated = false;
  auto raw = split_lines(text, unterminated);
  std::vector<parsed_line> lines;
  for (auto& l : raw)
    lines.push_back(parse_line(l));
  v.records = lines.size();
  std::string prev = audit_genesis;
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& p = lines[i];
    const uint64_t expected = i;
    if (!p.ok)
      return fail(v, expected, "line " + std::to_string(i + 1) + " is not <seq> <prev> <hash> <record>");
    if (p.hash != chain_hash(p.prev, p.seq, p.record))
      return fail(v, expected, "record " + std::to_string(expected)
                                 + " edited: its hash does not match its content");
    if (p.seq != expected)
      return fail(v, expected, misplaced(lines, i, expected));
    if (p.prev != prev)
      return fail(v, expected, "record " + std::to_string(expected)
                                 + " does not follow the record before it (chain broken)");
    if (i + 1 == lines.size() && unterminated)
      return fail(v, expected, "record " + std::to_string(expected) + " is cut short (no newline)");
    if (!opts.node_key.empty()) {
      auto sig = from_hex(p.signature);
      if (p.signature.empty() || p.signature == "-" || !sig)
        return fail(v, expected, "record " + std::to_string(expected) + " is not signed");
      if (!ed25519_verify(opts.node_key, audit_signing_payload(p.seq, p.hash), *sig))
        return fail(v, expected, "record " + std::to_string(expected)
                                   + " signature does not verify with the node's key (edited "
                                     "and re-chained, or not written by this node)");
      ++v.signed_records;
    }
    if (opts.check_record)
      if (auto why = opts.check_record(p.seq, p.record); !why.empty())
        return fail(v, expected, "record " + std::to_string(expected) + ": " + why);
    prev = p.hash;
    v.head = prev;
  }
  if (opts.anchor_seq) {
    auto at = *opts.anchor_seq;
    v.anchor_checked = true;
    if (at >= lines.size())
      return fail(v, lines.size(), "log truncated: a peer anchored record " + std::to_string(at)
                                     + " (head " + opts.anchor_head.substr(0, 16)
                                     + "...), the log ends at record "
                                     + std::to_string(static_cast<int64_t>(lines.size()) - 1));
    if (lines[at].hash != opts.anchor_head)
      return fail(v, at, "record " + std::to_string(at)
                           + " differs from the one a peer anchored (rewritten): head "
                           + lines[at].hash.substr(0, 16) + "... anchored "
                           + opts.anchor_head.substr(0, 16) + "...");
  }
  v.ok = true;
  return v;
}

audit_verdict verify_audit_file(const std::string& path, const audit_verify_options& opts) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    audit_verdict v;
    v.problem = "cannot open '" + path + "'";
    return v;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return verify_audit_text(buf.str(), opts);
}

// -- the log ------------------------------------------------------------------

std::optional<audit_log> audit_log::open(const std::string& path, std::string& error,
                                         std::shared_ptr<const ed25519_signer> signer) {
  audit_log log;
  log.path_ = path;
  log.signer_ = std::move(signer);
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream buf;
    buf << in.rdbuf();
    auto text = buf.str();
    auto verdict = verify_audit_text(text);
    if (!verdict.ok)
      log.broken_ = verdict.problem;
    bool unterminated = false;
    auto lines = split_lines(text, unterminated);
    if (!lines.empty()) {
      auto last = parse_line(lines.back());
      if (!last.ok || unterminated) {
        error = "'" + path + "': the last record cannot be read; not appending to a damaged log";
        return std::nullopt;
      }
      log.next_seq_ = last.seq + 1;
      log.head_ = last.hash;
      if (auto sig = from_hex(last.signature); sig && last.signature != "-")
        log.head_signature_ = std::move(*sig);
    }
  }
  log.fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log.fd_ < 0) {
    error = "cannot open '" + path + "' for appending: " + std::strerror(errno);
    return std::nullopt;
  }
  return log;
}

audit_log::audit_log(audit_log&& other) noexcept
  : fd_(other.fd_), path_(std::move(other.path_)), next_seq_(other.next_seq_),
    head_(std::move(other.head_)), head_signature_(std::move(other.head_signature_)),
    broken_(std::move(other.broken_)), signer_(std::move(other.signer_)) {
  other.fd_ = -1;
}

audit_log& audit_log::operator=(audit_log&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
    path_ = std::move(other.path_);
    next_seq_ = other.next_seq_;
    head_ = std::move(other.head_);
    head_signature_ = std::move(other.head_signature_);
    broken_ = std::move(other.broken_);
    signer_ = std::move(other.signer_);
  }
  return *this;
}

audit_log::~audit_log() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool audit_log::append(const audit_record& r, bool sync, std::string& error) {
  auto hash = chain_hash(head_, next_seq_, r.text());
  std::vector<uint8_t> sig;
  if (signer_)
    sig = signer_->sign(audit_signing_payload(next_seq_, hash));
  std::string line = std::to_string(next_seq_) + "\t" + head_ + "\t" + hash + "\t" + r.text()
                     + "\t" + (sig.empty() ? std::string("-") : to_hex(sig)) + "\n";
  // O_APPEND: one write() of the whole line, so a record is never interleaved.
  for (size_t done = 0; done < line.size();) {
    auto n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error = "cannot append to '" + path_ + "': " + std::strerror(errno);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (sync && ::fdatasync(fd_) != 0) {
    error = "cannot sync '" + path_ + "': " + std::strerror(errno);
    return false;
  }
  head_ = std::move(hash);
  head_signature_ = std::move(sig);
  ++next_seq_;
  return true;
}

} // namespace cwts
