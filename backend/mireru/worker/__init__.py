"""The worker process: `mireru worker`'s entrypoint (RQ does the signal handling) and the reaper
thread. Job bodies use the queue API in mireru.jobs; nothing outside the entrypoints imports this."""
