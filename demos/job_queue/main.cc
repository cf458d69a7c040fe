// ember-job-queue: see demos/job_queue/app.h and docs/demos/job-queue.md.
#include "demos/job_queue/app.h"

int main(int argc, char** argv) { return ember::demos::jobs::JobQueueMain(argc, argv); }
