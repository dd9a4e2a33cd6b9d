#include "actors/kill/fanout_codec.hpp"

namespace cwts::fanout {

namespace {

class writer {
public:
  explicit writer(frame_type t) { out_.assign(4, '\0'); u8(static_cast<uint8_t>(t)); }
  writer& u8(uint8_t v) { out_.push_back(static_cast<char>(v)); return *this; }
  writer& u64(uint64_t v) {
    for (int s = 56; s >= 0; s -= 8)
      u8(static_cast<uint8_t>(v >> s));
    return *this;
  }
  writer& str(std::string_view s) {
    // A field over 64 KiB cannot be written whole: the frame is refused
    // (done() returns empty), never cut short.
    if (s.size() > 0xffff) {
      failed_ = true;
      return *this;
    }
    auto n = static_cast<uint16_t>(s.size());
    u8(static_cast<uint8_t>(n >> 8)).u8(static_cast<uint8_t>(n));
    out_.append(s.data(), n);
    return *this;
  }
  writer& bytes(const std::vector<uint8_t>& b) {
    return str(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  }
  writer& fixed(const nonce& n) {
    out_.append(reinterpret_cast<const char*>(n.data()), n.size());
    return *this;
  }
  std::string done() {
    if (failed_ || out_.size() - 4 > max_frame)
      return {};
    auto n = static_cast<uint32_t>(out_.size() - 4);
    for (int i = 0; i < 4; ++i)
      out_[static_cast<size_t>(i)] = static_cast<char>(n >> (24 - 8 * i));
    return std::move(out_);
  }

private:
  std::string out_;
  bool failed_ = false;
};

class reader {
public:
  explicit reader(std::string_view in) : in_(in) {}
  bool u8(uint8_t& v) {
    if (at_ + 1 > in_.size())
      return fail("short frame");
    v = static_cast<uint8_t>(in_[at_++]);
    return true;
  }
  bool u64(uint64_t& v) {
    v = 0;
    for (int i = 0; i < 8; ++i) {
      uint8_t b = 0;
      if (!u8(b))
        return false;
      v = (v << 8) | b;
    }
    return true;
  }
  bool str(std::string& s, size_t max) {
    uint8_t hi = 0, lo = 0;
    if (!u8(hi) || !u8(lo))
      return false;
    size_t n = (static_cast<size_t>(hi) << 8) | lo;
    if (n > max)
      return fail("field of " + std::to_string(n) + " bytes, more than " + std::to_string(max));
    if (at_ + n > in_.size())
      return fail("short frame");
    s.assign(in_.data() + at_, n);
    at_ += n;
    return true;
  }
  bool bytes(std::vector<uint8_t>& b, size_t max) {
    std::string s;
    if (!str(s, max))
      return false;
    b.assign(s.begin(), s.end());
    return true;
  }
  bool fixed(nonce& n) {
    if (at_ + n.size() > in_.size())
      return fail("short frame");
    for (auto& x : n)
      x = static_cast<uint8_t>(in_[at_++]);
    return true;
  }
  bool end() { return at_ == in_.size() || fail("trailing bytes after the frame's fields"); }
  const std::string& error() const { return error_; }

private:
  bool fail(std::string why) {
    if (error_.empty())
      error_ = std::move(why);
    return false;
  }
  std::string_view in_;
  size_t at_ = 0;
  std::string error_;
};


std::string payload(const char* tag, const std::string& cluster, const std::string& client,
                    const std::string& server, const nonce& nc, const nonce& ns) {
  std::string out = tag;
  for (auto* s : {&cluster, &client, &server})
    out += std::to_string(s->size()) + ":" + *s + "|";
  out.append(reinterpret_cast<const char*>(nc.data()), nc.size());
  out.append(reinterpret_cast<const char*>(ns.data()), ns.size());
  return out;
}

} // namespace

std::string server_payload(const std::string& cluster, const std::string& client,
                           const std::string& server, const nonce& nc, const nonce& ns) {
  return payload("cwts-kill-fanout/2 server\n", cluster, client, server, nc, ns);
}

std::string client_payload(const std::string& cluster, const std::string& client,
                           const std::string& server, const nonce& nc, const nonce& ns) {
  return payload("cwts-kill-fanout/2 client\n", cluster, client, server, nc, ns);
}

std::string encode(const hello& h) {
  return writer(frame_type::hello).u8(h.version).str(h.cluster).str(h.client).str(h.server)
    .fixed(h.client_nonce).done();
}

std::string encode(const hello_back& h) {
  return writer(frame_type::hello_back).str(h.server).fixed(h.server_nonce).bytes(h.signature)
    .done();
}

std::string encode(const challenge& c) {
  return writer(frame_type::challenge).str(c.server).fixed(c.server_nonce).done();
}

std::string encode(const auth& a) {
  return writer(frame_type::auth).bytes(a.signature).done();
}

std::string fits(const kill_command& k) {
  for (auto* f : {&k.id.value, &k.scope_value, &k.issuer.value, &k.origin.value, &k.cluster})
    if (f->size() > max_name)
      return "a name field of " + std::to_string(f->size()) + " bytes (at most "
             + std::to_string(max_name) + ")";
  if (k.reason.size() > max_text)
    return "a reason of " + std::to_string(k.reason.size()) + " bytes (at most "
           + std::to_string(max_text) + ")";
  if (k.signature.size() > max_sig)
    return "a signature of " + std::to_string(k.signature.size()) + " bytes";
  if (k.cosignatures.size() > max_cosignatures)
    return std::to_string(k.cosignatures.size()) + " cosignatures (at most "
           + std::to_string(max_cosignatures) + ")";
  for (auto& c : k.cosignatures)
    if (c.node.value.size() > max_name || c.signature.size() > max_sig)
      return "a cosignature over the size caps";
  return {};
}

std::string encode(const kill_command& k) {
  if (!fits(k).empty())
    return {};
  writer w(frame_type::kill);
  w.str(k.id.value).u8(static_cast<uint8_t>(k.level)).u8(static_cast<uint8_t>(k.scope))
    .str(k.scope_value).str(k.issuer.value).str(k.origin.value).str(k.reason)
    .u64(static_cast<uint64_t>(k.issued_at.ns)).bytes(k.signature).str(k.cluster);
  auto n = k.cosignatures.size();
  w.u8(static_cast<uint8_t>(n));
  for (size_t i = 0; i < n; ++i)
    w.str(k.cosignatures[i].node.value).bytes(k.cosignatures[i].signature);
  return w.done();
}

std::optional<frame> decode(std::string_view body, std::string& error) {
  reader r(body);
  uint8_t type = 0;
  frame f;
  bool ok = r.u8(type);
  if (ok && (type < 1 || type > 5)) {
    error = "unknown frame type " + std::to_string(type);
    return std::nullopt;
  }
  f.type = static_cast<frame_type>(type);
  if (ok && f.type == frame_type::hello) {
    ok = r.u8(f.h.version) && r.str(f.h.cluster, max_name) && r.str(f.h.client, max_name)
         && r.str(f.h.server, max_name) && r.fixed(f.h.client_nonce);
  } else if (ok && f.type == frame_type::hello_back) {
    ok = r.str(f.hb.server, max_name) && r.fixed(f.hb.server_nonce)
         && r.bytes(f.hb.signature, max_sig);
  } else if (ok && f.type == frame_type::challenge) {
    ok = r.str(f.ch.server, max_name) && r.fixed(f.ch.server_nonce);
  } else if (ok && f.type == frame_type::auth) {
    ok = r.bytes(f.a.signature, max_sig);
  } else if (ok) {
    auto& k = f.k;
    uint8_t level = 0, scope = 0, n = 0;
    uint64_t at = 0;
    ok = r.str(k.id.value, max_name) && r.u8(level) && r.u8(scope)
         && r.str(k.scope_value, max_name) && r.str(k.issuer.value, max_name)
         && r.str(k.origin.value, max_name) && r.str(k.reason, max_text) && r.u64(at)
         && r.bytes(k.signature, max_sig) && r.str(k.cluster, max_name) && r.u8(n);
    if (ok && (level > 4 || scope > static_cast<uint8_t>(kill_scope::cluster))) {
      error = "kill frame with level " + std::to_string(level) + " / scope "
              + std::to_string(scope) + " out of range";
      return std::nullopt;
    }
    if (ok && n > max_cosignatures) {
      error = "kill frame with " + std::to_string(n) + " cosignatures, more than "
              + std::to_string(max_cosignatures);
      return std::nullopt;
    }
    k.level = static_cast<kill_level>(level);
    k.scope = static_cast<kill_scope>(scope);
    k.issued_at.ns = static_cast<int64_t>(at);
    for (uint8_t i = 0; ok && i < n; ++i) {
      kill_cosignature c;
      ok = r.str(c.node.value, max_name) && r.bytes(c.signature, max_sig);
      k.cosignatures.push_back(std::move(c));
    }
  }
  if (!ok || !r.end()) {
    error = r.error();
    return std::nullopt;
  }
  return f;
}

std::optional<std::string> framer::next(std::string& error) {
  if (buffered() < 4)
    return std::nullopt;
  auto p = reinterpret_cast<const uint8_t*>(buf_.data() + at_);
  uint32_t n = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  if (n == 0 || n > max_frame) {
    oversized_ = n > max_frame;
    error = "frame of " + std::to_string(n) + " bytes (1.." + std::to_string(max_frame) + ")";
    return std::nullopt;
  }
  if (buffered() < 4 + n)
    return std::nullopt;
  std::string body = buf_.substr(at_ + 4, n);
  at_ += 4 + n;
  // Compacts once the consumed part is most of the buffer.
  if (at_ == buf_.size()) {
    buf_.clear();
    at_ = 0;
  } else if (at_ > 4096 && at_ * 2 > buf_.size()) {
    buf_.erase(0, at_);
    at_ = 0;
  }
  return body;
}

} // namespace cwts::fanout
