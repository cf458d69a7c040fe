#include "server/command_table.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace ember::server {

namespace {

// Lower-cases `name` into `buf`; false if too long to be any command.
bool LowerName(std::string_view name, char* buf, size_t cap, std::string_view* out) {
  if (name.size() > cap) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    buf[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
  }
  *out = std::string_view(buf, name.size());
  return true;
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
    if (spec.handler != nullptr) BadSpec(spec, "a container has no handler of its own");
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
  RegisterConnectionCommands(table);
  RegisterServerCommands(table);
  RegisterTransactionCommands(table);
  RegisterZSetCommands(table);
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
  if (!by_name_.emplace(cmd->full_name, cmd).second) BadSpec(*cmd, "registered twice");
  commands_.push_back(std::move(owned));
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  char buf[64];
  std::string_view lower;
  if (!LowerName(name, buf, sizeof(buf), &lower)) return nullptr;
  auto it = by_name_.find(lower);
  return it == by_name_.end() ? nullptr : it->second;
}

const CommandSpec* CommandTable::FindSubcommand(const CommandSpec& container,
                                                std::string_view name) {
  char buf[64];
  std::string_view lower;
  if (!LowerName(name, buf, sizeof(buf), &lower)) return nullptr;
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
