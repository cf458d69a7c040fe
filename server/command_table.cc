#include "server/command_table.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace ember::server {

namespace {

// Lower-cases `name` into `buf` (ASCII only, like Redis's command lookup)
// and returns its FNV-1a hash; false if too long to be any command.
bool LowerName(std::string_view name, char* buf, size_t cap, std::string_view* out,
               uint64_t* hash) {
  if (name.size() > cap) return false;
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    buf[i] = static_cast<char>(c);
    h = (h ^ c) * 0x100000001b3ULL;
  }
  *out = std::string_view(buf, name.size());
  *hash = h;
  return true;
}

uint64_t NameHash(std::string_view lower) {
  char buf[64];
  std::string_view unused;
  uint64_t h = 0;
  LowerName(lower, buf, sizeof(buf), &unused, &h);
  return h;
}

[[noreturn]] void BadSpec(const CommandSpec& spec, const char* why) {
  std::fprintf(stderr, "command table: '%s': %s\n", spec.full_name.c_str(), why);
  std::abort();
}

void Check(const CommandSpec& spec) {
  for (char c : spec.name) {
    if (std::isupper(static_cast<unsigned char>(c))) BadSpec(spec, "name must be lower case");
  }
  if (spec.arity == 0) BadSpec(spec, "arity must not be 0");
  if (spec.is_container()) {
    // A container may run on its own when called with no subcommand
    // (COMMAND); its arity must then allow that.
    if (spec.handler != nullptr && spec.arity != -1) {
      BadSpec(spec, "a container with a handler of its own must have arity -1");
    }
  } else if (spec.handler == nullptr) {
    BadSpec(spec, "missing handler");
  }
  if (spec.parent != nullptr && spec.arity > 0 && spec.arity < 2) {
    BadSpec(spec, "a subcommand's arity counts the container: at least 2");
  }
  const KeySpec& k = spec.keys;
  if ((k.first == 0) != (k.step == 0)) BadSpec(spec, "key step and first key go together");
  if (k.first < 0 || k.step < 0) BadSpec(spec, "negative first key or step");
  if (k.first > 0 && k.last > 0 && k.last < k.first) BadSpec(spec, "last key before first");
  if (spec.has(kCmdWrite) && spec.has(kCmdReadonly)) BadSpec(spec, "both write and readonly");
  if (spec.doc.summary.empty() || spec.doc.since.empty() || spec.doc.group.empty()) {
    BadSpec(spec, "missing documentation (summary, since, group)");
  }
}

}  // namespace

CommandTable CommandTable::Build() {
  CommandTable table;
  RegisterStringCommands(table);
  RegisterKeyCommands(table);
  RegisterListCommands(table);
  RegisterHashCommands(table);
  RegisterSetCommands(table);
  RegisterConnectionCommands(table);
  RegisterServerCommands(table);
  RegisterPersistenceCommands(table);
  RegisterTransactionCommands(table);
  RegisterConfigCommands(table);
  RegisterIntrospectionCommands(table);
  RegisterZSetCommands(table);
  RegisterAclCommands(table);
  RegisterPubSubCommands(table);
  RegisterMonitoringCommands(table);
  return table;
}

void CommandTable::Add(CommandSpec spec) {
  auto owned = std::make_unique<CommandSpec>(std::move(spec));
  CommandSpec* cmd = owned.get();
  cmd->full_name = std::string(cmd->name);
  cmd->parent = nullptr;
  Check(*cmd);
  for (CommandSpec& sub : cmd->subcommands) {
    sub.parent = cmd;
    sub.full_name = cmd->full_name + "|" + std::string(sub.name);
    Check(sub);
  }
  if (cmd->full_name.size() > 64) BadSpec(*cmd, "name longer than 64 characters");
  if (FindSlot(cmd->full_name, NameHash(cmd->full_name)) != nullptr) {
    BadSpec(*cmd, "registered twice");
  }
  commands_.push_back(std::move(owned));
  if (commands_.size() * 2 > slots_.size()) {
    slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, nullptr);
    for (auto& c : commands_) InsertSlot(c.get());
  } else {
    InsertSlot(cmd);
  }
}

void CommandTable::InsertSlot(CommandSpec* cmd) {
  size_t mask = slots_.size() - 1;
  size_t i = NameHash(cmd->full_name) & mask;
  while (slots_[i] != nullptr) i = (i + 1) & mask;
  slots_[i] = cmd;
}

const CommandSpec* CommandTable::FindSlot(std::string_view lower, uint64_t hash) const {
  if (slots_.empty()) return nullptr;
  size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const CommandSpec* cmd = slots_[i];
    if (cmd == nullptr || cmd->full_name == lower) return cmd;
  }
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  char buf[64];
  std::string_view lower;
  uint64_t hash;
  if (!LowerName(name, buf, sizeof(buf), &lower, &hash)) return nullptr;
  return FindSlot(lower, hash);
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& container,
                                                std::string_view name) {
  char buf[64];
  std::string_view lower;
  uint64_t hash;
  if (!LowerName(name, buf, sizeof(buf), &lower, &hash)) return nullptr;
  for (const CommandSpec& sub : container.subcommands) {
    if (sub.name == lower) return &sub;
  }
  return nullptr;
}

void CommandTable::ResetStats() {
  for (auto& cmd : commands_) {
    cmd->stats = {};
    for (CommandSpec& sub : cmd->subcommands) sub.stats = {};
  }
}

}  // namespace ember::server
