#include "actors/kill/audit_chain.hpp"


#include <sys/stat.h>

#include <openssl/evp.h>

#include "actors/kill/audit_chain_detail.hpp"
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

namespace audit_detail {

namespace {

bool is_hex64(const std::string& s) {
  if (s.size() != 64)
    return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

} // namespace

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

} // namespace audit_detail

namespace {

using audit_detail::parse_line;
using audit_detail::parsed_line;
using audit_detail::split_lines;

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

const std::string rotated_event = "event=audit_rotated";

bool is_rotation_record(const std::string& record) {
  return record.compare(0, rotated_event.size(), rotated_event) == 0
         && (record.size() == rotated_event.size() || record[rotated_event.size()] == ' ');
}

} // namespace

audit_chain_checker::audit_chain_checker(audit_verify_options opts) : opts_(std::move(opts)) {
  v_.head = audit_genesis;
}

void audit_chain_checker::begin_file(const std::string& name) {
  file_start_ = v_.records > 0;
  file_ = name + ": ";
  lines_in_file_ = 0;
}

bool audit_chain_checker::fail(uint64_t at, std::string problem) {
  failed_ = true;
  v_.ok = false;
  v_.first_bad = static_cast<int64_t>(at);
  v_.problem = file_ + std::move(problem);
  return false;
}

bool audit_chain_checker::feed(const std::string& line, bool terminated) {
  if (failed_)
    return false;
  const uint64_t expected = next_;
  const auto rec = "record " + std::to_string(expected);
  if (cut_)
    return fail(expected - 1, "record " + std::to_string(expected - 1)
                                + " is cut short (no newline)");
  ++v_.records;
  ++lines_in_file_;
  auto p = parse_line(line);
  if (!p.ok)
    return fail(expected, "line " + std::to_string(lines_in_file_)
                            + " is not <seq> <prev> <hash> <record>");
  if (p.hash != chain_hash(p.prev, p.seq, p.record))
    return fail(expected, rec + " edited: its hash does not match its content");
  if (v_.records == 1 && p.seq != 0 && is_rotation_record(p.record)) {
    // The first file given continues a rotated chain: start there.
    next_ = p.seq;
    prev_ = p.prev;
    v_.first_seq = p.seq;
  }
  const bool opens_file = file_start_;
  file_start_ = false;
  if (opens_file && !is_rotation_record(p.record))
    return fail(expected, "the file does not begin with the audit_rotated record continuing the "
                          "file before it");
  if (p.seq != next_)
    return fail(expected, explain_seq ? explain_seq(lines_in_file_, expected, p.seq)
                          : p.seq > expected
                            ? rec + " removed (line " + std::to_string(lines_in_file_)
                                + " holds seq " + std::to_string(p.seq) + ")"
                            : "record seq " + std::to_string(p.seq)
                                + " repeated or moved to line " + std::to_string(lines_in_file_));
  const auto here = "record " + std::to_string(next_);
  if (p.prev != prev_)
    return fail(next_, here + " does not follow the record before it (chain broken)");
  if (!opts_.node_key.empty()) {
    auto sig = from_hex(p.signature);
    if (p.signature.empty() || p.signature == "-" || !sig)
      return fail(next_, here + " is not signed");
    if (!ed25519_verify(opts_.node_key, audit_signing_payload(p.seq, p.hash), *sig))
      return fail(next_, here + " signature does not verify with the node's key (edited "
                                "and re-chained, or not written by this node)");
    ++v_.signed_records;
  }
  if (opts_.check_record)
    if (auto why = opts_.check_record(p.seq, p.record); !why.empty())
      return fail(next_, here + ": " + why);
  if (opts_.anchor_seq && *opts_.anchor_seq == p.seq)
    anchor_hash_ = p.hash;
  cut_ = !terminated;
  prev_ = p.hash;
  v_.head = prev_;
  ++next_;
  return true;
}

const audit_verdict& audit_chain_checker::finish() {
  if (failed_)
    return v_;
  if (cut_) {
    fail(next_ - 1, "record " + std::to_string(next_ - 1) + " is cut short (no newline)");
    return v_;
  }
  if (opts_.anchor_seq) {
    auto at = *opts_.anchor_seq;
    v_.anchor_checked = true;
    if (at >= next_) {
      fail(next_, "log truncated: a peer anchored record " + std::to_string(at) + " (head "
                    + opts_.anchor_head.substr(0, 16) + "...), the log ends at record "
                    + std::to_string(static_cast<int64_t>(next_) - 1));
      return v_;
    }
    if (at < v_.first_seq) {
      fail(at, "a peer anchored record " + std::to_string(at)
                 + ", which is in a rotated file before the first one given");
      return v_;
    }
    if (anchor_hash_ && *anchor_hash_ != opts_.anchor_head) {
      fail(at, "record " + std::to_string(at)
                 + " differs from the one a peer anchored (rewritten): head "
                 + anchor_hash_->substr(0, 16) + "... anchored "
                 + opts_.anchor_head.substr(0, 16) + "...");
      return v_;
    }
  }
  v_.ok = true;
  return v_;
}

audit_verdict verify_audit_text(const std::string& text, const audit_verify_options& opts) {
  bool unterminated = false;
  auto raw = split_lines(text, unterminated);
  std::vector<parsed_line> lines;
  for (auto& l : raw)
    lines.push_back(parse_line(l));
  audit_chain_checker c(opts);
  c.explain_seq = [&](uint64_t line, uint64_t expected, uint64_t) {
    return misplaced(lines, line - 1, expected);
  };
  for (size_t i = 0; i < raw.size(); ++i)
    if (!c.feed(raw[i], !(unterminated && i + 1 == raw.size()))) {
      auto v = c.verdict();
      v.records = raw.size();
      return v;
    }
  return c.finish();
}

audit_line_reader::audit_line_reader(const std::string& path, size_t max_line)
  : in_(path, std::ios::binary), max_line_(max_line), buf_(64 * 1024) {}

bool audit_line_reader::fill() {
  in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  pos_ = 0;
  len_ = static_cast<size_t>(in_.gcount());
  return len_ > 0;
}

audit_line_reader::result audit_line_reader::next(std::string& line, bool& terminated) {
  line.clear();
  terminated = false;
  for (;;) {
    if (pos_ == len_ && !fill()) {
      if (in_.bad())
        return result::io_error;
      if (line.empty())
        return result::end;
      ++line_no_;
      return result::line;
    }
    const char* start = buf_.data() + pos_;
    auto* nl = static_cast<const char*>(std::memchr(start, '\n', len_ - pos_));
    size_t take = nl ? static_cast<size_t>(nl - start) : len_ - pos_;
    if (line.size() + take > max_line_) {
      ++line_no_;
      return result::too_long;
    }
    line.append(start, take);
    pos_ += take;
    if (nl) {
      ++pos_;
      terminated = true;
      ++line_no_;
      return result::line;
    }
  }
}

audit_verdict verify_audit_files(const std::vector<std::string>& paths,
                                 const audit_verify_options& opts) {
  audit_chain_checker c(opts);
  for (auto& path : paths) {
    audit_line_reader in(path, audit_max_line);
    if (!in.is_open()) {
      audit_verdict v = c.verdict();
      v.ok = false;
      v.problem = "cannot open '" + path + "'";
      return v;
    }
    c.begin_file(path);
    std::string line;
    bool terminated = false;
    for (;;) {
      auto r = in.next(line, terminated);
      if (r == audit_line_reader::result::end)
        break;
      if (r != audit_line_reader::result::line) {
        audit_verdict v = c.verdict();
        v.ok = false;
        v.first_bad = static_cast<int64_t>(c.next_seq());
        v.problem = path + ": line " + std::to_string(in.line_no())
                    + (r == audit_line_reader::result::too_long
                         ? " is longer than " + std::to_string(audit_max_line) + " bytes"
                         : " cannot be read");
        return v;
      }
      if (!c.feed(line, terminated))
        return c.verdict();
    }
  }
  return c.finish();
}

audit_verdict verify_audit_file(const std::string& path, const audit_verify_options& opts) {
  // Streamed, so memory stays flat whatever the file's size; a break in a
  // file small enough to hold is checked again whole, whose look-ahead
  // tells a reordered record from a removed one.
  auto v = verify_audit_files({path}, opts);
  if (v.ok || v.first_bad < 0)
    return v;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || st.st_size > 16 * 1024 * 1024)
    return v;
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return verify_audit_text(buf.str(), opts);
}

// -- the log ------------------------------------------------------------------

} // namespace cwts
