// ember-job-worker: the workers of ember-job-queue without its HTTP API, to
// run (and kill) as separate processes. See docs/demos/job-queue.md.
#include "demos/job_queue/app.h"

int main(int argc, char** argv) { return ember::demos::jobs::JobWorkerMain(argc, argv); }
