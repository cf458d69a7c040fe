// The command table: every command Ember knows, registered family by family
// (commands/*_commands.cc each end with a Register...Commands function).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
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
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Equal {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };

  std::vector<std::unique_ptr<CommandSpec>> commands_;
  std::unordered_map<std::string, CommandSpec*, Hash, Equal> by_name_;
};

// Family registration functions (one per file in commands/).
void RegisterStringCommands(CommandTable& table);
void RegisterKeyCommands(CommandTable& table);
void RegisterListCommands(CommandTable& table);
void RegisterConnectionCommands(CommandTable& table);
void RegisterServerCommands(CommandTable& table);
void RegisterTransactionCommands(CommandTable& table);
void RegisterZSetCommands(CommandTable& table);

}  // namespace ember::server
