// ember-notify: see demos/notification_service/app.h and
// docs/demos/notification-service.md.
#include "demos/notification_service/app.h"

int main(int argc, char** argv) { return ember::demos::notify::NotifyMain(argc, argv); }
