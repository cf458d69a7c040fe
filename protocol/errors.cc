#include "protocol/errors.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace ember::protocol::errors {

// Redis quotes at most 128 bytes of the name and of the arguments together,
// so a huge request cannot produce a huge error.
std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs) {
  std::string quoted;
  for (size_t i = 0; i < nargs && quoted.size() < 128; ++i) {
    size_t room = 128 - quoted.size();
    quoted += '\'';
    quoted.append(args[i].substr(0, room));
    quoted += "' ";
  }
  return fmt::format("ERR unknown command '{}', with args beginning with: {}", name.substr(0, 128),
                     quoted);
}

std::string UnknownSubcommand(std::string_view sub, std::string_view container) {
  std::string upper(container);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  return fmt::format("ERR unknown subcommand '{}'. Try {} HELP.", sub.substr(0, 128), upper);
}

std::string UnknownSubcommandOrArity(std::string_view sub, std::string_view command) {
  std::string upper(command);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  return fmt::format("ERR unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
                     sub.substr(0, 128), upper);
}

std::string ConfigSetUnknown(std::string_view name) {
  return fmt::format("ERR Unknown option or number of arguments for CONFIG SET - '{}'", name);
}

std::string ConfigSetFailed(std::string_view name, std::string_view reason) {
  return fmt::format("ERR CONFIG SET failed (possibly related to argument '{}') - {}", name,
                     reason);
}

std::string ConfigRewriteFailed(std::string_view reason) {
  return fmt::format("ERR Rewriting config file: {}", reason);
}

std::string WrongArity(std::string_view full_name) {
  return fmt::format("ERR wrong number of arguments for '{}' command", full_name);
}

std::string AtLeastOneInputKey(std::string_view full_name) {
  return fmt::format("ERR at least 1 input key is needed for '{}' command", full_name);
}

std::string ProtoExpectedDollar(char got) {
  return fmt::format("{}expected '$', got '{}'", kProtoPrefix, got);
}

}  // namespace ember::protocol::errors
