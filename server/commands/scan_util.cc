#include "server/commands/scan_util.h"

#include <cerrno>
#include <cstdlib>
#include <string>

#include "protocol/errors.h"
#include "server/commands/reply_util.h"

namespace ember::server {

namespace errors = protocol::errors;

bool ParseScanCursor(CommandContext& ctx, std::string_view text, uint64_t* cursor) {
  std::string s(text);
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno == ERANGE || end == s.c_str() || *end != '\0') {
    ctx.reply().Error(errors::kInvalidCursor);
    return false;
  }
  *cursor = v;
  return true;
}

bool ParseScanArgs(CommandContext& ctx, ArgList args, size_t first, ScanArgs* out) {
  for (size_t i = first; i < args.size(); i += 2) {
    bool has_value = i + 1 < args.size();
    if (has_value && EqualsIgnoreCase(args[i], "count")) {
      if (!ParseIntArg(ctx, args[i + 1], &out->count)) return false;
      if (out->count < 1) {
        ctx.reply().Error(errors::kSyntax);
        return false;
      }
    } else if (has_value && EqualsIgnoreCase(args[i], "match")) {
      out->pattern = args[i + 1];
      if (*out->pattern == "*") out->pattern.reset();
    } else {
      ctx.reply().Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

void ReplyScanPage(CommandContext& ctx, uint64_t cursor, const std::vector<std::string>& items) {
  protocol::ReplyWriter& r = ctx.reply();
  r.ArrayHeader(2);
  r.Bulk(std::to_string(cursor));
  r.ArrayHeader(static_cast<int64_t>(items.size()));
  for (const std::string& item : items) r.Bulk(item);
}

}  // namespace ember::server
