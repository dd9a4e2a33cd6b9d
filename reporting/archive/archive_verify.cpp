// archive_dir::verify (archive_dir.hpp): two streamed passes over the
// manifest, so its size never sets the memory used: the first checks the
// chain and collects the tombstones, the second checks each archived file
// against its entry (or its tombstone), then the audit chain across the
// archived audit files of each source.

#include <dirent.h>

#include <map>
#include <set>

#include "reporting/archive/archive_dir.hpp"
#include "messages/time.hpp"
#include "reporting/archive/file_copy.hpp"

namespace cwts::archive {

namespace {

std::string check_tombstone(const entry& archived, const entry& t) {
  if (t.file != archived.file || t.sha256 != archived.sha256 || t.size != archived.size)
    return "tombstone " + std::to_string(t.seq) + " does not name entry "
           + std::to_string(archived.seq) + "'s file, hash and size";
  if (t.retain_until_ns != archived.retain_until_ns || t.pruned_ns < archived.retain_until_ns)
    return "entry " + std::to_string(archived.seq) + " (" + archived.file
           + ") was deleted before its retain_until";
  return "";
}

std::string check_file(const std::string& dir, const entry& e) {
  std::string error;
  auto h = hash_file(dir + "/" + e.file, error);
  if (!h)
    return "archived file " + e.file + " is missing or unreadable (" + error + ")";
  if (h->size != e.size)
    return "archived file " + e.file + " was altered: " + std::to_string(h->size)
           + " bytes, its entry says "
           + std::to_string(e.size);
  if (h->sha256 != e.sha256)
    return "archived file " + e.file + " was altered: SHA-256 " + h->sha256.substr(0, 16)
           + "..., its entry says " + e.sha256.substr(0, 16) + "...";
  return "";
}

void find_unlisted(const std::string& dir, const std::set<std::string>& listed,
                   std::vector<std::string>& out) {
  for (int k = 0; k < 5; ++k) {
    std::string kind = to_string(static_cast<file_kind>(k));
    DIR* d = ::opendir((dir + "/" + kind).c_str());
    if (!d)
      continue;
    while (auto* ent = ::readdir(d)) {
      std::string name = ent->d_name;
      // .tmp-*: a copy a crash interrupted before it was placed.
      if (name == "." || name == ".." || name.compare(0, 5, ".tmp-") == 0)
        continue;
      if (!listed.count(kind + "/" + name) && out.size() < 100)
        out.push_back(kind + "/" + name);
    }
    ::closedir(d);
  }
}

} // namespace

verify_report archive_dir::verify(const std::vector<uint8_t>& node_key, int64_t now_ns) const {
  // No LOCK file: nobody ever wrote here with this code; nothing to wait for.
  archive_lock lock(dir_, true);
  return verify_locked(node_key, now_ns);
}

verify_report archive_dir::verify_locked(const std::vector<uint8_t>& node_key,
                                         int64_t now_ns) const {
  if (now_ns <= 0)
    now_ns = wall_clock_now().ns;
  verify_report v;
  // The latest tombstone so far: an entry archived after it must not be
  // dated before it (a prune run with a clock set forward, then honest
  // passes, shows here).
  const entry* latest = nullptr;
  entry latest_t;
  v.head = audit_genesis;
  std::map<uint64_t, entry> tombstones;
  std::string error;
  auto fail = [&](std::string why) {
    v.ok = false;
    v.problem = std::move(why);
    return v;
  };
  bool chain_ok = for_each(
    [&](const entry& e) -> std::string {
      ++v.entries;
      if (!e.pruned) {
        if (latest && e.archived_ns < latest->pruned_ns)
          return "tombstone " + std::to_string(latest->seq) + " is dated " + std::to_string(latest->pruned_ns)
                 + " ns, after entry " + std::to_string(e.seq) + " archived later at "
                 + std::to_string(e.archived_ns) + " ns (pruned with a clock set forward)";
        return "";
      }
      if (e.pruned_ns > now_ns)
        return "tombstone " + std::to_string(e.seq) + " is dated " + std::to_string(e.pruned_ns)
               + " ns, later than this host's clock (" + std::to_string(now_ns)
               + " ns): pruned with a clock set forward";
      if (!latest || e.pruned_ns > latest->pruned_ns) {
        latest_t = e;
        latest = &latest_t;
      }
      if (e.entry_seq >= e.seq)
        return "tombstone " + std::to_string(e.seq) + " names entry "
               + std::to_string(e.entry_seq) + ", which is not before it";
      if (!tombstones.emplace(e.entry_seq, e).second)
        return "entry " + std::to_string(e.entry_seq) + " pruned twice";
      return "";
    },
    error, &v.first_bad, node_key, &v.head);
  if (!chain_ok)
    return fail(error);
  std::set<std::string> listed;
  std::map<std::string, std::vector<std::string>> audit_files; // source -> files, in order
  std::set<uint64_t> matched;
  bool files_ok = for_each(
    [&](const entry& e) -> std::string {
      listed.insert(e.file);
      if (e.pruned)
        return "";
      if (auto t = tombstones.find(e.seq); t != tombstones.end()) {
        matched.insert(e.seq);
        ++v.pruned;
        return check_tombstone(e, t->second);
      }
      auto why = check_file(dir_, e);
      if (why.empty()) {
        ++v.files_checked;
        if (e.kind == file_kind::audit_chain)
          audit_files[e.source].push_back(dir_ + "/" + e.file);
      }
      return why;
    },
    error, &v.first_bad);
  if (!files_ok)
    return fail(error);
  for (auto& [seq, t] : tombstones)
    if (!matched.count(seq)) {
      v.first_bad = static_cast<int64_t>(t.seq);
      return fail("tombstone " + std::to_string(t.seq) + " names entry " + std::to_string(seq)
                  + ", which is no archived file");
    }
  for (auto& [source, files] : audit_files) {
    auto a = verify_audit_files(files);
    if (!a.ok)
      return fail("audit chain of " + source + " broken across its archived files: " + a.problem);
    ++v.audit_chains;
  }
  find_unlisted(dir_, listed, v.unlisted);
  if (!v.unlisted.empty()) {
    // Cut entries leave their files behind (or a crash left a copy whose
    // entry never reached the manifest): either way an operator must look.
    v.first_bad = static_cast<int64_t>(v.entries);
    return fail("file " + v.unlisted.front() + " is in the archive but no entry lists it "
                "(the manifest was cut, or a crash interrupted its archiving)");
  }
  v.ok = true;
  return v;
}

} // namespace cwts::archive
