// The command table: every command Ember knows, registered family by family
// (commands/*_commands.cc each end with a Register...Commands function).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/command.h"

namespace ember::server {

class CommandTable {
 public:
  // The full table: every family registered.
  static CommandTable Build();

  // Adds a command (with its subcommands). Aborts with a message if its
  // metadata is inconsistent: checking here, once, is what lets the
  // dispatcher trust every row.
  void Add(CommandSpec spec);

  // Case-insensitive; nullptr if unknown.
  const CommandSpec* Find(std::string_view name) const;
  // A container's subcommand, case-insensitive; nullptr if unknown.
  static const CommandSpec* FindSubcommand(const CommandSpec& container, std::string_view name);

  // Top-level commands in registration order.
  const std::vector<std::unique_ptr<CommandSpec>>& all() const { return commands_; }
  size_t size() const { return commands_.size(); }

  void ResetStats();

 private:
  // Find runs for every command a client sends, so the names live in a small
  // open-addressing table (power-of-two size, at most half full) hashed
  // while the name is lower-cased: one pass over the name, no allocation,
  // no library calls.
  void InsertSlot(CommandSpec* cmd);
  const CommandSpec* FindSlot(std::string_view lower, uint64_t hash) const;

  std::vector<std::unique_ptr<CommandSpec>> commands_;
  std::vector<CommandSpec*> slots_;
};

// Family registration functions (one per file in commands/).
void RegisterStringCommands(CommandTable& table);
void RegisterKeyCommands(CommandTable& table);
void RegisterListCommands(CommandTable& table);
void RegisterHashCommands(CommandTable& table);
void RegisterSetCommands(CommandTable& table);
void RegisterConnectionCommands(CommandTable& table);
void RegisterServerCommands(CommandTable& table);
void RegisterPersistenceCommands(CommandTable& table);
void RegisterTransactionCommands(CommandTable& table);
void RegisterConfigCommands(CommandTable& table);
void RegisterIntrospectionCommands(CommandTable& table);
void RegisterZSetCommands(CommandTable& table);
void RegisterAclCommands(CommandTable& table);
void RegisterPubSubCommands(CommandTable& table);
void RegisterMonitoringCommands(CommandTable& table);

}  // namespace ember::server
